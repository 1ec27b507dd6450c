"""When something breaks, the user hears about it in their language and the log holds
the traceback but nothing personal."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers import profile
from bot.local_api import LocalBotApi
from db.models import TelegramAccount
from tests.utils.employees import MARIA_NIP, MARIA_PHONE, make_employee

ME = 828282


class BrokenError(RuntimeError):
    """A failure deep in the domain."""


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(("lang", "expected"), [("id", "terjadi kesalahan"), ("en", "something went wrong")])
async def test_a_failing_handler_apologises_and_logs_without_personal_data(
    api: LocalBotApi,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    lang: str,
    expected: str,
) -> None:
    employee = await make_employee(session)
    session.add(TelegramAccount(telegram_user_id=ME, chat_id=ME, employee_id=employee.id, language=lang))
    await session.commit()

    def explode(*_args: object, **_kwargs: object) -> None:
        raise BrokenError("the rank table is gone")

    monkeypatch.setattr(profile, "rank_name", explode)
    phone = api.user(user_id=ME, first_name="Maria", last_name="Bria", language_code="id")
    with caplog.at_level(logging.INFO):  # the level `asn-bot run` logs at
        await phone.send("/profil")
        (answer,) = await phone.wait_replies()
    assert expected in answer.plain_text
    assert "BrokenError: the rank table is gone" in caplog.text
    for personal in (MARIA_NIP, MARIA_PHONE, "Maria", "Bria"):
        assert personal not in caplog.text
