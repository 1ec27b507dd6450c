"""The 20 JP tracker: learning hours (JP) an ASN completed in a year against the yearly
target (PP 17/2020, Art. 203), from imported history and credited events, and the JP
planned: seats held at events of the same year that have not ended yet.

A learning record's `completed_on` is the office-local date; `office_date` turns an
instant into it, so an event ending late on 31 December counts for that year.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, EventStatus, LearningRecord, Registration, RegistrationStatus

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
class PlannedEntry:
    """An event the ASN holds a seat at, not attended yet, and the JP it will bring."""

    title: str
    starts_at: datetime
    jp: int


@dataclass(frozen=True, slots=True)
class JpSummary:
    """A year's JP against the target; `entries` newest first, `planned` soonest first."""

    year: int
    target: int
    total: int
    missing: int
    entries: list[JpEntry]
    reached: bool
    planned: list[PlannedEntry] = field(default_factory=list)

    @property
    def planned_total(self) -> int:
        """The JP of the events planned."""
        return sum(entry.jp for entry in self.planned)

    @property
    def unplanned(self) -> int:
        """The JP still missing once the planned events are attended."""
        return max(0, self.missing - self.planned_total)


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


def planned_in(year: int, *, now: datetime, timezone: ZoneInfo) -> ColumnElement[bool]:
    """A registration (joined to its event) whose JP are planned for `year`: a seat held at a
    published event that has not ended and ends within that office-time year."""
    start, end = _year_bounds(year, timezone)
    return _planned_between(start, end, now)


def _year_bounds(year: int, timezone: ZoneInfo) -> tuple[datetime, datetime]:
    """The office-time year as [start, end) instants."""
    start, end = (datetime.combine(date(first, 1, 1), time(), tzinfo=timezone) for first in (year, year + 1))
    return start, end


def _planned_between(start: Any, end: Any, now: Any) -> ColumnElement[bool]:
    """`planned_in` over [start, end) instants, given as values or bound parameters."""
    return and_(
        Registration.status == RegistrationStatus.REGISTERED,
        Event.status == EventStatus.PUBLISHED,
        Event.ends_at > now,
        Event.ends_at >= start,
        Event.ends_at < end,
    )


async def year_summary(
    session: AsyncSession,
    *,
    employee_id: int,
    year: int,
    target: int,
    now: datetime | None = None,
    timezone: ZoneInfo | None = None,
) -> JpSummary:
    """The employee's JP completed in `year` (office-local dates) against `target` (one query);
    given `now` and the office `timezone`, also the JP planned for the year (one more)."""
    records = await session.scalars(
        _records_statement(),
        {"employee_id": employee_id, "first": date(year, 1, 1), "last": date(year, 12, 31)},
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
    planned: list[PlannedEntry] = []
    if now is not None and timezone is not None:
        start, end = _year_bounds(year, timezone)
        rows = await session.execute(
            _planned_statement(), {"employee_id": employee_id, "start": start, "end": end, "now": now}
        )
        planned = [PlannedEntry(title, starts_at, jp) for title, starts_at, jp in rows.tuples()]
    return JpSummary(
        year=year,
        target=target,
        total=total,
        missing=max(0, target - total),
        entries=entries,
        reached=total >= target,
        planned=planned,
    )


@functools.cache
def _records_statement() -> Select[tuple[LearningRecord]]:
    """`year_summary`'s learning records of one employee between two dates, built once (every
    /jp and recommendation asks it)."""
    return (
        select(LearningRecord)
        .where(
            LearningRecord.employee_id == bindparam("employee_id"),
            LearningRecord.completed_on >= bindparam("first"),
            LearningRecord.completed_on <= bindparam("last"),
        )
        .order_by(LearningRecord.completed_on.desc(), LearningRecord.id.desc())
    )


@functools.cache
def _planned_statement() -> Select[tuple[str, datetime, int]]:
    """`year_summary`'s planned events of one employee, built once."""
    return (
        select(Event.title, Event.starts_at, Event.jp)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.employee_id == bindparam("employee_id"),
            _planned_between(bindparam("start"), bindparam("end"), bindparam("now")),
        )
        .order_by(Event.starts_at, Event.id)
    )
