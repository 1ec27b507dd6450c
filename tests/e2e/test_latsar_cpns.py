"""A Latsar for CPNS in the chat: a PNS opening it is told it is for CPNS only, with no 📝 Daftar
to press; a CPNS registers — end to end over the local Bot API server."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import BotMessage, LocalBotApi, Phone
from db.models import Employee, EmploymentStatus
from tests.utils.employees import make_employee
from tests.utils.events import configure, make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, press, say

ME = 737373
LATSAR = "Pelatihan Dasar CPNS Angkatan I"


async def _open_latsar(session: AsyncSession, api: LocalBotApi, employee: Employee, lang: str) -> Phone:
    """The employee opens the Latsar's detail from /pelatihan."""
    latsar = await make_event(session, "LATSAR-01", title=LATSAR, starts_at=wita(2026, 12, 14))
    await configure(session, latsar, target_statuses=["cpns"])
    phone: Phone = await linked_phone(session, api, employee, user_id=ME, lang=lang)
    await say(phone, "/pelatihan")
    await press(phone, f"1. {LATSAR}")
    return phone


def _detail(phone: Phone) -> BotMessage:
    return next(m for m in reversed(phone.chat.history) if m.inline_keyboard)


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("id", "kegiatan ini hanya untuk status kepegawaian CPNS."),
        ("en", "it is only for the employment status CPNS."),
    ],
)
async def test_a_pns_is_told_the_latsar_is_for_cpns_only(
    api: LocalBotApi, session: AsyncSession, lang: str, expected: str
) -> None:
    pns = await make_employee(session)

    detail = _detail(await _open_latsar(session, api, pns, lang))

    assert expected in detail.plain_text
    assert not [b for b in detail.button_texts if b.startswith("📝")]


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(("lang", "expected"), [("id", "Anda terdaftar"), ("en", "You are registered")])
async def test_a_cpns_is_registered_for_the_latsar(
    api: LocalBotApi, session: AsyncSession, lang: str, expected: str
) -> None:
    cpns = await make_employee(session, status=EmploymentStatus.CPNS)

    phone = await _open_latsar(session, api, cpns, lang)
    (answer,) = await press(phone, _detail(phone).button_texts[0])

    assert expected in answer.plain_text
