"""HR chooses who hears an announcement; only linked, reachable ASN in that audience get it,
once, exactly as typed."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import announcements, outbox, registration
from db.announcements import Audience, Change
from db.engine import SessionFactory
from db.models import (
    Announcement,
    AnnouncementStatus,
    AuditLog,
    ConversationState,
    Employee,
    LearningRecord,
    OutboxMessage,
    OutboxState,
    TelegramAccount,
)
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import make_employee
from tests.utils.events import make_event
from tests.utils.office_time import wita

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


async def _roster(session: AsyncSession) -> dict[str, Employee]:
    people = {
        "maria": await make_employee(session),
        "yohanes": await make_employee(
            session,
            nip="197805172005011003",
            name="Yohanes Nahak",
            phone="6281355550101",
            position="Kepala Seksi Gizi",
            position_type="Pengawas",
            unit="Dinas Kesehatan",
            rank="III/d",
        ),
        "agustina": await make_employee(
            session,
            nip="199001012015022002",
            name="Agustina Mooy",
            phone="6281355550102",
            position="Kepala Seksi Gizi",
            position_type="Pengawas",
            unit="Dinas Kesehatan",
            rank="III/c",
        ),
        "unlinked": await make_employee(
            session, nip="199202022016011004", name="Stefanus Ndun", phone="6281355550103"
        ),
    }
    for number, key in enumerate(("maria", "yohanes", "agustina"), start=1):
        session.add(TelegramAccount(telegram_user_id=number, chat_id=number, employee_id=people[key].id))
    await session.commit()
    return people


async def _count(session: AsyncSession, audience: Audience) -> int:
    return await announcements.count(session, audience=audience, year=2026, target=20)


async def test_every_filter_narrows_the_audience(session: AsyncSession) -> None:
    people = await _roster(session)
    await set_standard(session, "Kepala Seksi Gizi", {"Pelayanan Publik": 3})
    await assess(session, people["yohanes"], {"Pelayanan Publik": 2}, on=date(2026, 2, 1))
    await assess(session, people["agustina"], {"Pelayanan Publik": 1}, on=date(2025, 2, 1))
    await assess(session, people["agustina"], {"Pelayanan Publik": 3}, on=date(2026, 2, 1))
    session.add(
        LearningRecord(employee_id=people["maria"].id, title="PKA", completed_on=date(2026, 5, 1), jp=24)
    )
    await session.commit()
    event = await make_event(session, "PRIMA-01", starts_at=wita(2026, 12, 14))
    await registration.register(session, event_id=event.id, employee_id=people["agustina"].id, now=NOW)

    assert await _count(session, Audience()) == 3  # the unlinked ASN cannot be reached
    assert await _count(session, Audience(units=("dinas kesehatan",))) == 2
    assert await _count(session, Audience(position_types=("Pengawas",), ranks=("III/d",))) == 1
    assert await _count(session, Audience(event_code="prima-01")) == 1
    assert (
        await _count(session, Audience(gap_competency="Pelayanan Publik")) == 1
    )  # Agustina's latest meets it
    assert await _count(session, Audience(below_jp=True)) == 2

    account = await session.get(TelegramAccount, 2)
    assert account is not None
    account.blocked_at = NOW
    await session.commit()
    assert await _count(session, Audience(units=("Dinas Kesehatan",))) == 1


async def test_an_announcement_is_queued_once_per_recipient_as_typed_and_audited(
    session: AsyncSession,
) -> None:
    await _roster(session)
    text = "Rapat <penting> & wajib hadir"
    announcement = await announcements.announce(
        session, text=text, audience=Audience(), due_at=NOW, now=NOW, year=2026, target=20, created_by=42
    )
    assert announcement.recipient_count == 3
    rows = list(
        await session.scalars(
            select(OutboxMessage.text).where(OutboxMessage.announcement_id == announcement.id)
        )
    )
    assert rows == ["Rapat &lt;penting&gt; &amp; wajib hadir"] * 3
    created = await session.scalar(select(AuditLog).where(AuditLog.action == "announcement.created"))
    started = await session.scalar(select(AuditLog).where(AuditLog.action == "announcement.started"))
    assert created is not None
    assert started is not None
    assert (created.actor_telegram_id, created.details["due_at"]) == (42, NOW.isoformat())
    assert (started.actor_telegram_id, started.details["recipients"]) == (42, 3)
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


HR = 9001
WITA = ZoneInfo("Asia/Makassar")


async def _send(session: AsyncSession, draft: Announcement, *, due_at: datetime = NOW) -> Announcement:
    sent = await announcements.send_draft(
        session, announcement_id=draft.id, created_by=HR, due_at=due_at, now=NOW, year=2026, target=20
    )
    assert sent is not None
    return sent


async def _states(session: AsyncSession, announcement_id: int) -> list[OutboxState]:
    rows = await session.scalars(
        select(OutboxMessage.state)
        .where(OutboxMessage.announcement_id == announcement_id)
        .order_by(OutboxMessage.chat_id)
    )
    return list(rows)


async def _deliver_all(session: AsyncSession, announcement_id: int) -> None:
    """What the dispatcher does: every row sent, except chat 3's, which blocked the bot."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.announcement_id == announcement_id, OutboxMessage.chat_id != 3)
        .values(state=OutboxState.SENT)
    )
    row = await session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.announcement_id == announcement_id, OutboxMessage.chat_id == 3
        )
    )
    assert row is not None
    await outbox.mark_blocked(session, outbox_id=row, chat_id=3, now=NOW, reason="Forbidden: bot was blocked")
    await session.commit()


async def test_a_draft_keeps_the_photo_and_is_sent_with_it_to_its_audience(session: AsyncSession) -> None:
    await _roster(session)
    draft = await announcements.create_draft(
        session, text="Poster <diklat>", created_by=HR, photo_file_id="AgAC1"
    )
    await announcements.set_audience(session, draft=draft, audience=Audience(units=("Dinas Kesehatan",)))

    sent = await _send(session, draft)

    assert sent.id == draft.id
    assert sent.status is AnnouncementStatus.SENDING
    assert sent.recipient_count == 2
    assert await _states(session, sent.id) == [OutboxState.PENDING] * 2
    assert await announcements.attachments(session, [sent.id]) == {
        sent.id: announcements.Attachment("photo", "AgAC1")
    }
    assert announcements.body("Poster <diklat>") == "Poster &lt;diklat&gt;"
    assert await announcements.find_draft(session, announcement_id=sent.id, created_by=HR) is None


async def test_too_long_texts_and_captions_are_refused_and_nothing_is_stored(session: AsyncSession) -> None:
    with pytest.raises(announcements.TextTooLong) as caption:
        await announcements.create_draft(session, text="x" * 1025, created_by=HR, document_file_id="BQAC1")
    with pytest.raises(announcements.TextTooLong) as text:
        await announcements.create_draft(session, text="x" * 4097, created_by=HR)
    await announcements.create_draft(session, text="x" * 4096, created_by=HR)

    assert (caption.value.limit, caption.value.length) == (1024, 1025)
    assert text.value.limit == 4096
    assert await session.scalar(select(func.count()).select_from(Announcement)) == 1


async def test_lengths_are_counted_as_telegram_counts_them_in_utf16_units(session: AsyncSession) -> None:
    """An emoji is one character but two UTF-16 units: 600 of them make a 1,200-unit caption
    that Telegram would refuse, though `len` says 600."""
    with pytest.raises(announcements.TextTooLong) as caption:
        await announcements.create_draft(session, text="🎓" * 600, created_by=HR, photo_file_id="AgAC1")
    assert (caption.value.limit, caption.value.length) == (1024, 1200)
    await announcements.create_draft(session, text="🎓" * 512, created_by=HR, photo_file_id="AgAC1")


async def test_a_draft_is_its_authors_alone_and_discarding_it_forgets_the_step(session: AsyncSession) -> None:
    draft = await announcements.create_draft(session, text="Rapat", created_by=HR)
    await announcements.wait_for(
        session, telegram_user_id=HR, step=announcements.STEP_TIME, announcement_id=draft.id
    )

    assert await announcements.find_draft(session, announcement_id=draft.id, created_by=HR + 1) is None
    awaited = announcements.Waiting("time", draft.id)
    assert await announcements.waiting(session, telegram_user_id=HR) == awaited
    assert not await announcements.discard_draft(session, announcement_id=draft.id, created_by=HR + 1)
    assert await session.get(Announcement, draft.id) is not None

    assert await announcements.discard_draft(session, announcement_id=draft.id, created_by=HR)

    assert await session.scalar(select(func.count()).select_from(Announcement)) == 0
    assert await session.get(ConversationState, HR) is None


async def test_when_the_last_row_is_out_the_announcement_is_done_and_its_author_gets_one_report(
    session: AsyncSession,
) -> None:
    await _roster(session)
    draft = await announcements.create_draft(session, text="Rapat koordinasi besok pagi", created_by=HR)
    sent = await _send(session, draft)
    assert await announcements.finish(session, announcement_ids=[sent.id], now=NOW) == []

    await _deliver_all(session, sent.id)
    later = NOW + timedelta(minutes=2, seconds=5)
    assert await announcements.finish(session, announcement_ids=[sent.id], now=later) == [sent.id]
    assert await announcements.finish(session, announcement_ids=[sent.id], now=later) == []
    await session.commit()

    found = await announcements.find(session, announcement_id=sent.id)
    assert found is not None
    assert (found.status, found.finished_at) == (AnnouncementStatus.DONE, later)
    reports = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == HR)))
    assert len(reports) == 1
    assert reports[0].template == "announce_report"
    assert reports[0].announcement_id is None
    assert reports[0].context == {
        "announcement_id": sent.id,
        "preview": "Rapat koordinasi besok pagi",
        "sent": 2,
        "failed": 0,
        "blocked": 1,
        "skipped": 0,
        "unconfirmed": 0,
        "expired": 0,
        "seconds": 125,
    }


async def test_pause_holds_resume_releases_and_cancel_withdraws_without_deleting(
    session: AsyncSession,
) -> None:
    await _roster(session)
    draft = await announcements.create_draft(session, text="Rapat", created_by=HR)
    sent = await _send(session, draft)
    assert sent.status is AnnouncementStatus.SENDING

    assert await announcements.pause(session, announcement_id=sent.id, actor=HR, now=NOW) is Change.DONE
    paused_again = await announcements.pause(session, announcement_id=sent.id, actor=HR, now=NOW)
    assert paused_again is Change.NOT_ALLOWED
    claimed = await outbox.claim(session, worker="w", now=NOW, limit=10, lease=timedelta(minutes=1))
    assert claimed == []
    assert await announcements.resume(session, announcement_id=sent.id, actor=HR, now=NOW) is Change.DONE
    found = await announcements.find(session, announcement_id=sent.id)
    assert found is not None
    assert found.status is AnnouncementStatus.SENDING

    assert await announcements.cancel(session, announcement_id=sent.id, actor=HR, now=NOW) is Change.DONE
    resumed_after_cancel = await announcements.resume(session, announcement_id=sent.id, actor=HR, now=NOW)
    assert resumed_after_cancel is Change.NOT_ALLOWED
    assert await _states(session, sent.id) == [OutboxState.SKIPPED] * 3
    tally = await announcements.tally(session, announcement_id=sent.id)
    assert (tally.skipped, tally.waiting, tally.sent) == (3, 0, 0)
    actions = list(
        await session.scalars(
            select(AuditLog.action).where(AuditLog.subject == f"announcement:{sent.id}").order_by(AuditLog.id)
        )
    )
    assert actions == [
        "announcement.created",
        "announcement.started",
        "announcement.paused",
        "announcement.resumed",
        "announcement.cancelled",
    ]
    cancelled = await session.scalar(select(AuditLog).where(AuditLog.action == "announcement.cancelled"))
    assert cancelled is not None
    assert (cancelled.actor_telegram_id, cancelled.details["recipients"], cancelled.details["pending"]) == (
        HR,
        3,
        3,
    )
    assert await announcements.pause(session, announcement_id=999, actor=HR, now=NOW) is Change.NOT_FOUND


async def test_the_history_lists_sent_announcements_newest_first_without_drafts(
    session: AsyncSession,
) -> None:
    await _roster(session)
    for number in range(3):
        draft = await announcements.create_draft(session, text=f"Pengumuman {number}", created_by=HR)
        draft.created_at = NOW + timedelta(minutes=number)
        await _send(session, draft)
    await announcements.create_draft(session, text="masih draf", created_by=HR)

    first = await announcements.history(session, page=0, per_page=2)
    last = await announcements.history(session, page=5, per_page=2)

    assert [a.text for a in first.items] == ["Pengumuman 2", "Pengumuman 1"]
    assert (first.pages, first.total) == (2, 3)
    assert (last.page, [a.text for a in last.items]) == (1, ["Pengumuman 0"])


async def test_pickers_offer_what_is_in_the_data_by_id(session: AsyncSession) -> None:
    await _roster(session)
    units = await announcements.options(session, kind="units")
    ranks = await announcements.options(session, kind="ranks")
    types = await announcements.options(session, kind="position_types")

    assert [u.name for u in units] == [
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "Dinas Kesehatan",
    ]
    assert [r.name for r in ranks] == ["III/c", "III/d"]
    assert [t.name for t in types] == ["Pengawas", "Fungsional"]
    assert await announcements.option_name(session, kind="units", option_id=units[1].id) == "Dinas Kesehatan"
    assert await announcements.option_name(session, kind="ranks", option_id=ranks[1].id) == "III/d"
    assert await announcements.option_name(session, kind="ranks", option_id=99) is None
    audience = announcements.toggle(Audience(), kind="ranks", value="III/d")
    audience = announcements.toggle(audience, kind="units", value="Dinas Kesehatan")
    assert await _count(session, audience) == 1
    assert announcements.toggle(audience, kind="ranks", value="III/d").ranks == ()
    assert announcements.toggle(Audience(event_code="A"), kind="events", value="a").event_code is None


@pytest.mark.parametrize(
    ("typed", "wita_time"),
    [
        ("30/11/2026 07.00", datetime(2026, 11, 30, 7, 0)),
        ("30-11-2026 07:00", datetime(2026, 11, 30, 7, 0)),
        ("2026-11-30 07:00", datetime(2026, 11, 30, 7, 0)),
        (" 1/2/2027   9.05 ", datetime(2027, 2, 1, 9, 5)),
        ("30/11/2026 pukul 07.00", datetime(2026, 11, 30, 7, 0)),
        ("30.11.2026, jam 07.00 WITA", datetime(2026, 11, 30, 7, 0)),
    ],
)
def test_a_send_time_is_read_in_office_time_and_stored_in_utc(typed: str, wita_time: datetime) -> None:
    parsed = announcements.parse_when(typed, timezone=WITA)
    assert parsed == wita_time.replace(tzinfo=WITA)
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("typed", ["besok pagi", "31/02/2026 07.00", "30/11/2026 25.00", "30/11/2026", ""])
def test_a_send_time_that_is_not_one_is_refused(typed: str) -> None:
    assert announcements.parse_when(typed, timezone=WITA) is None


async def test_the_sweep_finishes_an_announcement_whose_last_row_was_skipped_elsewhere(
    session: AsyncSession,
) -> None:
    await _roster(session)
    only_chat_3 = Audience(ranks=("III/c",), units=("Dinas Kesehatan",))
    first = await _send(session, await announcements.create_draft(session, text="Satu", created_by=HR))
    second = await announcements.create_draft(session, text="Dua", created_by=HR)
    await announcements.set_audience(session, draft=second, audience=only_chat_3)
    second = await _send(session, second)
    assert second.recipient_count == 1

    await _deliver_all(session, first.id)  # chat 3 blocks the bot: the second's row is skipped too
    assert sorted(await announcements.finish(session, now=NOW)) == [first.id, second.id]
    await session.commit()

    tally = await announcements.tally(session, announcement_id=second.id)
    assert (tally.blocked, tally.waiting) == (1, 0)
    statuses = {
        a.id: a.status
        for a in await session.scalars(select(Announcement).execution_options(populate_existing=True))
    }
    assert statuses == {first.id: AnnouncementStatus.DONE, second.id: AnnouncementStatus.DONE}


async def test_two_presses_of_send_now_at_once_send_the_draft_once(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    await _roster(session)
    draft = await announcements.create_draft(session, text="Rapat koordinasi", created_by=HR)

    async def press() -> Announcement | None:
        async with sessions() as own:
            return await announcements.send_draft(
                own, announcement_id=draft.id, created_by=HR, due_at=NOW, now=NOW, year=2026, target=20
            )

    results = await asyncio.gather(press(), press())

    assert sorted(result is None for result in results) == [False, True]
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 3
    actions = list(await session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions == ["announcement.created", "announcement.started"]
    (announcement,) = await session.scalars(select(Announcement).execution_options(populate_existing=True))
    assert announcement.status is AnnouncementStatus.SENDING


async def test_send_and_discard_at_once_either_send_it_or_drop_it_never_both(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    await _roster(session)
    draft = await announcements.create_draft(session, text="Rapat koordinasi", created_by=HR)

    async def send() -> Announcement | None:
        async with sessions() as own:
            return await announcements.send_draft(
                own, announcement_id=draft.id, created_by=HR, due_at=NOW, now=NOW, year=2026, target=20
            )

    async def discard() -> bool:
        async with sessions() as own:
            return await announcements.discard_draft(own, announcement_id=draft.id, created_by=HR)

    sent, dropped = await asyncio.gather(send(), discard())

    assert (sent is None) is dropped
    rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
    left = await session.scalar(select(func.count()).select_from(Announcement))
    assert (rows, left) == ((0, 0) if dropped else (3, 1))


async def test_someone_elses_draft_cannot_be_sent(session: AsyncSession) -> None:
    await _roster(session)
    draft = await announcements.create_draft(session, text="Rapat", created_by=HR)

    sent = await announcements.send_draft(
        session, announcement_id=draft.id, created_by=HR + 1, due_at=NOW, now=NOW, year=2026, target=20
    )

    assert sent is None
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_a_cancellation_that_fails_halfway_changes_nothing(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    await _roster(session)
    sent = await _send(session, await announcements.create_draft(session, text="Rapat", created_by=HR))

    def crash_on_withdrawing(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("UPDATE outbox"):
            raise RuntimeError("the process died here")

    engine = sessions.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", crash_on_withdrawing)
    try:
        async with sessions() as own:
            with pytest.raises(RuntimeError):
                await announcements.cancel(own, announcement_id=sent.id, actor=HR, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", crash_on_withdrawing)

    found = await announcements.find(session, announcement_id=sent.id)
    assert found is not None
    assert found.status is AnnouncementStatus.SENDING
    assert await _states(session, sent.id) == [OutboxState.PENDING] * 3
    assert await announcements.cancel(session, announcement_id=sent.id, actor=HR, now=NOW) is Change.DONE
    assert await _states(session, sent.id) == [OutboxState.SKIPPED] * 3


async def _link_newcomer(session: AsyncSession) -> None:
    newcomer = await make_employee(
        session, nip="199505052020122001", name="Yuliana Fanggidae", phone="6281355550104"
    )
    session.add(TelegramAccount(telegram_user_id=4, chat_id=4, employee_id=newcomer.id))
    await session.commit()


async def _start_due(session: AsyncSession, now: datetime) -> list[int]:
    return await announcements.start_due(session, now=now, year=2026, target=20)


async def test_a_scheduled_announcement_goes_to_its_audience_as_it_is_when_it_goes_out(
    session: AsyncSession,
) -> None:
    await _roster(session)
    due = NOW + timedelta(days=2)
    scheduled = await _send(
        session, await announcements.create_draft(session, text="Rapat", created_by=HR), due_at=due
    )
    assert (scheduled.status, scheduled.recipient_count) == (AnnouncementStatus.SCHEDULED, 0)
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0

    await _link_newcomer(session)  # a new ASN links her account the day after
    assert await _start_due(session, due - timedelta(minutes=1)) == []
    assert await _start_due(session, due) == [scheduled.id]
    assert await _start_due(session, due) == []

    rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.chat_id)))
    assert [(r.chat_id, r.due_at, r.dedupe_key) for r in rows] == [
        (chat, due, f"announcement:{scheduled.id}:{chat}") for chat in (1, 2, 3, 4)
    ]
    found = await announcements.find(session, announcement_id=scheduled.id)
    assert found is not None
    assert (found.status, found.recipient_count) == (AnnouncementStatus.SENDING, 4)
    started = await session.scalar(select(AuditLog).where(AuditLog.action == "announcement.started"))
    assert started is not None
    assert started.details["recipients"] == 4


async def test_paused_before_its_time_nothing_goes_out_until_resumed_and_cancelled_nothing_ever(
    session: AsyncSession,
) -> None:
    await _roster(session)
    due = NOW + timedelta(hours=1)
    paused = await _send(
        session, await announcements.create_draft(session, text="Satu", created_by=HR), due_at=due
    )
    cancelled = await _send(
        session, await announcements.create_draft(session, text="Dua", created_by=HR), due_at=due
    )
    assert await announcements.pause(session, announcement_id=paused.id, actor=HR, now=NOW) is Change.DONE
    assert await announcements.cancel(session, announcement_id=cancelled.id, actor=HR, now=NOW) is Change.DONE

    assert await _start_due(session, due + timedelta(hours=1)) == []
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert await announcements.finish(session, now=due + timedelta(hours=1)) == []

    later = due + timedelta(hours=2)
    assert await announcements.resume(session, announcement_id=paused.id, actor=HR, now=later) is Change.DONE
    found = await announcements.find(session, announcement_id=paused.id)
    assert found is not None
    assert found.status is AnnouncementStatus.SCHEDULED
    assert await _start_due(session, later) == [paused.id]
    assert await _states(session, paused.id) == [OutboxState.PENDING] * 3
    assert await _states(session, cancelled.id) == []
    gone = await announcements.find(session, announcement_id=cancelled.id)
    assert gone is not None
    assert gone.status is AnnouncementStatus.CANCELLED
