"""Anyone checks a certificate in Telegram, end to end over the local Bot API server: by the
deep link of the QR code printed on it (`/start cek_<number>`) or by `/verifikasi`, linked or
not. Strangers see a masked name; the holder, HR and the event's organizer see more; wrong
numbers are answered calmly and limited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi
from db import accounts
from db.models import Employee, Event, LinkAttempt, Role
from db.registration import Certificate
from tests.utils.certificates import UNDANA, attended, signer
from tests.utils.employees import make_employee
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, say

pytestmark = pytest.mark.usefixtures("bot")
STRANGER = 5555
MARIA_NIP = "198609262015052001"


@pytest.fixture
async def maria(session: AsyncSession) -> Employee:
    return await make_employee(session, nip=MARIA_NIP, name="Maria Goreti Bria")


@pytest.fixture
async def seminar(session: AsyncSession) -> Event:
    await signer(session, UNDANA, "Dr. Agustina Seran, M.Si.", "Dekan FISIP")
    return await make_event(
        session,
        "SEM-01",
        starts_at=wita(2026, 11, 20, 9),
        title="Seminar Kebijakan Publik",
        organizer=UNDANA,
    )


@pytest.fixture
async def issued(session: AsyncSession, maria: Employee, seminar: Event) -> Certificate:
    return await attended(session, maria, seminar)


@pytest.mark.parametrize(
    ("lang", "genuine", "masked_note"),
    [("id", "Sertifikat asli", "disamarkan"), ("en", "Genuine certificate", "masked")],
)
async def test_a_stranger_opens_the_qr_link_and_sees_a_genuine_certificate_with_a_masked_name(
    api: LocalBotApi, issued: Certificate, lang: str, genuine: str, masked_note: str
) -> None:
    stranger = api.user(user_id=STRANGER, first_name="Panitia", language_code=lang)
    (answer,) = await say(stranger, f"/start cek_{issued.code}")
    text = answer.plain_text
    assert genuine in text
    assert issued.number in text
    assert "Seminar Kebijakan Publik" in text
    assert "20 November 2026" in text
    assert UNDANA in text
    assert "Dr. Agustina Seran, M.Si." in text
    assert "Dekan FISIP" in text
    assert "M*** G*** B***" in text
    assert masked_note in text
    assert "Maria Goreti Bria" not in text
    assert MARIA_NIP not in text
    assert "NIP" not in text


async def test_the_holder_sees_their_full_name_and_nip(
    api: LocalBotApi, session: AsyncSession, maria: Employee, issued: Certificate
) -> None:
    phone = await linked_phone(session, api, maria, user_id=7001)
    (answer,) = await say(phone, f"/verifikasi {issued.number}")
    assert "Maria Goreti Bria" in answer.plain_text
    assert MARIA_NIP in answer.plain_text
    assert "Ini sertifikat Anda" in answer.plain_text


async def test_hr_sees_the_full_nip_and_the_events_organizer_a_masked_one(
    api: LocalBotApi, session: AsyncSession, issued: Certificate
) -> None:
    await accounts.grant_role(session, telegram_user_id=9001, role=Role.HR)
    await accounts.grant_role(session, telegram_user_id=9002, role=Role.ORGANIZER, organizer=UNDANA)
    await accounts.grant_role(session, telegram_user_id=9003, role=Role.ORGANIZER, organizer="Politeknik")
    hr, organizer, other = (
        api.user(user_id=i, first_name="Petugas", language_code="id") for i in (9001, 9002, 9003)
    )

    (to_hr,) = await say(hr, f"/start cek_{issued.code}")
    (to_organizer,) = await say(organizer, f"/start cek_{issued.code}")
    (to_other,) = await say(other, f"/start cek_{issued.code}")

    assert "Maria Goreti Bria" in to_hr.plain_text
    assert MARIA_NIP in to_hr.plain_text
    assert "Maria Goreti Bria" in to_organizer.plain_text
    assert "1986" in to_organizer.plain_text
    assert MARIA_NIP not in to_organizer.plain_text
    assert "M*** G*** B***" in to_other.plain_text  # another organizer is a stranger to this event


async def test_a_wrong_number_is_answered_calmly_and_guessing_is_limited(
    api: LocalBotApi, session: AsyncSession, issued: Certificate
) -> None:
    stranger = api.user(user_id=STRANGER, first_name="Panitia", language_code="id")
    (first,) = await say(stranger, "/start cek_AAAABBBBCCCCDDDD")
    assert "Kami tidak menemukan sertifikat dengan nomor" in first.plain_text
    assert "AAAABBBBCCCCDDDD" in first.plain_text
    for _ in range(9):
        (last,) = await say(stranger, "/verifikasi AAAA-BBBB-CCCC-DDDD")
    assert "sisa percobaan: 0" in last.plain_text

    (locked,) = await say(stranger, f"/start cek_{issued.code}")
    assert "Terlalu banyak nomor sertifikat" in locked.plain_text
    assert "Sertifikat asli" not in locked.plain_text  # a right number is not even looked at now
    wrong = await session.scalar(
        select(func.count()).select_from(LinkAttempt).where(LinkAttempt.telegram_user_id == STRANGER)
    )
    assert wrong == 10


async def test_checking_real_certificates_never_locks_anyone_out(
    api: LocalBotApi, issued: Certificate
) -> None:
    stranger = api.user(user_id=STRANGER, first_name="Panitia", language_code="id")
    for _ in range(12):
        (answer,) = await say(stranger, f"/verifikasi {issued.code.lower()}")
    assert "Sertifikat asli" in answer.plain_text


async def test_verifikasi_without_a_number_explains_itself(api: LocalBotApi) -> None:
    stranger = api.user(user_id=STRANGER, first_name="Panitia", language_code="id")
    (answer,) = await say(stranger, "/verifikasi")
    assert "Kirim nomor sertifikat" in answer.plain_text
