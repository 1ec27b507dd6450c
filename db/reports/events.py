"""Events of an office year: per event the fill rate, the waiting list, the attendance rate
(of those who held a seat, once the event has ended), the average rating and the comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, EventStatus, Registration
from db.models import RegistrationStatus as Status


@dataclass(frozen=True, slots=True)
class EventLine:
    """One event's figures; rates are 0–1, None where they do not apply yet."""

    code: str
    title: str
    starts_at: datetime
    cancelled: bool
    quota: int
    seats_taken: int
    waitlisted: int
    held_seat: int
    attended: int
    ended: bool
    rating: float | None
    ratings: int
    comments: list[str]

    @property
    def fill_rate(self) -> float | None:
        """Seats taken of the quota (None for an event without seats)."""
        return self.seats_taken / self.quota if self.quota else None

    @property
    def attendance_rate(self) -> float | None:
        """Attended of those who held a seat, once the event has ended."""
        return self.attended / self.held_seat if self.ended and self.held_seat else None


@dataclass(frozen=True, slots=True)
class EventsReport:
    """The events starting in an office year, in order of start."""

    year: int
    events: list[EventLine]


async def events_report(
    session: AsyncSession, *, year: int, now: datetime, timezone: ZoneInfo
) -> EventsReport:
    """Events starting in `year` (office time) with their counts (one grouped query) and comments (one)."""
    first, last = datetime(year, 1, 1, tzinfo=timezone), datetime(year + 1, 1, 1, tzinfo=timezone)
    status = Registration.status
    held = status.in_((Status.REGISTERED, Status.ATTENDED))
    rows = (
        await session.execute(
            select(
                Event.id,
                Event.code,
                Event.title,
                Event.starts_at,
                Event.ends_at,
                Event.status,
                Event.quota,
                Event.seats_taken,
                func.count(case((status == Status.WAITLISTED, 1))),
                func.count(case((held, 1))),
                func.count(case((status == Status.ATTENDED, 1))),
                func.avg(Registration.rating),
                func.count(Registration.rating),
            )
            .outerjoin(Registration, Registration.event_id == Event.id)
            .where(Event.starts_at >= first, Event.starts_at < last)
            .group_by(Event.id)
            .order_by(Event.starts_at, Event.code)
        )
    ).tuples()
    comments = await _comments(session, first, last)
    events = []
    for row in rows:
        event_id, code, title, starts_at, ends_at, state, quota, taken, waiting, holding, attended = row[:11]
        rating, ratings = row[11:]
        events.append(
            EventLine(
                code=code,
                title=title,
                starts_at=starts_at,
                cancelled=state is EventStatus.CANCELLED,
                quota=quota,
                seats_taken=taken,
                waitlisted=waiting,
                held_seat=holding,
                attended=attended,
                ended=ends_at <= now,
                rating=float(rating) if rating is not None else None,
                ratings=ratings,
                comments=comments.get(event_id, []),
            )
        )
    return EventsReport(year=year, events=events)


async def _comments(session: AsyncSession, first: datetime, last: datetime) -> dict[int, list[str]]:
    rows = (
        await session.execute(
            select(Registration.event_id, Registration.comment)
            .join(Event, Event.id == Registration.event_id)
            .where(Event.starts_at >= first, Event.starts_at < last, Registration.comment.is_not(None))
            .order_by(Registration.event_id, Registration.id)
        )
    ).tuples()
    found: dict[int, list[str]] = {}
    for event_id, comment in rows:
        if comment and comment.strip():
            found.setdefault(event_id, []).append(comment.strip())
    return found
