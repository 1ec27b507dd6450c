"""HR changes or cancels an event from `/admin`, end to end over the local Bot API server:
the new schedule typed in WITA, previewed and saved, registrants told through the outbox in
their language, reminders moved; a cancellation with its reason, the registration shown as
cancelled and the event gone from the catalog; garbage refused; only HR, or an organizer for
its own events, may do any of it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import BotMessage, LocalBotApi, Phone
from db import accounts, events, registration, reminders
from db.models import AuditLog, Employee, Event, EventStatus, OutboxMessage, OutboxState, Role
from tests.e2e.conftest import Clock
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.office_time import WITA, wita
from tests.utils.phones import linked_phone, press, say

HR = 9001
ORGANIZER = 9002
BPSDM = "BPSDM Provinsi NTT"
UNDANA = "Universitas Nusa Cendana"


async def _hr(session: AsyncSession, api: LocalBotApi, lang: str = "id") -> Phone:
    await accounts.grant_role(session, telegram_user_id=HR, role=Role.HR)
    return api.user(user_id=HR, first_name="Yohanes", language_code=lang)


async def _open_event(phone: Phone) -> BotMessage:
    await say(phone, "/admin")
    (screen,) = await press(phone, "1. Pelayanan Prima")
    return screen


async def _registrants(
    session: AsyncSession, api: LocalBotApi, event: Event, clock: Clock
) -> tuple[Phone, Phone, list[Employee]]:
    """Maria (Indonesian) and John (English) hold seats; both linked."""
    maria, john = await make_employees(session, 2)
    maria_phone = await linked_phone(session, api, maria, user_id=501)
    john_phone = await linked_phone(session, api, john, user_id=502, lang="en")
    for employee in (maria, john):
        await registration.register(session, event_id=event.id, employee_id=employee.id, now=clock.now)
    return maria_phone, john_phone, [maria, john]


async def _pending_reminders(session: AsyncSession) -> set[datetime]:
    rows = await session.scalars(
        select(OutboxMessage.due_at).where(
            OutboxMessage.state == OutboxState.PENDING, OutboxMessage.dedupe_key.startswith(reminders.PREFIX)
        )
    )
    return {due.astimezone(WITA) for due in rows}


async def _dispatch(bot: BotApplication) -> int:
    return await Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, worker_id="test", rate=30).drain()


async def test_hr_moves_an_event_and_every_registrant_hears_in_their_language(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14))
    maria_phone, john_phone, _ = await _registrants(session, api, event, clock)
    await reminders.derive(session, now=clock.now, timezone=WITA)
    assert await _pending_reminders(session) == {
        wita(2026, 12, 7, 7),
        wita(2026, 12, 13, 7),
        wita(2026, 12, 14, 6),
    }
    phone = await _hr(session, api)

    screen = await _open_event(phone)
    assert "✏️ Ubah kegiatan" in screen.button_texts
    (menu,) = await press(phone, "✏️ Ubah kegiatan")
    assert "Batas pendaftaran: Jumat, 11 Desember 2026, 09.00 WITA" in menu.plain_text
    (asked,) = await press(phone, "📅 Jadwal")
    assert "12/12/2026 08.00-16.00" in asked.plain_text
    (preview,) = await say(phone, "21/12/2026 08.00-16.00")
    assert "Semula: Senin, 14 Desember 2026, 09.00 WITA – 17.00 WITA" in preview.plain_text
    assert "Menjadi: Senin, 21 Desember 2026, 08.00 WITA – 16.00 WITA" in preview.plain_text
    assert "2 pendaftar aktif" in preview.plain_text
    (saved,) = await press(phone, "✅ Simpan & beri tahu")
    assert "Jadwal Pelayanan Prima disimpan. 2 pendaftar akan diberi tahu" in saved.plain_text
    # A second press of the same button (a double tap) changes and tells nothing more.
    await phone.press_forged(f"eva:ok:{event.id}", message_id=saved.message_id)
    (again,) = await phone.wait_replies()
    assert "kedaluwarsa atau sudah diproses" in again.plain_text

    assert await _pending_reminders(session) == {
        wita(2026, 12, 14, 7),
        wita(2026, 12, 20, 7),
        wita(2026, 12, 21, 6),
    }
    assert await _dispatch(bot) == 2
    (notice,) = await maria_phone.wait_replies()
    assert "Perubahan jadwal: Pelayanan Prima" in notice.plain_text
    assert "Menjadi: Senin, 21 Desember 2026, 08.00 WITA – 16.00 WITA" in notice.plain_text
    (english,) = await john_phone.wait_replies()
    assert "New schedule: Pelayanan Prima" in english.plain_text
    assert "Now: Monday, 21 December 2026, 08.00 WITA – 16.00 WITA" in english.plain_text
    assert await _dispatch(bot) == 0


async def test_hr_cancels_an_event_with_their_own_reason(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14))
    maria_phone, john_phone, _ = await _registrants(session, api, event, clock)
    await reminders.derive(session, now=clock.now, timezone=WITA)
    phone = await _hr(session, api)

    await _open_event(phone)
    (reasons,) = await press(phone, "🚫 Batalkan kegiatan")
    assert "Narasumber berhalangan" in reasons.button_texts
    await press(phone, "✍️ Tulis alasan sendiri")
    (confirm,) = await say(phone, "Aula dipakai untuk posko banjir")
    assert "Alasan: Aula dipakai untuk posko banjir" in confirm.plain_text
    (done,) = await press(phone, "🚫 Ya, batalkan kegiatan")
    assert "Pelayanan Prima dibatalkan. 2 pendaftaran ikut dibatalkan, 2 kursi dibebaskan" in done.plain_text
    assert "6 pesan terjadwal (pengingat, permintaan penilaian, pengingat batas pendaftaran) ditarik" in (
        done.plain_text
    )
    status = await session.scalar(select(Event.status).execution_options(populate_existing=True))
    assert status is EventStatus.CANCELLED
    assert await _pending_reminders(session) == set()

    assert await _dispatch(bot) == 2
    (notice,) = await maria_phone.wait_replies()
    assert "Kegiatan dibatalkan: Pelayanan Prima" in notice.plain_text
    assert "Alasan: Aula dipakai untuk posko banjir" in notice.plain_text
    (english,) = await john_phone.wait_replies()
    assert "Event cancelled: Pelayanan Prima" in english.plain_text

    (mine,) = await say(maria_phone, "/pendaftaran")
    assert "❌ Dibatalkan" in mine.plain_text
    assert "Pelayanan Prima" in mine.plain_text
    assert "kegiatan dibatalkan" in mine.plain_text
    (catalog,) = await say(maria_phone, "/pelatihan")
    assert "Pelayanan Prima" not in catalog.plain_text

    screen = await _open_event(phone)
    assert "🚫 Batalkan kegiatan" not in screen.button_texts


async def test_hr_picks_a_reason_in_english(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14))
    maria_phone, _, _ = await _registrants(session, api, event, clock)
    phone = await _hr(session, api, lang="en")
    await accounts.set_language(session, telegram_user_id=HR, chat_id=HR, language="en")

    await say(phone, "/admin")
    await press(phone, "1. Pelayanan Prima")
    await press(phone, "🚫 Cancel event")
    (confirm,) = await press(phone, "The speaker cannot attend")
    assert "Really cancel Pelayanan Prima?" in confirm.plain_text
    (done,) = await press(phone, "🚫 Yes, cancel the event")
    assert "is cancelled" in done.plain_text
    await phone.press_forged(f"eva:cx:{event.id}:speaker", message_id=done.message_id)
    (again,) = await phone.wait_replies()
    assert "was already cancelled; nobody is told twice" in again.plain_text

    assert await _dispatch(bot) == 2
    (notice,) = await maria_phone.wait_replies()
    assert "Alasan: Narasumber berhalangan" in notice.plain_text


@pytest.mark.usefixtures("bot")
async def test_garbage_and_impossible_times_are_refused_and_nothing_changes(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14))
    phone = await _hr(session, api)
    await _open_event(phone)
    await press(phone, "✏️ Ubah kegiatan")
    await press(phone, "📅 Jadwal")
    for typed, words in [
        ("besok pagi saja", "Format tidak dikenali"),
        ("31/02/2026 08.00-16.00", "tidak ada di kalender"),
        ("21/12/2026 16.00-08.00", "Waktu selesai harus sesudah waktu mulai"),
        ("20/11/2026 08.00-16.00", "Waktu mulai sudah lewat"),
    ]:
        (refusal,) = await say(phone, typed)
        assert words in refusal.plain_text
        assert "Silakan ketik lagi" in refusal.plain_text
    (discarded,) = await press(phone, "✖️ Batal")
    assert "Ubah kegiatan: Pelayanan Prima" in discarded.plain_text
    (ignored,) = await say(phone, "21/12/2026 08.00-16.00")
    assert "Ubah kegiatan" not in ignored.plain_text
    starts_at = await session.scalar(select(Event.starts_at).execution_options(populate_existing=True))
    assert starts_at == event.starts_at


async def test_an_organizer_cancels_its_own_seminar_and_its_registrant_is_told(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication, clock: Clock
) -> None:
    event = await make_event(
        session, "SEM-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14), organizer=UNDANA
    )
    (employee,) = await make_employees(session, 1)
    asn = await linked_phone(session, api, employee, user_id=503)
    await registration.register(session, event_id=event.id, employee_id=employee.id, now=clock.now)
    await accounts.grant_role(session, telegram_user_id=ORGANIZER, role=Role.ORGANIZER, organizer=UNDANA)
    organizer = api.user(user_id=ORGANIZER, first_name="Dosen", language_code="id")

    screen = await _open_event(organizer)
    (reasons,) = await press(organizer, "🚫 Batalkan kegiatan")
    (confirm,) = await press(organizer, reasons.button_texts[0])
    assert "Pelayanan Prima" in confirm.plain_text
    (done,) = await press(organizer, "🚫 Ya, batalkan kegiatan")

    assert "✏️ Ubah kegiatan" in screen.button_texts
    assert "dibatalkan" in done.plain_text
    status = await session.scalar(select(Event.status).execution_options(populate_existing=True))
    assert status is EventStatus.CANCELLED
    await _dispatch(bot)
    assert any("dibatalkan" in message.plain_text for message in asn.history)


@pytest.mark.usefixtures("bot")
async def test_another_organizer_and_asn_cannot_change_or_cancel_even_with_forged_buttons(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(
        session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14), organizer=BPSDM
    )
    await make_event(
        session, "SEM-01", title="Seminar Undana", starts_at=wita(2026, 12, 15), organizer=UNDANA
    )
    (employee,) = await make_employees(session, 1)
    await accounts.grant_role(session, telegram_user_id=ORGANIZER, role=Role.ORGANIZER, organizer=UNDANA)
    organizer = api.user(user_id=ORGANIZER, first_name="Dosen", language_code="id")
    asn = await linked_phone(session, api, employee, user_id=503)

    for phone, opener, answer in (
        (organizer, "/admin", "tidak ditemukan"),
        (asn, "/pengaturan", "hanya dapat dilakukan petugas"),
    ):
        for forged in (f"eva:m:{event.id}", f"eva:f:{event.id}:s", f"eva:cx:{event.id}:speaker"):
            await say(phone, opener)  # a message with buttons, to forge a press on
            await phone.press_forged(forged)
            (refusal,) = await phone.wait_replies()
            assert answer in refusal.plain_text
    status = await session.scalar(
        select(Event.status).where(Event.id == event.id).execution_options(populate_existing=True)
    )
    assert status is EventStatus.PUBLISHED
    refused = await session.scalars(
        select(AuditLog.actor_telegram_id).where(AuditLog.action == "event.refused")
    )
    assert list(refused) == [ORGANIZER] * 3


@pytest.mark.usefixtures("bot")
async def test_an_event_that_has_started_is_refused_at_the_first_press_and_typing_ends(
    api: LocalBotApi, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 1, 10))
    phone = await _hr(session, api)
    await _open_event(phone)
    await press(phone, "✏️ Ubah kegiatan")
    await press(phone, "📍 Lokasi")
    clock.advance(timedelta(hours=2))  # 11.00 WITA: the training began at 10.00 while HR was typing

    (refusal,) = await say(phone, "Hotel Aston Kupang")
    assert "Kegiatan ini sudah dimulai" in refusal.plain_text
    assert "Silakan ketik lagi" not in refusal.plain_text
    assert "✖️ Batal" not in refusal.button_texts
    (ignored,) = await say(phone, "Hotel Aston Kupang")
    assert "sudah dimulai" not in ignored.plain_text
    view = await _open_event(phone)
    assert not {"✏️ Ubah kegiatan", "🚫 Batalkan kegiatan"} & set(view.button_texts)

    for forged in ("m", "f:{}:l", "x", "r:{}:speaker", "t"):
        data = f"eva:{forged.format(event.id)}" if "{}" in forged else f"eva:{forged}:{event.id}"
        await say(phone, "/admin")  # a fresh message to press on, as a stale screen would be
        await phone.press_forged(data)
        (answer,) = await phone.wait_replies()
        assert "Kegiatan ini sudah dimulai" in answer.plain_text, data
        assert not {"📍 Lokasi", "Narasumber berhalangan", "🚫 Ya, batalkan kegiatan"} & set(
            answer.button_texts
        )
    (ignored,) = await say(phone, "Alasan apa saja")
    assert "Yakin membatalkan" not in ignored.plain_text
    location = await session.scalar(select(Event.location).execution_options(populate_existing=True))
    assert location == event.location


@pytest.mark.usefixtures("bot")
async def test_an_event_cancelled_while_hr_types_a_change_ends_the_typing(
    api: LocalBotApi, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14))
    phone = await _hr(session, api)
    await _open_event(phone)
    await press(phone, "✏️ Ubah kegiatan")
    await press(phone, "📅 Jadwal")
    await events.cancel_event(
        session,
        event_id=event.id,
        reason="agenda",
        reason_text=None,
        actor=HR + 1,
        now=clock.now,
        timezone=WITA,
    )

    (refusal,) = await say(phone, "21/12/2026 08.00-16.00")
    assert "Kegiatan ini sudah dibatalkan" in refusal.plain_text
    assert "Silakan ketik lagi" not in refusal.plain_text
    assert "✖️ Batal" not in refusal.button_texts
    (ignored,) = await say(phone, "21/12/2026 08.00-16.00")
    assert "sudah dibatalkan" not in ignored.plain_text
