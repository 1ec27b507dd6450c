"""An ASN registers, waits, cancels, checks in, rates and gets a certificate — end to end
over the local Bot API server, reading what each phone received."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import BotMessage, LocalBotApi, Phone
from db import registration
from db.attempts import Policy
from db.models import (
    Allocation,
    Employee,
    Event,
    EventKind,
    LearningRecord,
    Registration,
    RegistrationStatus,
)
from tests.e2e.conftest import Clock
from tests.utils.employees import make_employee, make_employees
from tests.utils.events import configure, make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, press, say

ME = 737373
OTHER = 747474


@pytest.fixture
async def maria(session: AsyncSession) -> Employee:
    return await make_employee(session)


async def _link(
    session: AsyncSession, api: LocalBotApi, employee: Employee, lang: str = "id", user_id: int = ME
) -> Phone:
    return await linked_phone(session, api, employee, user_id=user_id, lang=lang)


async def _register_from_catalog(phone: Phone, title: str) -> BotMessage:
    await say(phone, "/pelatihan")
    await press(phone, f"1. {title}")
    (answer,) = await press(phone, _labels(phone)[0])
    return answer


async def _open_mine(phone: Phone, title: str, number: int = 1) -> BotMessage:
    await say(phone, "/pendaftaran")
    (detail,) = await press(phone, f"{number}. {title}")
    return detail


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(("lang", "words"), [("id", "Anda terdaftar"), ("en", "You are registered")])
async def test_an_asn_registers_from_the_detail_and_is_told_the_seat_is_confirmed(
    api: LocalBotApi, session: AsyncSession, maria: Employee, lang: str, words: str
) -> None:
    await make_event(session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14))
    phone = await _link(session, api, maria, lang)
    answer = await _register_from_catalog(phone, "Pelatihan Pelayanan Prima")
    assert not answer.edited
    assert words in answer.plain_text
    assert "14" in answer.plain_text
    assert "09.00 WITA" in answer.plain_text


def _labels(phone: Phone) -> list[str]:
    message = next(m for m in reversed(phone.chat.history) if m.inline_keyboard)
    return message.button_texts


@pytest.mark.usefixtures("bot")
async def test_a_full_event_puts_the_asn_on_the_waiting_list_with_their_number(
    api: LocalBotApi, session: AsyncSession, maria: Employee, clock: Clock
) -> None:
    event = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14), quota=1
    )
    first, second = await make_employees(session, 2)
    for employee in (first, second):
        await registration.register(session, event_id=event.id, employee_id=employee.id, now=clock.now)
    phone = await _link(session, api, maria)
    answer = await _register_from_catalog(phone, "Pelatihan Pelayanan Prima")
    assert "Anda di daftar tunggu (urutan ke-2)" in answer.plain_text

    await say(phone, "/pendaftaran")
    listing = phone.history[-1]
    assert "⏳ Daftar tunggu" in listing.plain_text
    assert "urutan ke-2" in listing.plain_text


@pytest.mark.parametrize(
    ("lang", "done", "promoted", "when"),
    [
        ("id", "sudah dibatalkan", "Anda mendapat kursi", "Senin, 14 Desember 2026, 09.00 WITA – 17.00 WITA"),
        ("en", "has been cancelled", "You got a seat", "Monday, 14 December 2026, 09.00 WITA – 17.00 WITA"),
    ],
)
async def test_a_cancellation_promotes_the_first_waitlisted_who_is_told_on_their_phone(
    api: LocalBotApi,
    bot: BotApplication,
    session: AsyncSession,
    maria: Employee,
    clock: Clock,
    lang: str,
    done: str,
    promoted: str,
    when: str,
) -> None:
    event = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14), quota=1
    )
    (waiting,) = await make_employees(session, 1)
    await registration.register(session, event_id=event.id, employee_id=maria.id, now=clock.now)
    await registration.register(session, event_id=event.id, employee_id=waiting.id, now=clock.now)
    phone = await _link(session, api, maria, lang)
    other = await _link(session, api, waiting, lang, user_id=OTHER)

    detail = await _open_mine(phone, "Pelatihan Pelayanan Prima")
    cancel, *_ = [b for b in detail.button_texts if b.startswith("❌")]
    (confirm,) = await press(phone, cancel)
    assert "?" in confirm.plain_text
    yes = confirm.button_texts[0]
    (cancelled,) = await press(phone, yes)
    assert cancelled.edited
    assert done in cancelled.plain_text

    # the promotion waits in the outbox for the dispatcher, which runs every second
    assert other.history == []
    assert await Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, worker_id="test", rate=30).drain() == 1
    (news,) = await other.wait_replies()
    assert promoted in news.plain_text
    assert "Pelatihan Pelayanan Prima" in news.plain_text
    assert when in news.plain_text
    rows = await session.execute(
        select(Registration.employee_id, Registration.status)
        .where(Registration.event_id == event.id)
        .execution_options(populate_existing=True)
    )
    assert dict(rows.tuples().all()) == {
        maria.id: RegistrationStatus.CANCELLED,
        waiting.id: RegistrationStatus.REGISTERED,
    }


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "button", "cutoff"),
    [
        ("id", "❌ Batalkan pendaftaran", "Minggu, 13 Desember 2026, 09.00 WITA"),
        ("en", "❌ Cancel registration", "Sunday, 13 December 2026, 09.00 WITA"),
    ],
)
async def test_cancelling_within_a_day_of_the_start_is_refused_and_names_the_organizer(
    api: LocalBotApi,
    session: AsyncSession,
    maria: Employee,
    clock: Clock,
    lang: str,
    button: str,
    cutoff: str,
) -> None:
    event = await make_event(
        session,
        "SEM-01",
        title="Seminar Kebijakan Publik",
        starts_at=wita(2026, 12, 14),
        organizer="Universitas Nusa Cendana",
    )
    await registration.register(session, event_id=event.id, employee_id=maria.id, now=clock.now)
    clock.now = wita(2026, 12, 13, 12)
    phone = await _link(session, api, maria, lang)
    detail = await _open_mine(phone, "Seminar Kebijakan Publik")
    (refused,) = await press(phone, button)
    assert "Universitas Nusa Cendana" in refused.plain_text
    assert cutoff in refused.plain_text
    assert detail.message_id == refused.message_id


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "setup", "expected"),
    [
        ("id", "closed", "sudah ditutup sejak"),
        ("en", "closed", "closed on"),
        ("id", "not_eligible", "hanya untuk jenis jabatan tertentu (Struktural)"),
        ("en", "not_eligible", "only for certain position types (Struktural)"),
        ("id", "clash", "bentrok dengan kegiatan lain yang Anda ikuti: Workshop Data (WS-01)"),
        ("en", "clash", "clashes with another event you take part in: Workshop Data (WS-01)"),
    ],
)
async def test_each_refusal_says_why_on_the_detail_or_when_it_comes_after(
    api: LocalBotApi,
    session: AsyncSession,
    maria: Employee,
    clock: Clock,
    lang: str,
    setup: str,
    expected: str,
) -> None:
    starts = wita(2026, 12, 14)
    await make_event(
        session,
        "PP-01",
        title="Pelatihan Pelayanan Prima",
        starts_at=starts,
        position_types=["Struktural"] if setup == "not_eligible" else [],
    )
    if setup == "clash":
        other = await make_event(
            session,
            "WS-01",
            title="Workshop Data",
            kind=EventKind.WORKSHOP,
            starts_at=starts + timedelta(hours=2),
        )
        await registration.register(session, event_id=other.id, employee_id=maria.id, now=clock.now)
    phone = await _link(session, api, maria, lang)
    await say(phone, "/pelatihan")
    (detail,) = await press(phone, "1. Pelatihan Pelayanan Prima")
    if setup != "closed":  # the detail says why, instead of a button that would be refused
        assert expected in detail.plain_text
        assert not any("📝" in label for label in detail.button_texts)
        return
    clock.now = wita(2026, 12, 12)  # closed while the detail was open: the press is refused
    (answer,) = await press(phone, _labels(phone)[0])
    assert expected in answer.plain_text


@pytest.mark.usefixtures("bot")
async def test_my_registrations_are_grouped_by_status_and_give_a_calendar_file_in_office_time(
    api: LocalBotApi, session: AsyncSession, maria: Employee, clock: Clock
) -> None:
    training = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14)
    )
    seminar = await make_event(
        session, "SEM-01", title="Seminar Kebijakan Publik", starts_at=wita(2026, 12, 21)
    )
    await registration.register(session, event_id=training.id, employee_id=maria.id, now=clock.now)
    seminar_registration = await registration.register(
        session, event_id=seminar.id, employee_id=maria.id, now=clock.now
    )
    await registration.cancel(
        session,
        registration_id=seminar_registration.registration_id,
        employee_id=maria.id,
        now=clock.now,
        cutoff=timedelta(hours=24),
    )
    phone = await _link(session, api, maria)
    (listing,) = await say(phone, "/pendaftaran")
    assert "✅ Terdaftar" in listing.plain_text
    assert "❌ Dibatalkan" in listing.plain_text
    assert listing.button_texts == ["1. Pelatihan Pelayanan Prima"]

    (detail,) = await press(phone, "1. Pelatihan Pelayanan Prima")
    (ics,) = await press(phone, "📅 Simpan ke kalender")
    assert ics.document_name == "PP-01.ics"
    assert ics.document is not None
    calendar = Calendar.from_ical(ics.document)
    (vevent,) = calendar.walk("VEVENT")
    start = vevent.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 0, "Asia/Makassar")
    assert vevent.decoded("DTEND").hour == 17
    assert str(vevent["SUMMARY"]) == "Pelatihan Pelayanan Prima"
    assert "BPSDM Provinsi NTT" in str(vevent["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")
    assert detail.message_id != ics.message_id


@pytest.mark.usefixtures("bot")
async def test_an_empty_list_says_where_to_find_events(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    phone = await _link(session, api, maria, "en")
    (listing,) = await say(phone, "/pendaftaran")
    assert "You have not registered for anything yet" in listing.plain_text


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "done", "already"),
    [
        ("id", "8 JP", "sudah tercatat sebelumnya"),
        ("en", "8 JP", "was already recorded"),
    ],
)
async def test_checking_in_during_the_event_credits_jp_once(
    api: LocalBotApi, session: AsyncSession, maria: Employee, clock: Clock, lang: str, done: str, already: str
) -> None:
    event = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14)
    )
    await registration.register(session, event_id=event.id, employee_id=maria.id, now=clock.now)
    code = await registration.issue_checkin_code(session, event_id=event.id)
    phone = await _link(session, api, maria, lang)

    (usage,) = await say(phone, "/hadir")
    assert "/hadir AB12CD" in usage.plain_text
    (early,) = await say(phone, f"/hadir {code}")
    assert "08.30 WITA" in early.plain_text

    clock.now = wita(2026, 12, 14, 10)
    (first,) = await say(phone, f"/hadir {code.lower()}")
    assert done in first.plain_text
    (second,) = await say(phone, f"/start hadir_{code}")
    assert already in second.plain_text
    records = list(
        await session.scalars(select(LearningRecord).where(LearningRecord.employee_id == maria.id))
    )
    assert [record.jp for record in records] == [8]

    clock.now = wita(2026, 12, 14, 18)
    (late,) = await say(phone, f"/hadir {code}")
    assert code in late.plain_text
    assert "🔒" in late.plain_text


@pytest.mark.usefixtures("bot")
async def test_check_in_is_refused_for_the_unregistered_and_for_unknown_codes(
    api: LocalBotApi, session: AsyncSession, maria: Employee, clock: Clock
) -> None:
    event = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14)
    )
    code = await registration.issue_checkin_code(session, event_id=event.id)
    clock.now = wita(2026, 12, 14, 10)
    phone = await _link(session, api, maria)
    (refused,) = await say(phone, f"/hadir {code}")
    assert "tidak memegang kursi" in refused.plain_text
    (unknown,) = await say(phone, "/hadir ZZZZZZ")
    assert "tidak dikenal" in unknown.plain_text


@pytest.mark.usefixtures("bot")
async def test_ten_wrong_checkin_codes_make_the_asn_wait_even_with_the_right_one(
    api: LocalBotApi, session: AsyncSession, maria: Employee, clock: Clock
) -> None:
    event = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14)
    )
    await registration.register(session, event_id=event.id, employee_id=maria.id, now=clock.now)
    code = await registration.issue_checkin_code(session, event_id=event.id)
    clock.now = wita(2026, 12, 14, 10)
    phone = await _link(session, api, maria)
    for left in range(9, -1, -1):  # the default limit: ten wrong codes in 30 minutes
        (wrong,) = await say(phone, "/hadir ZZZZZZ")
        assert f"sisa percobaan: {left}" in wrong.plain_text
    (locked,) = await say(phone, f"/hadir {code}")
    assert "Terlalu banyak kode kehadiran yang salah" in locked.plain_text
    assert "10.30" in locked.plain_text
    clock.now = wita(2026, 12, 14, 10, 31)
    (done,) = await say(phone, f"/hadir {code}")
    assert "Kehadiran Anda tercatat" in done.plain_text


async def _attended(session: AsyncSession, maria: Employee, clock: Clock) -> Event:
    event = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14), jp=16
    )
    await registration.register(session, event_id=event.id, employee_id=maria.id, now=clock.now)
    code = await registration.issue_checkin_code(session, event_id=event.id)
    clock.now = wita(2026, 12, 14, 10)
    await registration.check_in(
        session,
        employee_id=maria.id,
        telegram_user_id=maria.id,
        policy=Policy(),
        code=code,
        now=clock.now,
        timezone=_wita(),
    )
    clock.now = wita(2026, 12, 15)
    return event


def _wita() -> ZoneInfo:
    return ZoneInfo("Asia/Makassar")


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "saved"), [("id", "komentar Anda sudah disimpan"), ("en", "your comment is saved")]
)
async def test_an_attendee_rates_the_event_and_adds_a_comment(
    api: LocalBotApi, session: AsyncSession, maria: Employee, clock: Clock, lang: str, saved: str
) -> None:
    event = await _attended(session, maria, clock)
    phone = await _link(session, api, maria, lang)
    detail = await _open_mine(phone, "Pelatihan Pelayanan Prima")
    rate, _certificate, _back = (b for b in detail.button_texts if b[0] in "⭐📄📋")
    (stars,) = await press(phone, rate)
    assert [b for b in stars.button_texts if b.startswith("⭐")] == ["⭐1", "⭐2", "⭐3", "⭐4", "⭐5"]
    (ask_comment,) = await press(phone, "⭐4")
    assert "4" in ask_comment.plain_text
    (thanks,) = await say(phone, "Materinya bagus, waktunya kurang <panjang>")
    assert saved in thanks.plain_text
    row = await session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    assert (row.rating, row.comment) == (4, "Materinya bagus, waktunya kurang <panjang>")
    (after,) = await say(phone, "halo")
    assert saved not in after.plain_text


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(("lang", "button"), [("id", "📄 Sertifikat"), ("en", "📄 Certificate")])
async def test_an_attendee_gets_a_certificate_pdf_with_the_link_that_checks_it(
    api: LocalBotApi, session: AsyncSession, maria: Employee, clock: Clock, lang: str, button: str
) -> None:
    await _attended(session, maria, clock)
    phone = await _link(session, api, maria, lang)
    await _open_mine(phone, "Pelatihan Pelayanan Prima")
    (sent,) = await press(phone, button)
    pdf = sent.document
    assert pdf is not None
    assert pdf.startswith(b"%PDF")
    assert len(pdf) < 100 * 1024
    code = await session.scalar(
        select(Registration.certificate_code).execution_options(populate_existing=True)
    )
    assert code is not None
    assert code in (sent.caption or "")
    text = _pdf_text(pdf)
    assert f"https://t.me/asn_karier_bot?start=cek_{code}" in text  # the bot's username from getMe
    assert maria.nip in text
    assert (await registration.verify_certificate(session, code=code)) is not None


def _pdf_text(pdf: bytes) -> str:
    """The page text of an fpdf2 file: its Flate streams inflated."""
    chunks = [
        zlib.decompress(match.group(1))
        for match in re.finditer(rb"/FlateDecode.*?stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    ]
    return b"".join(chunks).decode("latin-1")


@pytest.mark.usefixtures("bot")
async def test_someone_elses_registration_id_reads_as_not_found(
    api: LocalBotApi, session: AsyncSession, maria: Employee, clock: Clock
) -> None:
    event = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14)
    )
    (other,) = await make_employees(session, 1)
    await registration.register(session, event_id=event.id, employee_id=maria.id, now=clock.now)
    theirs = await registration.register(session, event_id=event.id, employee_id=other.id, now=clock.now)
    phone = await _link(session, api, maria)
    await say(phone, "/pendaftaran")
    await phone.press_forged(f"reg:cxy:{theirs.registration_id}")
    (answer,) = await phone.wait_replies()
    assert "tidak ditemukan" in answer.plain_text
    status = await session.scalar(
        select(Registration.status)
        .where(Registration.id == theirs.registration_id)
        .execution_options(populate_existing=True)
    )
    assert status is RegistrationStatus.REGISTERED


@pytest.mark.usefixtures("bot")
async def test_a_priority_event_explains_the_merit_rule_and_shows_the_rank(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    event = await make_event(session, "PKP-01", title="Pelatihan Kepemimpinan", starts_at=wita(2026, 12, 14))
    await configure(session, event, allocation=Allocation.PRIORITY)
    phone = await _link(session, api, maria)
    answer = await _register_from_catalog(phone, "Pelatihan Kepemimpinan")
    assert "menunggu pembagian kursi" in answer.plain_text
    assert "JP paling sedikit tahun ini" in answer.plain_text

    await _open_mine(phone, "Pelatihan Kepemimpinan")
    (why,) = await press(phone, "⚖️ Mengapa peringkat ini?")
    assert "Peringkat 1 dari 1 pendaftar · kuota 30 kursi" in why.plain_text
    assert "Sementara" in why.plain_text
