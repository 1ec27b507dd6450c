"""What HR types to change an event, read and checked: the preview of a change.

`propose` reads the typed value of a `Field` (`parse_schedule`, `parse_location`,
`parse_deadline`; `parse_reason` for a cancellation reason in HR's own words) and checks it
against the event as it is now, giving a `Proposal` (before → after) that `db.events.saving`
saves only if the event still reads as its before. A refusal is an `EventChangeError`.

Times are typed in office time (WITA), e.g. ``12/12/2026 08.00-16.00``,
``12/12/2026 08.00 - 13/12/2026 12.00`` or ``2026-12-12 08:00 s.d. 16:00``; a deadline as
one date and time (a date alone means 23.59 that day).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import office_time
from db.models import Allocation, Event, EventStatus

LOCATION_LIMIT = 300
REASON_LIMIT = 300
#: The reasons HR can pick with one press (labels `events.reason.<key>`); `typed` is their own words.
REASONS = ("speaker", "participants", "weather", "agenda")
TYPED = "typed"


class Field(enum.StrEnum):
    """What of an event HR can change."""

    SCHEDULE = "schedule"
    LOCATION = "location"
    DEADLINE = "deadline"


#: Refusals about the event itself rather than what HR typed: typing again cannot help.
EVENT_REFUSALS = frozenset({"not_found", "cancelled", "started", "allocated", "stale"})


class EventChangeError(Exception):
    """A change or cancellation that cannot be made; `reason` is a code the bot translates:

    format, no_such_date, empty, too_long (the typed text); ends_before_start,
    start_in_past, start_before_deadline, deadline_in_past, deadline_after_start,
    deadline_before_opening, unchanged (the new value); not_found, cancelled, started,
    allocated, stale (the event).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Proposal:
    """A change as previewed: the field's values before and after, as stored text (ISO in UTC)."""

    event_id: int
    field: Field
    before: dict[str, str]
    after: dict[str, str]

    def as_state(self) -> dict[str, Any]:
        """JSON for the conversation state, read back by `from_state`."""
        return {
            "event_id": self.event_id,
            "field": self.field.value,
            "before": self.before,
            "after": self.after,
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Proposal | None:
        """The proposal kept in a conversation state, or None if it holds none."""
        try:
            return cls(int(data["event_id"]), Field(data["field"]), dict(data["before"]), dict(data["after"]))
        except (KeyError, TypeError, ValueError):
            return None


# ---------------------------------------------------------------------------- reading typed text


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_schedule(text: str, *, timezone: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end from `DATE TIME-TIME` or `DATE TIME - DATE TIME`, in office time."""
    try:
        return office_time.parse_range(text, timezone=timezone)
    except office_time.OfficeTimeError as refusal:
        raise EventChangeError(refusal.reason) from refusal


def parse_deadline(text: str, *, timezone: ZoneInfo) -> datetime:
    """One moment from `DATE TIME`, or `DATE` for 23.59 that day, in office time."""
    try:
        return office_time.parse_moment(text, timezone=timezone, date_alone=time(23, 59))
    except office_time.OfficeTimeError as refusal:
        raise EventChangeError(refusal.reason) from refusal


def parse_location(text: str) -> str:
    """The place, trimmed; at most `LOCATION_LIMIT` characters."""
    place = " ".join(text.split())
    if not place:
        raise EventChangeError("empty")
    if len(place) > LOCATION_LIMIT:
        raise EventChangeError("too_long")
    return place


def parse_reason(text: str) -> str:
    """A cancellation reason in HR's own words; at most `REASON_LIMIT` characters."""
    reason = text.strip()
    if not reason:
        raise EventChangeError("empty")
    if len(reason) > REASON_LIMIT:
        raise EventChangeError("too_long")
    return reason


# ---------------------------------------------------------------------------- checking


def snapshot(event: Event, field: Field) -> dict[str, str]:
    """The event's current values of the field, as a proposal holds them."""
    if field is Field.SCHEDULE:
        return {"starts_at": _stamp(event.starts_at), "ends_at": _stamp(event.ends_at)}
    if field is Field.LOCATION:
        return {"location": event.location}
    return {"registration_deadline": _stamp(event.registration_deadline)}


def stored(field: Field, values: dict[str, str]) -> dict[str, str | datetime]:
    """A proposal's values as the event's columns hold them."""
    return {name: value if field is Field.LOCATION else _moment(value) for name, value in values.items()}


def changeable(event: Event | None, now: datetime) -> Event:
    """The event, if it may still be changed or cancelled: known, not cancelled, not started."""
    if event is None:
        raise EventChangeError("not_found")
    if event.status is EventStatus.CANCELLED:
        raise EventChangeError("cancelled")
    if event.starts_at <= now:
        raise EventChangeError("started")
    return event


def check(event: Event, field: Field, after: dict[str, str], now: datetime) -> None:
    """The rules a new value must meet, against the event as it is now."""
    if after == snapshot(event, field):
        raise EventChangeError("unchanged")
    if field is Field.SCHEDULE:
        starts_at, ends_at = _moment(after["starts_at"]), _moment(after["ends_at"])
        if ends_at <= starts_at:
            raise EventChangeError("ends_before_start")
        if starts_at <= now:
            raise EventChangeError("start_in_past")
        if starts_at < event.registration_deadline:
            raise EventChangeError("start_before_deadline")
    elif field is Field.DEADLINE:
        deadline = _moment(after["registration_deadline"])
        if event.allocation is Allocation.PRIORITY and event.allocated_at is not None:
            raise EventChangeError("allocated")
        if deadline <= now:
            raise EventChangeError("deadline_in_past")
        if deadline > event.starts_at:
            raise EventChangeError("deadline_after_start")
        if event.registration_opens_at is not None and deadline <= event.registration_opens_at:
            raise EventChangeError("deadline_before_opening")


async def propose(
    session: AsyncSession, *, event_id: int, field: Field, text: str, now: datetime, timezone: ZoneInfo
) -> Proposal:
    """Read HR's typed value for the field and check it against the event: the preview."""
    event = changeable(await fresh(session, event_id), now)
    if field is Field.SCHEDULE:
        starts_at, ends_at = parse_schedule(text, timezone=timezone)
        after = {"starts_at": _stamp(starts_at), "ends_at": _stamp(ends_at)}
    elif field is Field.LOCATION:
        after = {"location": parse_location(text)}
    else:
        after = {"registration_deadline": _stamp(parse_deadline(text, timezone=timezone))}
    check(event, field, after, now)
    return Proposal(event.id, field, snapshot(event, field), after)


async def fresh(session: AsyncSession, event_id: int) -> Event | None:
    """The event as the database holds it now (loaded objects refreshed), or None if unknown."""
    found: Event | None = await session.scalar(
        select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    return found
