"""The outbox: messages are queued once, claimed by one dispatcher at a time, reclaimed when
their dispatcher dies, and every outcome lands in the right state. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import accounts, outbox
from db.engine import SessionFactory
from db.models import (
    ALWAYS_SENT,
    Announcement,
    AnnouncementStatus,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    OutboxState,
    TelegramAccount,
)

NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def _row(session: AsyncSession, outbox_id: int) -> OutboxMessage:
    session.expire_all()
    row = await session.get(OutboxMessage, outbox_id)
    assert row is not None
    return row


def _announcement(chat_id: int, announcement_id: int | None = None) -> outbox.NewMessage:
    return outbox.NewMessage(
        chat_id=chat_id,
        kind=NotificationKind.ANNOUNCEMENT,
        due_at=NOW,
        text="Pengumuman",
        announcement_id=announcement_id,
    )


async def test_a_reminder_queued_twice_with_the_same_key_is_kept_once(session: AsyncSession) -> None:
    first = await outbox.enqueue(
        session,
        chat_id=1,
        kind=NotificationKind.EVENT_REMINDER,
        template="reminder",
        context={"event": "PKA-2026"},
        due_at=NOW,
        dedupe_key="h-1:event:7:employee:3",
    )
    again = await outbox.enqueue(
        session,
        chat_id=1,
        kind=NotificationKind.EVENT_REMINDER,
        template="reminder",
        context={"event": "PKA-2026"},
        due_at=NOW,
        dedupe_key="h-1:event:7:employee:3",
    )
    await session.commit()

    assert first is not None
    assert again is None
    row = await _row(session, first)
    assert (row.state, row.template, row.context) == (OutboxState.PENDING, "reminder", {"event": "PKA-2026"})


async def test_only_due_rows_are_claimed_in_due_order(session: AsyncSession) -> None:
    late = await outbox.enqueue(
        session, chat_id=1, kind=NotificationKind.JP_NUDGE, text="b", due_at=NOW - timedelta(minutes=1)
    )
    early = await outbox.enqueue(
        session, chat_id=2, kind=NotificationKind.JP_NUDGE, text="a", due_at=NOW - timedelta(minutes=5)
    )
    await outbox.enqueue(
        session, chat_id=3, kind=NotificationKind.JP_NUDGE, text="c", due_at=NOW + timedelta(1)
    )
    await session.commit()

    claimed = await outbox.claim(session, worker="w1", now=NOW, limit=10, lease=LEASE)

    assert {c.id for c in claimed} == {early, late}
    assert all(c.attempts == 1 for c in claimed)
    row = await _row(session, claimed[0].id)
    assert (row.state, row.claimed_by, row.lease_until) == (OutboxState.SENDING, "w1", NOW + LEASE)
    assert await outbox.claim(session, worker="w2", now=NOW, limit=10, lease=LEASE) == []


async def test_rows_of_a_dead_dispatcher_are_reclaimed_after_the_lease(session: AsyncSession) -> None:
    await outbox.enqueue_many(session, [_announcement(chat) for chat in (1, 2)])
    await session.commit()
    await outbox.claim(session, worker="dead", now=NOW, limit=10, lease=LEASE)

    assert await outbox.claim(session, worker="alive", now=NOW + LEASE, limit=10, lease=LEASE) == []
    reclaimed = await outbox.claim(
        session, worker="alive", now=NOW + LEASE + timedelta(seconds=1), limit=10, lease=LEASE
    )

    assert [c.attempts for c in reclaimed] == [2, 2]
    row = await _row(session, reclaimed[0].id)
    assert row.claimed_by == "alive"


async def test_many_sent_rows_are_written_at_once_each_with_its_message_id(session: AsyncSession) -> None:
    await outbox.enqueue_many(session, [_announcement(chat) for chat in range(1, 8)])
    await session.commit()
    claimed = await outbox.claim(session, worker="w", now=NOW, limit=10, lease=LEASE)
    written, left = claimed[:5], claimed[5:]

    await outbox.mark_sent_many(session, [(c.id, 1000 + c.chat_id) for c in written], at=NOW)
    await session.commit()

    for c in written:
        row = await _row(session, c.id)
        assert (row.state, row.telegram_message_id, row.sent_at, row.lease_until) == (
            OutboxState.SENT,
            1000 + c.chat_id,
            NOW,
            None,
        )
    for c in left:
        row = await _row(session, c.id)
        assert (row.state, row.telegram_message_id, row.sent_at) == (OutboxState.SENDING, None, None)


async def test_outcomes_sent_failed_and_retry(session: AsyncSession) -> None:
    await outbox.enqueue_many(session, [_announcement(chat) for chat in (1, 2, 3, 4)])
    await session.commit()
    sent, failed, flood, broken = await outbox.claim(session, worker="w", now=NOW, limit=10, lease=LEASE)

    await outbox.mark_sent_many(session, [(sent.id, 42)], at=NOW)
    await outbox.mark_failed(session, outbox_id=failed.id, worker="w", reason="Bad Request: chat not found")
    later = NOW + timedelta(seconds=3)
    await outbox.retry_later(
        session, outbox_id=flood.id, worker="w", due_at=later, reason="429", count_attempt=False
    )
    await outbox.retry_later(session, outbox_id=broken.id, worker="w", due_at=later, reason="502")
    await session.commit()

    row = await _row(session, sent.id)
    assert (row.state, row.telegram_message_id, row.sent_at) == (OutboxState.SENT, 42, NOW)
    row = await _row(session, failed.id)
    assert (row.state, row.last_error) == (OutboxState.FAILED, "Bad Request: chat not found")
    row = await _row(session, flood.id)
    assert (row.state, row.due_at, row.attempts) == (OutboxState.PENDING, later, 0)
    row = await _row(session, broken.id)
    assert (row.state, row.due_at, row.attempts) == (OutboxState.PENDING, later, 1)


async def test_a_stale_dispatcher_cannot_reset_a_row_another_one_holds(session: AsyncSession) -> None:
    await outbox.enqueue_many(session, [_announcement(1)])
    await session.commit()
    (stale,) = await outbox.claim(session, worker="slow", now=NOW, limit=1, lease=LEASE)
    await outbox.claim(session, worker="fresh", now=NOW + 2 * LEASE, limit=1, lease=LEASE)

    await outbox.mark_failed(session, outbox_id=stale.id, worker="slow", reason="timed out")
    await session.commit()

    row = await _row(session, stale.id)
    assert (row.state, row.claimed_by) == (OutboxState.SENDING, "fresh")


async def test_a_user_who_blocked_the_bot_is_marked_inactive_and_skipped(session: AsyncSession) -> None:
    session.add(TelegramAccount(telegram_user_id=5, chat_id=5))
    await session.commit()
    await outbox.enqueue_many(session, [_announcement(5), _announcement(5), _announcement(6)])
    await session.commit()
    first = (await outbox.claim(session, worker="w", now=NOW, limit=1, lease=LEASE))[0]

    skipped = await outbox.mark_blocked(
        session, outbox_id=first.id, chat_id=5, now=NOW, reason="Forbidden: bot was blocked by the user"
    )
    await session.commit()

    assert skipped == 2
    account = await session.get(TelegramAccount, 5)
    assert account is not None
    await session.refresh(account)
    assert account.blocked_at == NOW
    states = (await session.execute(select(OutboxMessage.chat_id, OutboxMessage.state))).tuples().all()
    assert sorted(states) == [(5, OutboxState.SKIPPED), (5, OutboxState.SKIPPED), (6, OutboxState.PENDING)]
    await outbox.enqueue_many(session, [_announcement(5)])
    await session.commit()
    later = await outbox.claim(session, worker="w", now=NOW, limit=10, lease=LEASE)
    # chat 6 has no account: no language, not blocked
    assert sorted((c.chat_id, c.language, c.blocked) for c in later) == [(5, "id", True), (6, None, False)]


async def test_service_messages_cannot_be_turned_off(session: AsyncSession) -> None:
    session.add(TelegramAccount(telegram_user_id=7, chat_id=70))
    await session.commit()
    session.add(NotificationPreference(telegram_user_id=7, kind=NotificationKind.EVENT_CHANGE, enabled=False))
    await session.commit()
    for kind in NotificationKind:
        await accounts.toggle_notification(session, telegram_user_id=7, chat_id=70, language="id", kind=kind)

    offered = await accounts.notification_settings(session, telegram_user_id=7)
    for kind in NotificationKind:
        await outbox.enqueue(session, chat_id=70, kind=kind, text=kind.value, due_at=NOW)
    await outbox.enqueue(session, chat_id=80, kind=NotificationKind.JP_NUDGE, text="other chat", due_at=NOW)
    await session.commit()
    claimed = await outbox.claim(session, worker="w", now=NOW, limit=50, lease=LEASE)
    silenced = {(c.chat_id, c.kind) for c in claimed if c.silenced}

    assert set(offered) == set(NotificationKind) - ALWAYS_SENT
    assert not any(offered.values())
    assert len(claimed) == len(NotificationKind) + 1
    assert silenced == {(70, kind) for kind in NotificationKind if kind not in ALWAYS_SENT}
    assert (70, NotificationKind.EVENT_CHANGE) not in silenced


async def test_a_paused_announcement_waits_and_progress_counts_by_state(session: AsyncSession) -> None:
    announcement = Announcement(text="Rapat", status=AnnouncementStatus.PAUSED)
    session.add(announcement)
    await session.commit()
    await outbox.enqueue_many(session, [_announcement(chat, announcement.id) for chat in range(1, 6)])
    await session.commit()

    assert await outbox.claim(session, worker="w", now=NOW, limit=10, lease=LEASE) == []

    announcement.status = AnnouncementStatus.SENDING
    await session.commit()
    a, b, c, _d = await outbox.claim(session, worker="w", now=NOW, limit=4, lease=LEASE)
    await outbox.mark_sent_many(session, [(a.id, 1), (b.id, 1)], at=NOW)
    await outbox.mark_failed(session, outbox_id=c.id, worker="w", reason="x")
    await session.commit()

    progress = await outbox.progress(session, announcement_id=announcement.id)
    assert progress == outbox.Progress(pending=1, sending=1, sent=2, failed=1, skipped=0)
    assert (progress.total, progress.finished) == (5, False)
    assert await outbox.unfinished(session) == 2


async def test_dispatchers_claiming_at_once_never_get_the_same_row(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await outbox.enqueue_many(session, [_announcement(chat) for chat in range(300)])
        await session.commit()

    async def dispatcher(worker: str) -> list[int]:
        mine: list[int] = []
        async with sessions() as session:
            while claimed := await outbox.claim(session, worker=worker, now=NOW, limit=7, lease=LEASE):
                mine.extend(c.id for c in claimed)
                await asyncio.sleep(0)
        return mine

    results = await asyncio.gather(*(dispatcher(f"w{i}") for i in range(4)))

    everything = [row for claimed in results for row in claimed]
    assert len(everything) == len(set(everything)) == 300


async def test_a_retry_starts_the_horizon_once_and_counts_unanswered_sends(session: AsyncSession) -> None:
    """The first failure sets the row's retry horizon, later ones keep it; a send whose answer
    never came is counted, and a row recorded sent unconfirmed keeps the count."""
    row_id = await outbox.enqueue(
        session, chat_id=1, kind=NotificationKind.ANNOUNCEMENT, text="a", due_at=NOW
    )
    await session.commit()
    assert row_id is not None
    horizon = NOW + timedelta(hours=24)
    for attempt, unconfirmed in enumerate((True, False)):
        await outbox.claim(session, worker="w", now=NOW + timedelta(minutes=attempt), limit=1, lease=LEASE)
        await outbox.retry_later(
            session,
            outbox_id=row_id,
            worker="w",
            due_at=NOW + timedelta(minutes=attempt + 1),
            reason=f"{outbox.RETRYING}{outbox.RetryReason.TIMEOUT}: Timed out",
            expires_at=horizon + timedelta(minutes=attempt),
            unconfirmed=unconfirmed,
        )
        await session.commit()
    row = await _row(session, row_id)
    assert (row.state, row.expires_at, row.unconfirmed, row.attempts) == (OutboxState.PENDING, horizon, 1, 2)

    await outbox.claim(session, worker="w", now=NOW + timedelta(minutes=2), limit=1, lease=LEASE)
    await outbox.mark_unconfirmed(session, outbox_id=row_id, worker="w", now=NOW, reason="2 sends timed out")
    await session.commit()
    row = await _row(session, row_id)
    assert (row.state, row.unconfirmed, row.telegram_message_id) == (OutboxState.SENT, 2, None)
    assert row.last_error == f"{outbox.UNCONFIRMED} 2 sends timed out"
