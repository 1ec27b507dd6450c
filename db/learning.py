"""The 20 JP tracker: learning hours (JP) an ASN completed in a year against the yearly
target (PP 17/2020, Art. 203), from imported history and credited events.

A learning record's `completed_on` is the office-local date; `office_date` turns an
instant into it, so an event ending late on 31 December counts for that year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import LearningRecord

FILLED = "▰"
EMPTY = "▱"


@dataclass(frozen=True, slots=True)
class JpEntry:
    """One completed activity and the JP it brought."""

    title: str
    organizer: str | None
    completed_on: date
    jp: int
    from_event: bool


@dataclass(frozen=True, slots=True)
class JpSummary:
    """A year's JP against the target; `entries` newest first."""

    year: int
    target: int
    total: int
    missing: int
    entries: list[JpEntry]
    reached: bool


def office_date(moment: datetime, timezone: ZoneInfo) -> date:
    """The office-local calendar date of an instant.

    31 Dec 15:30 UTC is 31 Dec 23:30 WITA (that year); 31 Dec 16:30 UTC is already
    1 Jan 00:30 WITA (the next year).
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; attach a time zone first")
    return moment.astimezone(timezone).date()


def progress_bar(total: int, target: int, width: int = 10) -> str:
    """`▰▰▰▰▰▰▱▱▱▱` for 12 of 20: floor(min(total, target) / target × width) cells filled."""
    if target <= 0:
        return FILLED * width
    filled = max(0, min(total, target)) * width // target
    return FILLED * filled + EMPTY * (width - filled)


async def year_summary(session: AsyncSession, *, employee_id: int, year: int, target: int) -> JpSummary:
    """The employee's JP completed in `year` (office-local dates) against `target` (one query)."""
    records = await session.scalars(
        select(LearningRecord)
        .where(
            LearningRecord.employee_id == employee_id,
            LearningRecord.completed_on >= date(year, 1, 1),
            LearningRecord.completed_on <= date(year, 12, 31),
        )
        .order_by(LearningRecord.completed_on.desc(), LearningRecord.id.desc())
    )
    entries = [
        JpEntry(
            title=record.title,
            organizer=record.organizer,
            completed_on=record.completed_on,
            jp=record.jp,
            from_event=record.event_id is not None,
        )
        for record in records
    ]
    total = sum(entry.jp for entry in entries)
    return JpSummary(
        year=year,
        target=target,
        total=total,
        missing=max(0, target - total),
        entries=entries,
        reached=total >= target,
    )
