"""Events made in the chat, end to end over the local Bot API server: HR makes a training
allocated by priority step by step, ASN register, the deadline passes, the seats are given and
everyone is told; an organizer publishes a seminar at once, or after HR's approval; another
organizer's event is refused (and the refusal audited); a copy for the next batch; a schedule
on a holiday or a Sunday is warned about in both languages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import BotMessage, LocalBotApi, Phone
from db import accounts, registration
from db.models import Allocation, AuditLog, Employee, Event, EventKind, EventStatus, Organizer, Role
from tests.e2e.conftest import Clock
from tests.local_api.factories import png
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.office_time import WITA, wita
from tests.utils.phones import forge, linked_phone, press, say

HR = 9001
ORGANIZER = 9002
UNDANA = "Universitas Nusa Cendana"
SKIP = "⏭ Lewati (pakai yang sekarang)"
DONE = "✅ Selesai memilih"


async def _hr(session: AsyncSession, api: LocalBotApi, lang: str = "id") -> Phone:
    await accounts.grant_role(session, telegram_user_id=HR, role=Role.HR)
    return api.user(user_id=HR, first_name="Yohanes", language_code=lang)


async def _organizer(session: AsyncSession, api: LocalBotApi) -> Phone:
    await accounts.grant_role(session, telegram_user_id=ORGANIZER, role=Role.ORGANIZER, organizer=UNDANA)
    return api.user(user_id=ORGANIZER, first_name="Maria", language_code="id")


async def _dispatch(bot: BotApplication) -> int:
    return await Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, worker_id="test", rate=30).drain()


async def _event(session: AsyncSession, title: str) -> Event:
    found = await session.scalar(
        select(Event).where(Event.title == title).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def _hr_opens_a_seminar_in_review(
    session: AsyncSession, api: LocalBotApi
) -> tuple[Phone, Phone, BotMessage]:
    """An organizer whose seminars HR reviews sends one for review, and HR opens it: the
    organizer's phone, HR's, and the seminar's detail HR sees."""
    session.add(Organizer(name=UNDANA, review_required=True))
    await session.commit()
    phone = await _organizer(session, api)
    await _organizer_makes_a_seminar(phone)
    await press(phone, "🚀 Terbitkan")
    hr = await _hr(session, api)
    await say(hr, "/admin")
    await press(hr, "⏳ Menunggu persetujuan (1)")
    (details,) = await press(hr, "1. Seminar Kebijakan Publik")
    return phone, hr, details


async def _hr_types_a_priority_training(phone: Phone) -> BotMessage:
    """Every step of a new training, some typed, some pressed, some skipped: the summary."""
    await say(phone, "/admin")
    (kinds,) = await press(phone, "➕ Buat acara")
    assert kinds.button_texts[:4] == ["🎓 Pelatihan", "🎤 Seminar", "🛠 Lokakarya", "💻 Webinar"]
    await press(phone, "🎓 Pelatihan")
    (organizer,) = await say(phone, "Pelatihan Pelayanan Prima")
    assert "Langkah 1 dari 13" in organizer.plain_text
    await say(phone, "BPSDM Provinsi NTT")
    (place,) = await say(phone, "21/12/2026 08.00-16.00")
    assert "⚠️" not in place.plain_text
    await say(phone, "Aula BPSDM, Jl. Polisi Militer, Kupang")
    (refused,) = await say(phone, "dua")
    assert "Mohon ketik angka bulat" in refused.plain_text
    await say(phone, "2")
    (deadline,) = await press(phone, SKIP)
    assert "Saat ini: Jumat, 18 Desember 2026, 08.00 WITA" in deadline.plain_text
    await say(phone, "10/12/2026 16.00")
    await say(phone, "8")
    (competencies,) = await say(phone, "Rp 1.500.000")
    assert "Langkah 11 dari 13" not in competencies.plain_text
    await press(phone, DONE)
    await press(phone, "🪪 Status kepegawaian")
    (picked,) = await press(phone, "▫️ PNS")
    assert "Terpilih: PNS" in picked.plain_text
    assert "✅ PNS" in picked.button_texts
    await press(phone, "◀ Kembali")
    await press(phone, DONE)
    await press(phone, "⚖️ Menurut prioritas pada batas pendaftaran")
    await press(phone, "Tanpa persetujuan")
    (summary,) = await press(phone, SKIP)
    return summary


async def test_hr_makes_a_priority_training_and_its_seats_are_given_at_the_deadline(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    phone = await _hr(session, api)
    summary = await _hr_types_a_priority_training(phone)
    assert "Ringkasan kegiatan" in summary.plain_text
    assert "📝 draf" in summary.plain_text
    assert "PEL-20261221-01" in summary.plain_text
    assert "Senin, 21 Desember 2026, 08.00 WITA – 16.00 WITA" in summary.plain_text
    assert "🪑 2 orang · ⏱ 8 JP · 💰 Rp1.500.000" in summary.plain_text
    assert "Batas pendaftaran: Kamis, 10 Desember 2026, 16.00 WITA" in summary.plain_text
    assert "Sasaran: status: PNS" in summary.plain_text
    assert "Menurut prioritas pada batas pendaftaran" in summary.plain_text
    assert summary.button_texts[:3] == ["💾 Simpan sebagai draf", "✏️ Ubah rincian", "🚀 Terbitkan"]
    event = await _event(session, "Pelatihan Pelayanan Prima")
    asn = await make_employees(session, 3)
    with_phones = [await linked_phone(session, api, e, user_id=600 + i) for i, e in enumerate(asn)]
    refused = await _register_all(session, event, asn, clock)
    assert refused == ["not_published"] * 3

    (published,) = await press(phone, "🚀 Terbitkan")
    assert "sudah diterbitkan" in published.plain_text
    assert "📣 Umumkan ke sasaran" in published.button_texts
    await _register_all(session, event, asn, clock)
    clock.advance(timedelta(days=10))
    for event_id in await registration.allocations_due(session, now=clock.now):
        await registration.allocate(session, event_id=event_id, now=clock.now, timezone=WITA)
    assert await _dispatch(bot) == 3
    told = [(await asn_phone.wait_replies())[0].plain_text for asn_phone in with_phones]
    assert sum("Anda mendapat kursi" in text for text in told) == 2
    assert sum("daftar tunggu (urutan ke-1)" in text for text in told) == 1
    audited = list(await session.execute(select(AuditLog.action, AuditLog.details).order_by(AuditLog.id)))
    steps = [details.get("item", action) for action, details in audited if action.startswith("event.")]
    assert steps == [
        "event.create",
        "organizer",
        "schedule",
        "place",
        "quota",
        "deadline",
        "cost",  # 8 JP was the training's default already: nothing to write
        "targets",
        "allocation",
        "event.publish",
        "event.allocate",
    ]


async def _register_all(session: AsyncSession, event: Event, asn: list[Employee], clock: Clock) -> list[str]:
    refused = []
    for employee in asn:
        try:
            await registration.register(session, event_id=event.id, employee_id=employee.id, now=clock.now)
        except registration.RegistrationError as refusal:
            refused.append(refusal.reason)
    return refused


async def _organizer_makes_a_seminar(phone: Phone) -> BotMessage:
    await say(phone, "/admin")
    (kinds,) = await press(phone, "➕ Buat acara")
    assert kinds.button_texts[:3] == ["🎤 Seminar", "🛠 Lokakarya", "💻 Webinar"]
    await press(phone, "🎤 Seminar")
    (schedule,) = await say(phone, "Seminar Kebijakan Publik")
    assert "Langkah 1 dari 12" in schedule.plain_text
    await say(phone, "17/12/2026 09.00-12.00")
    await say(phone, "Aula Undana, Penfui")
    (summary,) = await press(phone, "📋 Ringkasan")
    assert f"🏛 {UNDANA}" in summary.plain_text
    return summary


async def test_an_organizer_publishes_a_seminar_at_once(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    phone = await _organizer(session, api)
    await _organizer_makes_a_seminar(phone)
    (published,) = await press(phone, "🚀 Terbitkan")
    assert "sudah diterbitkan" in published.plain_text
    event = await _event(session, "Seminar Kebijakan Publik")
    assert (event.status, event.organizer, event.code) == (EventStatus.PUBLISHED, UNDANA, "SEM-20261217-01")


async def test_an_organizer_reviewed_by_hr_publishes_once_hr_approves(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    session.add(Organizer(name=UNDANA, review_required=True))
    await session.commit()
    phone = await _organizer(session, api)
    await _organizer_makes_a_seminar(phone)
    (sent,) = await press(phone, "🚀 Terbitkan")
    assert "dikirim ke BKPSDM untuk disetujui" in sent.plain_text
    event = await _event(session, "Seminar Kebijakan Publik")
    assert event.status is EventStatus.REVIEW

    hr = await _hr(session, api)
    await say(hr, "/admin")
    (waiting,) = await press(hr, "⏳ Menunggu persetujuan (1)")
    assert "Seminar Kebijakan Publik" in waiting.plain_text
    (details,) = await press(hr, "1. Seminar Kebijakan Publik")
    assert "menunggu persetujuan BKPSDM" in details.plain_text
    (approved,) = await press(hr, "✅ Setujui dan terbitkan")
    assert "disetujui dan diterbitkan" in approved.plain_text
    event = await _event(session, "Seminar Kebijakan Publik")
    assert event.status is EventStatus.PUBLISHED
    assert await _dispatch(bot) == 1
    (told,) = await phone.wait_replies()
    assert "disetujui BKPSDM dan sudah diterbitkan" in told.plain_text


async def test_a_second_approval_of_the_same_event_is_told_it_no_longer_waits(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    """Two HR officers approve the same event (or one presses an old ✅ again): the second is
    told the event no longer awaits approval, not shown an error."""
    _, hr, details = await _hr_opens_a_seminar_in_review(session, api)
    approve = next(
        button["callback_data"]
        for row in details.inline_keyboard or []
        for button in row
        if button["text"] == "✅ Setujui dan terbitkan"
    )
    (approved,) = await press(hr, "✅ Setujui dan terbitkan")
    assert "disetujui dan diterbitkan" in approved.plain_text
    forge(api, hr, str(approve))
    (again,) = await hr.wait_replies()
    assert "tidak lagi menunggu persetujuan" in again.plain_text
    assert "kesalahan" not in again.plain_text


async def test_an_organizer_is_refused_on_another_organizers_event_and_it_is_audited(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    other = await make_event(
        session,
        "POLI-01",
        starts_at=wita(2026, 12, 14),
        organizer="Politeknik Negeri Kupang",
        title="Lokakarya",
    )
    phone = await _organizer(session, api)
    (menu,) = await say(phone, "/admin")
    assert "Lokakarya" not in menu.plain_text
    for data in (f"edt:m:{other.id}", f"edt:du:{other.id}", f"edt:f:{other.id}:title", f"edt:pb:{other.id}"):
        await say(phone, "/admin")
        forge(api, phone, data)
        (answer,) = await phone.wait_replies()
        assert "di luar kewenangan Anda" in answer.plain_text
    refusals = list(
        await session.scalars(
            select(AuditLog).where(AuditLog.action == "event.refused").order_by(AuditLog.id)
        )
    )
    assert [(r.actor_telegram_id, r.subject) for r in refusals] == [(ORGANIZER, f"event:{other.id}")] * 4
    assert await session.scalar(select(Event.id).where(Event.code != "POLI-01")) is None  # nothing copied
    assert other.status is EventStatus.PUBLISHED
    # and trainings are HR's: a forged kind is refused
    await say(phone, "/admin")
    forge(api, phone, "edt:k:pelatihan")
    (kind,) = await phone.wait_replies()
    assert "pelatihan dibuat oleh BKPSDM" in kind.plain_text


async def test_hr_copies_an_event_for_its_next_batch(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    source = await make_event(session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 9))
    source.allocation = Allocation.PRIORITY
    await session.commit()
    phone = await _hr(session, api)
    await say(phone, "/admin")
    (screen,) = await press(phone, "1. Pelayanan Prima")
    assert "📄 Duplikat" in screen.button_texts
    (copy,) = await press(phone, "📄 Duplikat")
    assert "Rincian kegiatan — 📝 draf" in copy.plain_text
    assert "PEL-20261215-01" in copy.plain_text
    assert "Menurut prioritas" in copy.plain_text
    assert "🚀 Terbitkan" in copy.button_texts
    drafted = await session.scalar(select(Event).where(Event.code == "PEL-20261215-01"))
    assert drafted is not None
    assert (drafted.status, drafted.title) == (EventStatus.DRAFT, "Pelayanan Prima")
    # the copy's date is changed like any item: typed, before → after, saved
    await press(phone, "📅 Jadwal")
    (preview,) = await say(phone, "12/01/2027 08.00-16.00")
    assert "Semula: Selasa, 15 Desember 2026, 09.00 WITA – 17.00 WITA" in preview.plain_text
    assert "Menjadi: Selasa, 12 Januari 2027, 08.00 WITA – 16.00 WITA" in preview.plain_text
    (saved,) = await press(phone, "✅ Simpan")
    assert "Perubahan jadwal" in saved.plain_text
    assert await session.scalar(select(Event.seats_taken).where(Event.id == drafted.id)) == 0


async def test_a_schedule_on_a_holiday_or_a_sunday_is_warned_about_not_refused(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    session.add(Organizer(name="BPSDM Provinsi NTT"))
    phone = await _hr(session, api)
    await say(phone, "/admin")
    await press(phone, "➕ Buat acara")
    await press(phone, "🎤 Seminar")
    (organizer,) = await say(phone, "Seminar Akhir Tahun")
    assert organizer.button_texts[0] == "BPSDM Provinsi NTT"
    await press(phone, "BPSDM Provinsi NTT")  # a known organizer is picked rather than typed
    (warned,) = await say(phone, "25/12/2026 08.00-12.00")
    assert (
        "⚠️ Jumat, 25 Desember 2026 adalah hari libur nasional (Hari Raya Natal). "
        "Kegiatan tetap dapat disimpan" in warned.plain_text
    )
    assert "Langkah 3 dari 13" in warned.plain_text

    english = api.user(user_id=HR + 1, first_name="John", language_code="en")
    await accounts.grant_role(session, telegram_user_id=HR + 1, role=Role.HR)
    await say(english, "/admin")
    await press(english, "➕ Create event")
    await press(english, "🎤 Seminar")
    await say(english, "Year-end seminar")
    await say(english, "BPSDM Provinsi NTT")
    (sunday,) = await say(english, "27/12/2026 08.00-12.00")
    assert "⚠️ Sunday, 27 December 2026 is a Sunday. The event can still be saved" in sunday.plain_text


async def test_hr_sends_an_event_back_and_the_organizer_reads_why(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    phone, hr, _ = await _hr_opens_a_seminar_in_review(session, api)
    (asked,) = await press(hr, "↩️ Kembalikan dengan alasan")
    assert "ketik alasan pengembaliannya" in asked.plain_text
    (returned,) = await say(hr, "Mohon cantumkan narasumber dan tautan materi")
    assert "dikembalikan sebagai draf" in returned.plain_text
    event = await _event(session, "Seminar Kebijakan Publik")
    assert event.status is EventStatus.DRAFT
    assert await _dispatch(bot) == 1
    (told,) = await phone.wait_replies()
    assert "dikembalikan oleh BKPSDM sebagai draf" in told.plain_text
    assert "Alasan: Mohon cantumkan narasumber dan tautan materi" in told.plain_text
    actions = list(
        await session.scalars(select(AuditLog.action).where(AuditLog.action.startswith("event.r")))
    )
    assert actions == ["event.review_requested", "event.returned"]


async def test_an_organizer_adds_a_poster_and_moves_a_published_seminar_its_registrants_are_told(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    seminar = await make_event(
        session,
        "SEM-UND-01",
        title="Seminar Undana",
        kind=EventKind.SEMINAR,
        organizer=UNDANA,
        starts_at=wita(2026, 12, 14),
    )
    (maria,) = await make_employees(session, 1)
    maria_phone = await linked_phone(session, api, maria, user_id=701)
    await registration.register(session, event_id=seminar.id, employee_id=maria.id, now=clock.now)
    phone = await _organizer(session, api)
    await say(phone, "/admin")
    await press(phone, "1. Seminar Undana")
    (menu,) = await press(phone, "✏️ Ubah rincian")
    assert "✅ sudah diterbitkan" in menu.plain_text
    assert "🏷 Jenis" not in menu.button_texts  # a published event keeps its kind
    await press(phone, "🖼 Poster")
    await phone.send_photo(png())
    (preview,) = await phone.wait_replies()
    assert "Semula: belum ada" in preview.plain_text
    assert "Menjadi: sudah ada" in preview.plain_text
    await press(phone, "✅ Simpan")
    await press(phone, "◀ Kembali ke rincian")
    await press(phone, "📅 Jadwal")
    (moved,) = await say(phone, "15/12/2026 09.00-12.00")
    assert "Semua pendaftar aktif akan diberi tahu" in moved.plain_text
    (saved,) = await press(phone, "✅ Simpan")
    assert "1 pendaftar akan diberi tahu" in saved.plain_text
    assert await _dispatch(bot) == 1
    (notice,) = await maria_phone.wait_replies()
    assert "Perubahan jadwal: Seminar Undana" in notice.plain_text
    event = await _event(session, "Seminar Undana")
    assert event.poster_file_id is not None
    assert event.starts_at == wita(2026, 12, 15, 9)
