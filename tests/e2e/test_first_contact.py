"""Ten people open the bot for the first time at once, each tapping twice: every one of them
gets the welcome, none the error reply (the account row is created by whichever update comes
first; the other finds it)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi, Phone
from db.models import TelegramAccount

NEWCOMERS = range(700_001, 700_011)


async def _twice(phone: Phone, first: str, second: str) -> list[str]:
    await asyncio.gather(phone.send(first), phone.send(second))
    return [reply.plain_text for reply in await phone.wait_replies(count=2, timeout=15)]


@pytest.mark.parametrize(("first", "second"), [("/start", "/start"), ("/start", "/pengaturan")])
@pytest.mark.usefixtures("bot")
async def test_ten_newcomers_tapping_twice_at_once_all_get_an_answer(
    api: LocalBotApi, session: AsyncSession, first: str, second: str
) -> None:
    phones = [api.user(user_id=user_id, first_name="Baru", language_code="id") for user_id in NEWCOMERS]
    answers = await asyncio.gather(*(_twice(phone, first, second) for phone in phones))
    for replies in answers:
        assert not [text for text in replies if "terjadi kesalahan" in text], replies
        assert any("Selamat datang di ASN Karier" in text for text in replies)
    accounts = await session.scalar(
        select(func.count())
        .select_from(TelegramAccount)
        .where(TelegramAccount.telegram_user_id.in_(NEWCOMERS))
    )
    assert accounts == len(NEWCOMERS)
