"""Reaching ASN from `/admin`, end to end over the local Bot API server: a rejection with a
reason the ASN reads, an organizer writing to its own registrants (and refused on another
organizer's event, the refusal audited), HR announcing an event to exactly the ASN it targets,
and the daily digests to approvers and organizers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import LocalBotApi, Phone
from db import accounts, digests
from db.models import AuditLog, Employee, EmploymentStatus, Registration, RegistrationStatus, Role
from tests.e2e.conftest import Clock
from tests.utils.employees import make_employees
from tests.utils.events import configure, make_event
from tests.utils.office_time import WITA, wita
from tests.utils.phones import linked_phone, press
from tests.utils.registrations import register

HR = 9001
ORGANIZER = 9002
OTHER_ORGANIZER = 9003
UNDANA = "Universitas Nusa Cendana"
UNWIRA = "Universitas Katolik Widya Mandira"
Status = RegistrationStatus
#: Telegram's pause between two messages to one chat, as the dispatcher keeps it.
PER_CHAT = 1.1
pytestmark = pytest.mark.usefixtures("bot")


async def _staff(
    session: AsyncSession, api: LocalBotApi, user_id: int, role: Role, organizer: str | None = None
) -> Phone:
    await accounts.grant_role(session, telegram_user_id=user_id, role=role, organizer=organizer)
    return api.user(user_id=user_id, first_name="Petugas", language_code="id")


async def _asn_phone(session: AsyncSession, api: LocalBotApi, employee: Employee, lang: str = "id") -> Phone:
    return await linked_phone(session, api, employee, user_id=7000 + employee.id, lang=lang)


async def _open_event(phone: Phone, title: str) -> None:
    await phone.send("/admin")
    await phone.wait_replies()
    await press(phone, f"1. {title}")


async def _deliver(bot: BotApplication) -> int:
    """Send what the outbox holds, as the running bot's dispatcher does every second."""
    return await Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, worker_id="test", rate=30).drain()


async def _deliver_to_busy_chats(bot: BotApplication, clock: Clock) -> None:
    """Deliver, then again once a chat sent two messages at once may take the second."""
    await _deliver(bot)
    clock.advance(timedelta(seconds=5))
    await asyncio.sleep(PER_CHAT)
    await _deliver(bot)


async def _audited(session: AsyncSession, action: str) -> list[AuditLog]:
    return list(
        await session.scalars(
            select(AuditLog).where(AuditLog.action == action).execution_options(populate_existing=True)
        )
    )


async def test_a_rejection_asks_for_a_reason_and_the_asn_reads_it(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    event = await make_event(
        session, "PKP-01", starts_at=wita(2026, 12, 7), title="Pelatihan Pelayanan Prima"
    )
    await configure(session, event, requires_approval=True)
    maria, yohanes, agus = await make_employees(session, 3)
    for employee in (maria, yohanes, agus):
        await register(session, employee, event, status=Status.PENDING)
    maria_phone = await _asn_phone(session, api, maria)
    yohanes_phone = await _asn_phone(session, api, yohanes, lang="en")
    agus_phone = await _asn_phone(session, api, agus)
    phone = await _staff(session, api, HR, Role.HR)
    await _open_event(phone, "Pelatihan Pelayanan Prima")
    await press(phone, "✋ Persetujuan (3)")

    (approved,) = await press(phone, f"✅ 1. {maria.name}")
    assert "disetujui dan mendapat kursi" in approved.plain_text
    (asked,) = await press(phone, "❌ 1")
    assert "alasan penolakan" in asked.plain_text
    (rejected,) = await press(phone, "Persyaratan belum lengkap")
    assert "ditolak" in rejected.plain_text
    assert "Persyaratan belum lengkap" in rejected.plain_text

    await press(phone, "◀ Kembali ke persetujuan")
    await press(phone, "❌ 1")
    (typing,) = await press(phone, "✍️ Tulis alasan sendiri")
    assert "ketik alasan" in typing.plain_text
    await phone.send("Kuota Dinas Kesehatan sudah penuh untuk angkatan ini.")
    (done,) = await phone.wait_replies()
    assert "Kuota Dinas Kesehatan sudah penuh" in done.plain_text

    assert await _deliver(bot) == 3
    (told_maria,) = await maria_phone.wait_replies()
    assert "disetujui" in told_maria.plain_text
    (told_yohanes,) = await yohanes_phone.wait_replies()
    assert "not approved" in told_yohanes.plain_text
    assert "Reason: Requirements not yet complete" in told_yohanes.plain_text
    (told_agus,) = await agus_phone.wait_replies()
    assert "tidak disetujui" in told_agus.plain_text
    assert "Alasan: Kuota Dinas Kesehatan sudah penuh untuk angkatan ini." in told_agus.plain_text

    rows = await session.execute(
        select(Registration.employee_id, Registration.decision_reason).execution_options(
            populate_existing=True
        )
    )
    reasons = {employee_id: reason for employee_id, reason in rows.tuples()}
    assert reasons == {
        maria.id: None,
        yohanes.id: "documents",
        agus.id: "Kuota Dinas Kesehatan sudah penuh untuk angkatan ini.",
    }
    logged = await _audited(session, "registration.reject")
    assert sorted(str(entry.details["reason"]) for entry in logged) == ["documents", "typed"]


async def test_an_organizer_writes_to_its_own_registrants_only(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    own = await make_event(
        session, "SEM-01", starts_at=wita(2026, 12, 9), organizer=UNDANA, title="Seminar Kebijakan Publik"
    )
    other = await make_event(
        session, "SEM-02", starts_at=wita(2026, 12, 10), organizer=UNWIRA, title="Seminar Unwira"
    )
    registrant, stranger, other_registrant = await make_employees(session, 3)
    await register(session, registrant, own)
    await register(session, other_registrant, other)
    registrant_phone = await _asn_phone(session, api, registrant)
    stranger_phone = await _asn_phone(session, api, stranger)
    other_phone = await _asn_phone(session, api, other_registrant)
    phone = await _staff(session, api, ORGANIZER, Role.ORGANIZER, UNDANA)

    await _open_event(phone, "Seminar Kebijakan Publik")
    (asked,) = await press(phone, "✉️ Kirim pesan ke pendaftar")
    assert "Silakan ketik pesan Anda" in asked.plain_text
    await phone.send("Ruang seminar pindah ke Aula Rektorat lantai 2.")
    preview, summary = await phone.wait_replies(2)
    assert preview.plain_text == "Ruang seminar pindah ke Aula Rektorat lantai 2."
    assert "1 pendaftar" in summary.plain_text
    (sent,) = await press(phone, "📤 Kirim ke 1 pendaftar")
    assert "sedang dikirim kepada 1 pendaftar" in sent.plain_text

    assert await _deliver(bot) >= 1
    (received,) = await registrant_phone.wait_replies()
    assert received.plain_text == "Ruang seminar pindah ke Aula Rektorat lantai 2."
    assert stranger_phone.chat.outbox == []
    assert other_phone.chat.outbox == []
    (report,) = await phone.wait_replies()
    assert "Terkirim: 1" in report.plain_text

    await phone.press_forged(f"rch:wm:{other.id}")
    (refused,) = await phone.wait_replies()
    assert "bukan kegiatan yang Anda kelola" in refused.plain_text
    (logged,) = await _audited(session, "registrants_message.refused")
    assert logged.actor_telegram_id == ORGANIZER
    assert logged.subject == f"event:{other.id}"


async def test_hr_announces_an_event_to_exactly_its_targets_once(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession
) -> None:
    event = await make_event(session, "PKP-07", starts_at=wita(2026, 12, 14), title="Pelatihan Pengawas")
    await configure(session, event, target_ranks=["III/a"], target_statuses=["pns"])
    targeted, pppk, other_rank, _unlinked = await make_employees(session, 4)
    pppk.status = EmploymentStatus.PPPK
    other_rank.rank = "IV/a"
    await session.commit()
    targeted_phone = await _asn_phone(session, api, targeted, lang="en")
    pppk_phone = await _asn_phone(session, api, pppk)
    other_phone = await _asn_phone(session, api, other_rank)
    phone = await _staff(session, api, HR, Role.HR)

    await _open_event(phone, "Pelatihan Pengawas")
    (preview,) = await press(phone, "📣 Umumkan ke sasaran")
    assert "kepada 1 ASN sasaran" in preview.plain_text
    assert "1 ASN sasaran belum menghubungkan akunnya" in preview.plain_text
    assert "Pelatihan Pengawas" in preview.plain_text
    (sent,) = await press(phone, "📤 Kirim ke 1 ASN")
    assert "sedang dikirim kepada 1 ASN" in sent.plain_text

    await _deliver(bot)
    (report,) = await phone.wait_replies()
    assert "Terkirim: 1" in report.plain_text
    (announced,) = await targeted_phone.wait_replies()
    assert "You are in this event's target group" in announced.plain_text
    assert announced.button_texts == ["🔎 View the event"]
    assert pppk_phone.chat.outbox == []
    assert other_phone.chat.outbox == []
    await targeted_phone.press("🔎 View the event")
    (detail,) = await targeted_phone.wait_replies()
    assert "Pelatihan Pengawas" in detail.plain_text

    await _open_event(phone, "Pelatihan Pengawas")
    (again,) = await press(phone, "📣 Umumkan ke sasaran")
    assert "1 ASN sasaran sudah menerimanya sebelumnya" in again.plain_text
    assert "📤 Kirim ke 1 ASN" not in again.button_texts
    await phone.press_forged(f"rch:pg:{event.id}")
    await phone.wait_replies()
    await _deliver(bot)
    assert len(targeted_phone.chat.outbox) == 2  # the announcement and the event's detail, once each
    assert len(await _audited(session, "event.announced")) == 2


async def test_approvers_and_organizers_get_one_digest_a_day(
    api: LocalBotApi, bot: BotApplication, session: AsyncSession, clock: Clock
) -> None:
    event = await make_event(
        session, "SEM-01", starts_at=wita(2026, 12, 20), organizer=UNDANA, title="Seminar Kebijakan Publik"
    )
    await configure(session, event, requires_approval=True)
    people = await make_employees(session, 4)
    yesterday = wita(2026, 12, 3, 10)
    for employee in people[:3]:
        await register(session, employee, event, status=Status.PENDING, at=yesterday)
    hr = await _staff(session, api, HR, Role.HR)
    organizer = await _staff(session, api, ORGANIZER, Role.ORGANIZER, UNDANA)
    stranger = await _staff(session, api, OTHER_ORGANIZER, Role.ORGANIZER, UNWIRA)

    morning = datetime(2026, 12, 4, 8, 30, tzinfo=WITA)
    for minutes in (0, 10, 20):
        await digests.derive(session, now=morning + timedelta(minutes=minutes), timezone=WITA)
    await register(session, people[3], event, status=Status.PENDING, at=morning.astimezone(UTC))
    await digests.derive(session, now=morning + timedelta(minutes=30), timezone=WITA)
    clock.now = morning + timedelta(minutes=30)
    await _deliver_to_busy_chats(bot, clock)

    (hr_digest,) = await hr.wait_replies()
    assert "ada 3 pendaftaran yang menunggu" in hr_digest.plain_text
    organizer_digests = await organizer.wait_replies(2)
    texts = sorted(message.plain_text for message in organizer_digests)
    assert any("menunggu persetujuan" in text for text in texts)
    assert any("Pendaftar baru" in text and "Seminar Kebijakan Publik (SEM-01): 3" in text for text in texts)
    assert stranger.chat.outbox == []

    next_morning = morning + timedelta(days=1)
    await digests.derive(session, now=next_morning, timezone=WITA)
    await digests.derive(session, now=next_morning + timedelta(hours=3), timezone=WITA)
    clock.now = next_morning + timedelta(hours=3)
    await _deliver(bot)
    (next_day,) = await hr.wait_replies()
    assert "4 pendaftaran" in next_day.plain_text
    assert len(hr.chat.outbox) == 2


async def test_a_stale_reject_button_without_a_reason_rejects_nobody(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(
        session, "PKP-01", starts_at=wita(2026, 12, 7), title="Pelatihan Pelayanan Prima"
    )
    await configure(session, event, requires_approval=True)
    (maria,) = await make_employees(session, 1)
    await register(session, maria, event, status=Status.PENDING)
    pending = await session.scalar(select(Registration.id))
    phone = await _staff(session, api, HR, Role.HR)
    await _open_event(phone, "Pelatihan Pelayanan Prima")

    # ❌ as it was before a reason was asked: answered like any expired button
    pressed = await phone.press_forged(f"adm:no:{pending}:0")
    for _ in range(500):
        if pressed["callback_query"]["id"] in {answer.query_id for answer in phone.callback_answers}:
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("the press was never answered")

    status = await session.scalar(
        select(Registration.status)
        .where(Registration.id == pending)
        .execution_options(populate_existing=True)
    )
    assert status is Status.PENDING
