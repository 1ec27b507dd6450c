"""`/hapus_data` as an ASN with a seat in next week's training meets it: before confirming they
read that the registration will be cancelled and the seat given to the waitlist; after, one
account of what was done, never "Penautan akun dibatalkan" (linking was not under way)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi
from db.models import RegistrationStatus
from tests.utils.employees import make_employee, make_employees
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, press, say
from tests.utils.registrations import register, statuses

ME = 717171
TITLE = "Pelatihan Pelayanan Prima"

CONFIRM = {
    "id": (
        "Pendaftaran yang akan dibatalkan (1 kegiatan yang belum dimulai)",
        "diberikan kepada peserta berikutnya di daftar tunggu",
        "(terdaftar)",
        "Ya, hapus data saya",
    ),
    "en": (
        "Registrations that will be cancelled (events not started yet: 1)",
        "goes at once to the next person on the waiting list",
        "(registered)",
        "Yes, erase my data",
    ),
}
DONE = {
    "id": (
        "Akun Anda sudah diputus",
        "Pendaftaran Anda pada 1 kegiatan yang akan datang telah dibatalkan",
        "Tombol menu ASN Karier sudah ditutup.",
    ),
    "en": (
        "Your account has been unlinked",
        "Your registrations for upcoming events (1) have been cancelled",
        "The ASN Karier menu buttons have been closed.",
    ),
}


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_hapus_data_says_the_upcoming_registration_is_cancelled_and_frees_the_seat(
    api: LocalBotApi, bot: object, session: AsyncSession, lang: str
) -> None:
    maria = await make_employee(session)
    (colleague,) = await make_employees(session, 1)
    training = await make_event(
        session, "PP-01", starts_at=wita(2026, 12, 7, 8), title=TITLE, quota=1, seats_taken=1
    )
    await register(session, maria, training)
    await register(session, colleague, training, status=RegistrationStatus.WAITLISTED)
    phone = await linked_phone(session, api, maria, user_id=ME, lang=lang)

    (confirm,) = await say(phone, "/hapus_data")
    heading, seat, status, button = CONFIRM[lang]
    assert heading in confirm.plain_text
    assert seat in confirm.plain_text
    assert f"{TITLE} — " in confirm.plain_text
    assert status in confirm.plain_text

    edited, last = await press(phone, button, count=2)
    unlinked, cancelled, menu_closed = DONE[lang]
    assert unlinked in edited.plain_text
    assert cancelled in edited.plain_text
    assert TITLE in edited.plain_text
    assert last.plain_text == menu_closed
    assert not [m for m in phone.chat.history if "Penautan akun dibatalkan" in m.plain_text]
    assert not [m for m in phone.chat.history if "Account linking cancelled" in m.plain_text]
    expected = {maria.id: RegistrationStatus.CANCELLED, colleague.id: RegistrationStatus.REGISTERED}
    training_id = training.id
    session.expire_all()
    assert await statuses(session, training_id) == expected


async def test_without_upcoming_registrations_hapus_data_says_none_is_cancelled(
    api: LocalBotApi, bot: object, session: AsyncSession
) -> None:
    phone = await linked_phone(session, api, await make_employee(session), user_id=ME)
    (confirm,) = await say(phone, "/hapus_data")
    assert "tidak ada pendaftaran yang dibatalkan" in confirm.plain_text
    edited, _ = await press(phone, "Ya, hapus data saya", count=2)
    assert "dibatalkan" not in edited.plain_text
