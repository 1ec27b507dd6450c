"""Guess limits: how many guesses at something secret (a NIP or link code while linking, an
event's check-in code, a certificate number) one Telegram user may make in a window, per purpose.

The check and the count are one step even when many requests arrive at once: a guess is
first recorded in a transaction of its own and committed, and only then are the guesses in
the window counted. Each guess's count includes itself and every guess committed before it,
so of any number of simultaneous guesses at most `max_failures` are evaluated; the others are
refused, and their records removed again (they were not evaluated, so they do not extend the
wait). The same holds on SQLite and PostgreSQL, with no lock held across the evaluation.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import LinkAttempt

#: The reason a guess carries until its outcome is known.
PENDING = "pending"


class Purpose(enum.StrEnum):
    """What a guess was for; each purpose has its own limit."""

    LINK = "link"
    CHECKIN = "checkin"
    CERTIFICATE = "certificate"


@dataclass(frozen=True, slots=True)
class Policy:
    """How many guesses are allowed in what window before the user must wait."""

    max_failures: int = 5
    window: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Admission:
    """A guess let through (`attempt_id`, and how many are left after it) or refused until a time."""

    attempt_id: int | None
    attempts_left: int
    locked_until: datetime | None = None


def _recent(telegram_user_id: int, purpose: Purpose, now: datetime, policy: Policy) -> ColumnElement[bool]:
    return and_(
        LinkAttempt.telegram_user_id == telegram_user_id,
        LinkAttempt.purpose == purpose.value,
        LinkAttempt.attempted_at > now - policy.window,
    )


async def lock_state(
    session: AsyncSession, *, telegram_user_id: int, purpose: Purpose, now: datetime, policy: Policy
) -> tuple[datetime | None, int]:
    """(locked until, guesses left) from the guesses within the window."""
    recent = list(
        await session.scalars(
            select(LinkAttempt.attempted_at)
            .where(_recent(telegram_user_id, purpose, now, policy))
            .order_by(LinkAttempt.attempted_at.desc())
            .limit(policy.max_failures)
        )
    )
    if len(recent) >= policy.max_failures:
        return recent[-1] + policy.window, 0
    return None, policy.max_failures - len(recent)


async def admit(
    session: AsyncSession, *, telegram_user_id: int, purpose: Purpose, now: datetime, policy: Policy
) -> Admission:
    """Record a guess (committed), then count: let it through when within the limit.

    Commits whatever the session held before, so call it before the guess changes anything."""
    attempt = LinkAttempt(
        telegram_user_id=telegram_user_id, purpose=purpose.value, attempted_at=now, reason=PENDING
    )
    session.add(attempt)
    await session.commit()
    count = await session.scalar(
        select(func.count()).select_from(LinkAttempt).where(_recent(telegram_user_id, purpose, now, policy))
    )
    if (count or 0) <= policy.max_failures:
        return Admission(attempt.id, policy.max_failures - (count or 0))
    locked_until, _ = await lock_state(
        session, telegram_user_id=telegram_user_id, purpose=purpose, now=now, policy=policy
    )
    await session.execute(delete(LinkAttempt).where(LinkAttempt.id == attempt.id))
    await session.commit()
    return Admission(None, 0, locked_until)


async def settle(session: AsyncSession, *, attempt_id: int, reason: str) -> None:
    """Write down how an admitted guess ended (no commit: it goes with the outcome)."""
    await session.execute(update(LinkAttempt).where(LinkAttempt.id == attempt_id).values(reason=reason))


async def forgive(session: AsyncSession, *, attempt_id: int) -> None:
    """Take back an admitted guess that was no guess after all (no commit)."""
    await session.execute(delete(LinkAttempt).where(LinkAttempt.id == attempt_id))
