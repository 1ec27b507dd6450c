"""The 20 JP tracker: learning hours (JP) an ASN completed in a year against the yearly
target (PP 17/2020, Art. 203), from imported history and credited events, and the JP
planned: seats held at events of the same year that have not ended yet.

A learning record's `completed_on` is the office-local date; `office_date` turns an
instant into it, so an event ending late on 31 December counts for that year.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    false,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, EventStatus, LearningRecord, Registration, RegistrationStatus
from db.types import UTCDateTime

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


#: The two parts of `year_summary`'s statement; a start of time for when it plans nothing.
_COMPLETED, _PLANNED = 0, 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def year_summary(
    session: AsyncSession,
    *,
    employee_id: int,
    year: int,
    target: int,
    now: datetime | None = None,
    timezone: ZoneInfo | None = None,
) -> JpSummary:
    """The employee's JP completed in `year` (office-local dates) against `target`; given `now`
    and the office `timezone`, also the JP planned for the year.  One query."""
    if now is not None and timezone is not None:
        start, end = _year_bounds(year, timezone)
    else:  # nothing planned asked for: an empty range of instants
        now = start = end = _EPOCH
    params = {"employee_id": employee_id, "first": date(year, 1, 1), "last": date(year, 12, 31)}
    rows = (
        await session.execute(_summary_statement(), {**params, "start": start, "end": end, "now": now})
    ).all()
    entries = [
        JpEntry(row.title, row.organizer, row.completed_on, row.jp, from_event=bool(row.from_event))
        for row in rows
        if row.part == _COMPLETED
    ]
    planned = [PlannedEntry(row.title, row.starts_at, row.jp) for row in rows if row.part == _PLANNED]
    total = sum(entry.jp for entry in entries)
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
def _summary_statement() -> Select[Any]:
    """`year_summary`'s statement, built once (every /jp and recommendation asks it): the
    employee's learning records between the dates `first` and `last`, latest first, then the
    events they hold a seat at that end between the instants `start` and `end`, soonest first."""
    employee_id: BindParameter[int] = bindparam("employee_id")
    completed = select(
        literal_column(str(_COMPLETED), Integer).label("part"),
        LearningRecord.title.label("title"),
        LearningRecord.organizer.label("organizer"),
        LearningRecord.completed_on.label("completed_on"),
        cast(null(), UTCDateTime).label("starts_at"),
        LearningRecord.jp.label("jp"),
        LearningRecord.event_id.is_not(None).label("from_event"),
        LearningRecord.id.label("id"),
    ).where(
        LearningRecord.employee_id == employee_id,
        LearningRecord.completed_on >= bindparam("first"),
        LearningRecord.completed_on <= bindparam("last"),
    )
    planned = (
        select(
            literal_column(str(_PLANNED), Integer),
            Event.title,
            cast(null(), String),
            cast(null(), Date),
            Event.starts_at,
            Event.jp,
            false(),
            Event.id,
        )
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.employee_id == employee_id,
            _planned_between(bindparam("start"), bindparam("end"), bindparam("now")),
        )
    )
    both = union_all(completed, planned).subquery()
    return select(both).order_by(
        both.c.part,
        both.c.completed_on.desc(),
        both.c.starts_at,
        case((both.c.part == _COMPLETED, -both.c.id), else_=both.c.id),
    )
