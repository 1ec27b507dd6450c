"""Quiet hours: a reminder, digest, nudge or rating request that is overdue at night (the bot
was down, or started late) waits for the morning; service messages and HR's announcements go
out when they are due. The rule is the clock's, so two dispatchers apply it alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import outbox
from db.engine import SessionFactory
from db.models import NotificationKind

WITA = ZoneInfo("Asia/Makassar")
QUIET = outbox.QuietHours(start=21, end=6, timezone=WITA)
LEASE = timedelta(seconds=30)
#: 07.00 WITA on 1 December 2026: when the H-1 reminder and the deadline digest were due.
MORNING = datetime(2026, 12, 1, 7, 0, tzinfo=WITA)
#: 23.30 WITA the same day: the bot comes back after a day down.
NIGHT = datetime(2026, 12, 1, 23, 30, tzinfo=WITA)
NEXT_MORNING = datetime(2026, 12, 2, 6, 0, tzinfo=WITA)


def _message(chat_id: int, kind: NotificationKind) -> outbox.NewMessage:
    return outbox.NewMessage(chat_id=chat_id, kind=kind, due_at=MORNING, text=kind.value)


async def _overdue(session: AsyncSession, kinds: list[NotificationKind]) -> None:
    await outbox.enqueue_many(session, [_message(n, kind) for n, kind in enumerate(kinds, start=1)])
    await session.commit()


@pytest.mark.parametrize(
    ("start", "end", "hours_held"),
    [(21, 6, {21, 22, 23, 0, 1, 2, 3, 4, 5}), (0, 5, {0, 1, 2, 3, 4}), (22, 23, {22})],
)
def test_the_quiet_hours_run_from_the_start_hour_up_to_the_end_hour(
    start: int, end: int, hours_held: set[int]
) -> None:
    quiet = outbox.QuietHours(start=start, end=end, timezone=WITA)
    day = datetime(2026, 12, 1, tzinfo=WITA)
    assert {hour for hour in range(24) if quiet.holds(day + timedelta(hours=hour, minutes=59))} == hours_held


def test_the_quiet_hours_are_read_in_office_time() -> None:
    # 14.00 UTC is 22.00 in Kupang
    assert QUIET.holds(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    assert not QUIET.holds(datetime(2026, 12, 1, 12, 59, tzinfo=UTC))


@pytest.mark.parametrize(("start", "end"), [(21, 21), (24, 6), (-1, 6)])
def test_quiet_hours_are_two_different_hours_of_the_day(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="quiet hours"):
        outbox.QuietHours(start=start, end=end, timezone=WITA)


async def test_overdue_reminders_digests_and_nudges_wait_for_the_morning(session: AsyncSession) -> None:
    held = sorted(outbox.HELD_AT_NIGHT)
    await _overdue(session, held)

    assert await outbox.claim(session, worker="w", now=NIGHT, limit=10, lease=LEASE, quiet=QUIET) == []

    claimed = await outbox.claim(session, worker="w", now=NEXT_MORNING, limit=10, lease=LEASE, quiet=QUIET)
    assert sorted(row.kind for row in claimed) == held


async def test_service_messages_and_hr_announcements_go_out_at_night(session: AsyncSession) -> None:
    await _overdue(
        session,
        [
            NotificationKind.EVENT_REMINDER,
            NotificationKind.EVENT_CHANGE,
            NotificationKind.REGISTRATION,
            NotificationKind.ANNOUNCEMENT,
            NotificationKind.ANNOUNCEMENT_REPORT,
            NotificationKind.WAITLIST,
        ],
    )

    claimed = await outbox.claim(session, worker="w", now=NIGHT, limit=10, lease=LEASE, quiet=QUIET)

    assert {row.kind for row in claimed} == {
        NotificationKind.EVENT_CHANGE,
        NotificationKind.REGISTRATION,
        NotificationKind.ANNOUNCEMENT,
        NotificationKind.ANNOUNCEMENT_REPORT,
        NotificationKind.WAITLIST,
    }


async def test_without_quiet_hours_an_overdue_reminder_goes_out_at_once(session: AsyncSession) -> None:
    await _overdue(session, [NotificationKind.EVENT_REMINDER])

    claimed = await outbox.claim(session, worker="w", now=NIGHT, limit=10, lease=LEASE)

    assert [row.kind for row in claimed] == [NotificationKind.EVENT_REMINDER]


async def test_a_reminder_claimed_in_the_evening_is_not_reclaimed_at_night(session: AsyncSession) -> None:
    await _overdue(session, [NotificationKind.EVENT_REMINDER])
    evening = NIGHT.replace(hour=20, minute=59)
    assert await outbox.claim(session, worker="dead", now=evening, limit=10, lease=LEASE, quiet=QUIET)

    assert await outbox.claim(session, worker="w", now=NIGHT, limit=10, lease=LEASE, quiet=QUIET) == []
    reclaimed = await outbox.claim(session, worker="w", now=NEXT_MORNING, limit=10, lease=LEASE, quiet=QUIET)
    assert [row.attempts for row in reclaimed] == [2]


async def test_two_dispatchers_both_hold_the_night_and_share_the_morning(sessions: SessionFactory) -> None:
    async with sessions() as session:
        await _overdue(session, [NotificationKind.DEADLINE] * 6)

    async def claim(worker: str, now: datetime) -> list[outbox.Claimed]:
        async with sessions() as session:
            return await outbox.claim(session, worker=worker, now=now, limit=4, lease=LEASE, quiet=QUIET)

    assert await claim("a", NIGHT) == []
    assert await claim("b", NIGHT) == []
    first, second = await claim("a", NEXT_MORNING), await claim("b", NEXT_MORNING)
    assert (len(first), len(second)) == (4, 2)
    assert not {row.id for row in first} & {row.id for row in second}
