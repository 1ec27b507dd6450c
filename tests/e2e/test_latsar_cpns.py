"""A Latsar for CPNS in the chat: a PNS who presses 📝 Daftar is told it is for CPNS only, a CPNS
is registered — end to end over the local Bot API server."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi, Phone
from db.models import Employee, EmploymentStatus
from tests.utils.employees import make_employee
from tests.utils.events import configure, make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, press, say

ME = 737373
LATSAR = "Pelatihan Dasar CPNS Angkatan I"


async def _press_register(session: AsyncSession, api: LocalBotApi, employee: Employee, lang: str) -> str:
    latsar = await make_event(session, "LATSAR-01", title=LATSAR, starts_at=wita(2026, 12, 14))
    await configure(session, latsar, target_statuses=["cpns"])
    phone: Phone = await linked_phone(session, api, employee, user_id=ME, lang=lang)
    await say(phone, "/pelatihan")
    await press(phone, f"1. {LATSAR}")
    detail = next(m for m in reversed(phone.chat.history) if m.inline_keyboard)
    (answer,) = await press(phone, detail.button_texts[0])
    return answer.plain_text


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

    said = await _press_register(session, api, pns, lang)

    assert expected in said


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(("lang", "expected"), [("id", "Anda terdaftar"), ("en", "You are registered")])
async def test_a_cpns_is_registered_for_the_latsar(
    api: LocalBotApi, session: AsyncSession, lang: str, expected: str
) -> None:
    cpns = await make_employee(session, status=EmploymentStatus.CPNS)

    said = await _press_register(session, api, cpns, lang)

    assert expected in said
