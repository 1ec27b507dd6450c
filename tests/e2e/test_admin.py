"""HR and organizers in `/admin`, end to end over the local Bot API server: their events
with counts, registrants, exports, the check-in QR, attendance, approvals, allocation and
certificate checks — and everyone else politely turned away."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import BotMessage, LocalBotApi, Phone
from db import accounts, registration
from db.models import (
    Allocation,
    Employee,
    Event,
    LearningRecord,
    Registration,
    RegistrationStatus,
    Role,
)
from tests.utils.employees import make_employees
from tests.utils.events import configure, make_event
from tests.utils.office_time import WITA, wita
from tests.utils.phones import linked_phone, press
from tests.utils.registrations import register

HR = 9001
ORGANIZER = 9002
UNDANA = "Universitas Nusa Cendana"
Status = RegistrationStatus
pytestmark = pytest.mark.usefixtures("bot")


async def _hr(session: AsyncSession, api: LocalBotApi, lang: str = "id") -> Phone:
    await accounts.grant_role(session, telegram_user_id=HR, role=Role.HR)
    return api.user(user_id=HR, first_name="Yohanes", language_code=lang)


async def _organizer(session: AsyncSession, api: LocalBotApi) -> Phone:
    await accounts.grant_role(session, telegram_user_id=ORGANIZER, role=Role.ORGANIZER, organizer=UNDANA)
    return api.user(user_id=ORGANIZER, first_name="Dosen", language_code="id")


async def _asn_phone(session: AsyncSession, api: LocalBotApi, employee: Employee, lang: str = "id") -> Phone:
    return await linked_phone(session, api, employee, user_id=7000 + employee.id, lang=lang)


async def _open_event(phone: Phone, number: int = 1) -> BotMessage:
    await phone.send("/admin")
    (menu,) = await phone.wait_replies()
    await phone.press(menu.button_texts[number - 1])
    (screen,) = await phone.wait_replies()
    return screen


async def _deliver(bot: BotApplication) -> int:
    """Send what the outbox holds, as the running bot's dispatcher does every second."""
    return await Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, worker_id="test", rate=30).drain()


async def _registration_id(session: AsyncSession, employee: Employee) -> int:
    found = await session.scalar(select(Registration.id).where(Registration.employee_id == employee.id))
    assert found is not None
    return found


@pytest.mark.parametrize(("lang", "words"), [("id", "hanya untuk petugas"), ("en", "only for BKPSDM/BKD")])
async def test_an_asn_without_a_role_is_politely_refused(
    api: LocalBotApi, session: AsyncSession, lang: str, words: str
) -> None:
    (employee,) = await make_employees(session, 1)
    phone = await _asn_phone(session, api, employee, lang)
    await phone.send("/admin")
    (refusal,) = await phone.wait_replies()
    assert words in refusal.plain_text
    assert refusal.inline_keyboard is None


async def test_hr_sees_every_event_and_its_counts(api: LocalBotApi, session: AsyncSession) -> None:
    first = await make_event(
        session, "PKP-01", starts_at=wita(2026, 12, 7), quota=2, title="Pelatihan Pelayanan Prima"
    )
    await make_event(
        session, "SEM-01", starts_at=wita(2026, 12, 9), organizer=UNDANA, title="Seminar Kebijakan"
    )
    people = await make_employees(session, 4)
    for employee, status in zip(
        people, [Status.REGISTERED, Status.REGISTERED, Status.WAITLISTED, Status.CANCELLED], strict=True
    ):
        await register(session, employee, first, status=status)
    await configure(session, first, seats_taken=2)
    phone = await _hr(session, api)

    await phone.send("/admin")
    (menu,) = await phone.wait_replies()
    assert "semua kegiatan" in menu.plain_text
    assert menu.button_texts == [
        "1. Pelatihan Pelayanan Prima",
        "2. Seminar Kebijakan",
        "➕ Buat acara",
        "📣 Pengumuman",
        "👥 Peran dan penyelenggara",
    ]
    await phone.press("1. Pelatihan Pelayanan Prima")
    (screen,) = await phone.wait_replies()
    text = screen.plain_text
    assert "Kursi: 2/2 terisi, 0 tersisa" in text
    assert "Terdaftar: 2" in text
    assert "Daftar tunggu: 1" in text
    assert "Dibatalkan: 1" in text
    assert "👥 Pendaftar" in screen.button_texts
    assert "⚖️ Bagi kursi sekarang" not in screen.button_texts


async def test_an_organizer_sees_only_their_own_events_with_nips_masked(
    api: LocalBotApi, session: AsyncSession
) -> None:
    await make_event(session, "PKP-01", starts_at=wita(2026, 12, 7), title="Pelatihan BPSDM")
    own = await make_event(
        session, "SEM-01", starts_at=wita(2026, 12, 9), organizer=UNDANA, title="Seminar Undana"
    )
    (employee,) = await make_employees(session, 1)
    await register(session, employee, own)
    phone = await _organizer(session, api)

    await phone.send("/admin")
    (menu,) = await phone.wait_replies()
    assert menu.button_texts == ["1. Seminar Undana", "➕ Buat acara"]
    assert "Pelatihan BPSDM" not in menu.plain_text
    await phone.press("1. Seminar Undana")
    await phone.wait_replies()
    (listing,) = await press(phone, "👥 Pendaftar")
    assert employee.name in listing.plain_text
    assert employee.nip not in listing.plain_text
    assert employee.nip[:4] in listing.plain_text
    assert "tersamar" in listing.plain_text


async def test_hr_lists_registrants_with_full_nip_unit_status_and_waitlist_position(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(session, "PKP-01", starts_at=wita(2026, 12, 7), quota=1, seats_taken=1)
    seated, waiting = await make_employees(session, 2)
    await register(session, seated, event)
    await register(session, waiting, event, status=Status.WAITLISTED)
    phone = await _hr(session, api, lang="en")
    await _open_event(phone)
    (listing,) = await press(phone, "👥 Registrants")
    text = listing.plain_text
    assert seated.nip in text
    assert waiting.nip in text
    assert "Badan Kepegawaian" in text
    assert "registered" in text
    assert "Status: waiting list (number 1)" in text
    assert text.index(seated.name) < text.index(waiting.name)


async def test_export_sends_a_csv_and_an_xlsx_of_the_registrants(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(session, "PKP-01", starts_at=wita(2026, 12, 7))
    first, second = await make_employees(session, 2)
    await register(session, first, event)
    await register(session, second, event, status=Status.PENDING)
    phone = await _hr(session, api)
    await _open_event(phone)
    csv_message, xlsx_message = await press(phone, "📥 Ekspor", count=2)

    assert csv_message.document_name == "pendaftar-PKP-01.csv"
    assert csv_message.document is not None
    rows = list(csv.DictReader(io.StringIO(csv_message.document.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0])[:6] == ["No", "Nama", "NIP", "Unit Kerja", "Jabatan", "Status"]
    assert (rows[0]["Nama"], rows[0]["NIP"], rows[0]["Status"]) == (first.name, first.nip, "terdaftar")
    assert rows[1]["Status"] == "menunggu persetujuan"
    assert "PKP-01" in (csv_message.caption or "")

    assert xlsx_message.document_name == "pendaftar-PKP-01.xlsx"
    assert xlsx_message.document is not None
    sheet = load_workbook(io.BytesIO(xlsx_message.document)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("No", "Nama", "NIP")
    assert values[1][1:3] == (first.name, first.nip)


async def test_the_checkin_code_comes_with_a_qr_image_of_the_deep_link(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(session, "PKP-01", starts_at=wita(2026, 12, 7))
    phone = await _hr(session, api)
    await _open_event(phone)
    (photo,) = await press(phone, "🔑 Kode kehadiran + QR")

    assert photo.photo is not None
    assert photo.photo.startswith(b"\x89PNG\r\n\x1a\n")
    code = await session.scalar(
        select(Event.checkin_code).where(Event.id == event.id).execution_options(populate_existing=True)
    )
    assert code is not None
    assert len(code) == 6
    caption = photo.caption or ""
    assert code in caption
    assert f"https://t.me/asn_karier_bot?start=hadir_{code}" in caption
    assert f"/hadir {code}" in caption


async def test_marking_attendance_credits_jp_once_even_when_two_admins_press_it(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(session, "SEM-01", starts_at=wita(2026, 12, 9), organizer=UNDANA, jp=6)
    (employee,) = await make_employees(session, 1)
    await register(session, employee, event)
    hr = await _hr(session, api)
    organizer = await _organizer(session, api)
    for phone in (hr, organizer):
        await _open_event(phone)
        (picker,) = await press(phone, "✅ Catat kehadiran")
        assert f"1. {employee.name} — hadir" in picker.button_texts

    (done,) = await press(hr, f"1. {employee.name} — hadir")
    assert "dicatat hadir; 6 JP ditambahkan ke capaiannya" in done.plain_text
    assert "Tidak ada peserta terdaftar" in done.plain_text
    (again,) = await press(organizer, f"1. {employee.name} — hadir")
    assert "sudah tercatat hadir" in again.plain_text

    credited = await session.scalar(
        select(func.sum(LearningRecord.jp)).where(LearningRecord.employee_id == employee.id)
    )
    assert credited == 6


async def test_approving_and_rejecting_tells_each_asn_on_their_phone(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    event = await make_event(
        session, "PKP-01", starts_at=wita(2026, 12, 7), title="Pelatihan Pelayanan Prima"
    )
    await configure(session, event, requires_approval=True)
    maria, yohanes = await make_employees(session, 2)
    await register(session, maria, event, status=Status.PENDING, at=datetime(2026, 11, 20, tzinfo=UTC))
    await register(session, yohanes, event, status=Status.PENDING, at=datetime(2026, 11, 21, tzinfo=UTC))
    maria_phone = await _asn_phone(session, api, maria)
    yohanes_phone = await _asn_phone(session, api, yohanes, lang="en")
    phone = await _hr(session, api)

    screen = await _open_event(phone)
    assert "✋ Persetujuan (2)" in screen.button_texts
    (pending,) = await press(phone, "✋ Persetujuan (2)")
    assert "2 pendaftaran menunggu" in pending.plain_text
    (after,) = await press(phone, f"✅ 1. {maria.name}")
    assert "disetujui dan mendapat kursi" in after.plain_text
    assert await _deliver(bot) == 1
    (told,) = await maria_phone.wait_replies()
    assert "disetujui" in told.plain_text
    assert "Pelatihan Pelayanan Prima" in told.plain_text

    await press(phone, "❌ 1")
    (after,) = await press(phone, "Persyaratan belum lengkap")
    assert "ditolak" in after.plain_text
    assert await _deliver(bot) == 1
    (told,) = await yohanes_phone.wait_replies()
    assert "not approved" in told.plain_text

    rows = await session.execute(
        select(Registration.employee_id, Registration.status).execution_options(populate_existing=True)
    )
    statuses = {employee_id: status for employee_id, status in rows.all()}
    assert statuses == {maria.id: Status.REGISTERED, yohanes.id: Status.REJECTED}


async def test_hr_runs_the_allocation_now_and_everyone_placed_is_told(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    event = await make_event(session, "PKP-01", starts_at=wita(2026, 12, 14), quota=1, organizer=UNDANA)
    await configure(session, event, allocation=Allocation.PRIORITY)
    first, second = await make_employees(session, 2)
    await register(session, first, event, status=Status.PENDING, at=datetime(2026, 11, 20, tzinfo=UTC))
    await register(session, second, event, status=Status.PENDING, at=datetime(2026, 11, 21, tzinfo=UTC))
    first_phone = await _asn_phone(session, api, first)
    second_phone = await _asn_phone(session, api, second)

    organizer = await _organizer(session, api)
    screen = await _open_event(organizer)
    assert "⚖️ Bagi kursi sekarang" not in screen.button_texts

    phone = await _hr(session, api)
    await _open_event(phone)
    (report,) = await press(phone, "⚖️ Bagi kursi sekarang")
    assert "Selesai: 1 mendapat kursi, 1 masuk daftar tunggu" in report.plain_text
    assert await _deliver(bot) == 2
    (seat,) = await first_phone.wait_replies()
    assert "mendapat kursi" in seat.plain_text
    (waiting,) = await second_phone.wait_replies()
    assert "daftar tunggu (urutan ke-1)" in waiting.plain_text


async def test_verifikasi_shows_hr_the_full_name_and_nip(api: LocalBotApi, session: AsyncSession) -> None:
    event = await make_event(
        session, "PKP-01", starts_at=wita(2026, 12, 1, 8), title="Pelatihan Pelayanan Prima"
    )
    (employee,) = await make_employees(session, 1)
    await register(session, employee, event)
    registration_id = await _registration_id(session, employee)
    await registration.mark_attended(
        session, registration_id=registration_id, actor=None, now=wita(2026, 12, 1, 9), timezone=WITA
    )
    certificate = await registration.certificate(
        session, registration_id=registration_id, employee_id=employee.id
    )
    phone = await _hr(session, api)

    await phone.send(f"/verifikasi {certificate.code}")
    (genuine,) = await phone.wait_replies()
    assert "Sertifikat asli" in genuine.plain_text
    assert employee.name in genuine.plain_text
    assert employee.nip in genuine.plain_text
    await phone.send("/verifikasi ABCD2345EFGH6789")
    (fake,) = await phone.wait_replies()
    assert "tidak menemukan sertifikat" in fake.plain_text


async def _full_event_with_one_waiting(session: AsyncSession, api: LocalBotApi) -> tuple[Phone, Phone]:
    event = await make_event(
        session, "PRIMA-01", starts_at=wita(2026, 12, 9), title="Pelayanan Prima", quota=1
    )
    maria, yohanes = await make_employees(session, 2)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    await registration.register(session, event_id=event.id, employee_id=maria.id, now=now)
    waiting = await registration.register(session, event_id=event.id, employee_id=yohanes.id, now=now)
    assert waiting.waitlist_position == 1
    return await _asn_phone(session, api, maria), await _asn_phone(session, api, yohanes, lang="en")


async def test_hr_removing_a_registrant_tells_them_and_promotes_the_first_waiting(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    maria_phone, yohanes_phone = await _full_event_with_one_waiting(session, api)
    phone = await _hr(session, api)
    await _open_event(phone)
    (picker,) = await press(phone, "🚫 Hapus pendaftar")
    assert "Pilih pendaftar yang akan dihapus" in picker.plain_text
    (after,) = await press(phone, picker.button_texts[0])
    assert "dihapus dari kegiatan ini" in after.plain_text
    assert "1 peserta dari daftar tunggu naik" in after.plain_text
    assert after.plain_text.endswith("· terdaftar")  # the status in words, not the code's "registered"
    assert await _deliver(bot) == 2
    (removed,) = await maria_phone.wait_replies()
    assert "dibatalkan oleh BKPSDM/penyelenggara" in removed.plain_text
    (promoted,) = await yohanes_phone.wait_replies()
    assert "moved up from the waiting list" in promoted.plain_text


async def test_raising_the_quota_promotes_the_first_waiting_at_once(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    _, yohanes_phone = await _full_event_with_one_waiting(session, api)
    phone = await _hr(session, api)
    screen = await _open_event(phone)
    assert "Pelayanan Prima" in screen.plain_text
    (after,) = await press(phone, "🎟 Kuota +1")
    assert after.edited
    assert await _deliver(bot) == 1
    (promoted,) = await yohanes_phone.wait_replies()
    assert "moved up from the waiting list" in promoted.plain_text
    quota, taken = (
        await session.execute(
            select(Event.quota, Event.seats_taken).execution_options(populate_existing=True)
        )
    ).one()
    assert (quota, taken) == (2, 2)


async def test_an_organizer_cannot_change_quota_or_remove(api: LocalBotApi, session: AsyncSession) -> None:
    event = await make_event(session, "SEM-01", starts_at=wita(2026, 12, 9), organizer=UNDANA)
    phone = await _organizer(session, api)
    screen = await _open_event(phone)
    assert "🎟 Kuota +1" not in screen.button_texts
    assert "🚫 Hapus pendaftar" not in screen.button_texts
    await phone.press_forged(f"adm:q1:{event.id}")
    (refused,) = await phone.wait_replies()
    assert "di luar kewenangan Anda" in refused.plain_text
    screen = await _open_event(phone)  # a fresh screen: the refusal above already replaced the last one
    await phone.press_forged(f"adm:rm:{event.id}:0", message_id=screen.message_id)
    (refused,) = await phone.wait_replies()
    assert "di luar kewenangan Anda" in refused.plain_text
    quota = await session.scalar(select(Event.quota).execution_options(populate_existing=True))
    assert quota == event.quota


async def test_the_organizer_reads_the_latest_comments_without_names(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(session, "SEM-01", starts_at=wita(2026, 12, 9), organizer=UNDANA)
    attendees = await make_employees(session, 10)
    for number, employee in enumerate(attendees):
        await register(session, employee, event, status=Status.ATTENDED)
        comment = f"Komentar nomor {number} <b>tebal</b> " + "panjang " * 60
        await session.execute(
            update(Registration)
            .where(Registration.employee_id == employee.id)
            .values(rating=1 + number % 5, comment=comment if number % 2 == 0 else None)
        )
    await session.commit()
    phone = await _organizer(session, api)
    await _open_event(phone)

    (screen,) = await press(phone, "⭐ Penilaian")

    assert "dari 10 peserta yang menilai" in screen.plain_text
    assert "Komentar nomor 8 <b>tebal</b>" in screen.plain_text  # shown literally, not as markup
    assert all(f"Komentar nomor {n} " in screen.plain_text for n in (0, 2, 4, 6, 8))
    assert all(employee.name not in screen.plain_text for employee in attendees)
    assert len(screen.plain_text) < 4096
