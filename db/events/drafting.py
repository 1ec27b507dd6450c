"""What an event is made of in the `/admin` editor: its items (kind, title, organizer, schedule,
place, quota, registration opening and deadline, JP, cost, competencies, who may register, how
seats are given, approval, poster), each read from what HR or an organizer typed or pressed,
shown as before → after, and checked against the rest of the event.

An item's value is a small JSON dict (`snapshot`), the same shape in a preview, in the
conversation state and in the audit log; `assign` writes it to the event. Refusals are
`EventChangeError` with a reason code that `messages/` renders (`editor_invalid`).
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db import organizer_settings
from db.events.proposal import EventChangeError, parse_deadline, parse_location, parse_schedule
from db.models import Allocation, Competency, Event, EventKind, EventStatus, Position

TITLE_LIMIT = 300
ORGANIZER_LIMIT = 200
URL_LIMIT = 500
QUOTA_RANGE = (1, 100_000)
JP_RANGE = (0, 1_000)
COST_RANGE = (0, 10**12)
#: A new event's registration closes this long before it starts unless told otherwise.
DEADLINE_LEAD = timedelta(days=3)
_DIGITS = re.compile(r"[0-9]+(?:[.,][0-9]{3})*")


class Item(enum.StrEnum):
    """What of an event the editor sets, in the order a new event asks for it."""

    KIND = "kind"
    TITLE = "title"
    ORGANIZER = "organizer"
    SCHEDULE = "schedule"
    PLACE = "place"
    QUOTA = "quota"
    OPENS = "opens"
    DEADLINE = "deadline"
    JP = "jp"
    COST = "cost"
    COMPETENCIES = "competencies"
    TARGETS = "targets"
    ALLOCATION = "allocation"
    APPROVAL = "approval"
    POSTER = "poster"


#: Items typed as text.
TYPED = frozenset(
    {
        Item.TITLE,
        Item.ORGANIZER,
        Item.SCHEDULE,
        Item.PLACE,
        Item.QUOTA,
        Item.OPENS,
        Item.DEADLINE,
        Item.JP,
        Item.COST,
    }
)
#: Items picked with one press, and their values (labels `editor.choice.<item>.<value>`).
CHOICES: dict[Item, tuple[str, ...]] = {
    Item.KIND: tuple(kind.value for kind in EventKind),
    Item.ALLOCATION: tuple(allocation.value for allocation in Allocation),
    Item.APPROVAL: ("no", "yes"),
}
#: Items picked from lists, several values at once.
PICKED = frozenset({Item.COMPETENCIES, Item.TARGETS})
#: The kinds an organizer may make (trainings are HR's).
ORGANIZER_KINDS = frozenset({EventKind.SEMINAR, EventKind.WORKSHOP, EventKind.WEBINAR})
#: Target filters and the event column each fills (see `db.events.targets`).
TARGET_KINDS = ("position_types", "positions", "units", "ranks", "statuses")


def _stamp(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat() if moment is not None else ""


def moment(text: str) -> datetime | None:
    """An ISO instant as the item values hold it, or None for empty."""
    return datetime.fromisoformat(text) if text else None


# ---------------------------------------------------------------------------- reading typed text


def parse_text(text: str, *, limit: int) -> str:
    """One line of text, spaces tidied; at most `limit` characters."""
    tidy = " ".join(text.split())
    if not tidy:
        raise EventChangeError("empty")
    if len(tidy) > limit:
        raise EventChangeError("too_long")
    return tidy


def parse_whole(text: str, *, low: int, high: int) -> int:
    """A whole number, thousands separated by dots or commas and "Rp" allowed: ``1.500.000``."""
    tidy = text.strip().removeprefix("Rp").removeprefix("rp").strip().removesuffix(",-")
    if not _DIGITS.fullmatch(tidy):
        raise EventChangeError("not_a_number")
    value = int(re.sub(r"[.,]", "", tidy))
    if not low <= value <= high:
        raise EventChangeError("out_of_range")
    return value


def parse_place(text: str) -> dict[str, str]:
    """A place in town, or an online link (``https://…``) for a webinar or a hybrid event."""
    tidy = text.strip()
    if tidy.lower().startswith(("http://", "https://")):
        if len(tidy) > URL_LIMIT or " " in tidy or not urlsplit(tidy).netloc:
            raise EventChangeError("bad_link")
        return {"online_url": tidy}
    return {"location": parse_location(text)}


def read_typed(item: Item, text: str, *, timezone: ZoneInfo) -> dict[str, Any]:
    """What was typed for a typed item, as the item's values (not yet checked against the event)."""
    if item is Item.TITLE:
        return {"title": parse_text(text, limit=TITLE_LIMIT)}
    if item is Item.ORGANIZER:
        return {"organizer": parse_text(text, limit=ORGANIZER_LIMIT)}
    if item is Item.SCHEDULE:
        starts_at, ends_at = parse_schedule(text, timezone=timezone)
        return {"starts_at": _stamp(starts_at), "ends_at": _stamp(ends_at)}
    if item is Item.PLACE:
        return parse_place(text)
    if item is Item.OPENS:
        return {"registration_opens_at": _stamp(parse_deadline(text, timezone=timezone))}
    if item is Item.DEADLINE:
        return {"registration_deadline": _stamp(parse_deadline(text, timezone=timezone))}
    ranges = {Item.QUOTA: QUOTA_RANGE, Item.JP: JP_RANGE, Item.COST: COST_RANGE}
    if item not in ranges:
        raise ValueError(f"{item} is not typed")
    low, high = ranges[item]
    return {item.value: parse_whole(text, low=low, high=high)}


def read_choice(item: Item, value: str) -> dict[str, Any]:
    """A pressed choice as the item's values."""
    if value not in CHOICES.get(item, ()):
        raise EventChangeError("format")
    if item is Item.APPROVAL:
        return {"requires_approval": value == "yes"}
    return {item.value: value}


# ---------------------------------------------------------------------------- the event's values


async def load(session: AsyncSession, event_id: int) -> Event | None:
    """The event with its competencies and target positions, as the database holds it now."""
    found: Event | None = await session.scalar(
        select(Event)
        .where(Event.id == event_id)
        .options(selectinload(Event.competencies), selectinload(Event.target_positions))
        .execution_options(populate_existing=True)
    )
    return found


def snapshot(event: Event, item: Item) -> dict[str, Any]:
    """The event's current values of the item (loaded by `load`)."""
    if item is Item.SCHEDULE:
        return {"starts_at": _stamp(event.starts_at), "ends_at": _stamp(event.ends_at)}
    if item is Item.PLACE:
        return {"location": event.location, "online_url": event.online_url or ""}
    if item in (Item.OPENS, Item.DEADLINE):
        column = "registration_opens_at" if item is Item.OPENS else "registration_deadline"
        return {column: _stamp(getattr(event, column))}
    if item is Item.APPROVAL:
        return {"requires_approval": event.requires_approval}
    if item is Item.POSTER:
        return {"poster_file_id": event.poster_file_id or ""}
    if item is Item.COMPETENCIES:
        return {"competencies": sorted(c.id for c in event.competencies)}
    if item is Item.TARGETS:
        return {
            "position_types": sorted(str(v) for v in event.target_position_types or []),
            "positions": sorted(p.id for p in event.target_positions),
            "units": sorted(int(v) for v in event.target_unit_ids or []),
            "ranks": sorted(str(v) for v in event.target_ranks or []),
            "statuses": sorted(str(v) for v in event.target_statuses or []),
        }
    value = getattr(event, item.value)
    return {item.value: value.value if isinstance(value, enum.Enum) else value}


def merged(event: Event, item: Item, after: dict[str, Any]) -> dict[str, Any]:
    """The item's values after the change: what was typed over what the event holds (a link
    typed for a place keeps the place, and the other way round)."""
    return snapshot(event, item) | after


async def assign(session: AsyncSession, event: Event, item: Item, values: dict[str, Any]) -> None:
    """Write the item's values to the event (loaded by `load`); no commit."""
    if item is Item.COMPETENCIES:
        wanted = [int(v) for v in values["competencies"]]
        found = await session.scalars(select(Competency).where(Competency.id.in_(wanted)))
        event.competencies = list(found)
        return
    if item is Item.TARGETS:
        positions = await session.scalars(
            select(Position).where(Position.id.in_([int(v) for v in values["positions"]]))
        )
        event.target_positions = list(positions)
        event.target_position_types = list(values["position_types"])
        event.target_unit_ids = [int(v) for v in values["units"]]
        event.target_ranks = list(values["ranks"])
        event.target_statuses = list(values["statuses"])
        return
    for column, value in values.items():
        if column in ("starts_at", "ends_at", "registration_opens_at", "registration_deadline"):
            setattr(event, column, moment(str(value)))
        elif column == "kind":
            event.kind = EventKind(value)
        elif column == "allocation":
            event.allocation = Allocation(value)
        elif column in ("online_url", "poster_file_id"):
            setattr(event, column, value or None)
        else:
            setattr(event, column, value)
    if "organizer" in values:
        await organizer_settings.remember(session, [str(values["organizer"])])


# ---------------------------------------------------------------------------- checking


def check(event: Event, item: Item, after: dict[str, Any], now: datetime) -> None:
    """The rules the item's new values must meet against the rest of the event."""
    if after == snapshot(event, item):
        raise EventChangeError("unchanged")
    if event.status is EventStatus.CANCELLED:
        raise EventChangeError("cancelled")
    draft = event.status is not EventStatus.PUBLISHED
    if item is Item.SCHEDULE:
        starts_at, ends_at = moment(after["starts_at"]), moment(after["ends_at"])
        if starts_at is None or ends_at is None or ends_at <= starts_at:
            raise EventChangeError("ends_before_start")
        if starts_at <= now:
            raise EventChangeError("start_in_past")
        if not draft and starts_at < event.registration_deadline:
            raise EventChangeError("start_before_deadline")
    elif item is Item.DEADLINE:
        _check_deadline(event, moment(after["registration_deadline"]), now)
    elif item is Item.OPENS:
        opens = moment(after["registration_opens_at"])
        if opens is not None and opens >= event.registration_deadline:
            raise EventChangeError("opens_after_deadline")
    elif item is Item.QUOTA and int(after["quota"]) < event.seats_taken:
        raise EventChangeError("quota_below_seats")
    elif item in (Item.ALLOCATION, Item.APPROVAL) and not draft and event.seats_taken:
        raise EventChangeError("has_registrations")


def _check_deadline(event: Event, deadline: datetime | None, now: datetime) -> None:
    if deadline is None or deadline <= now:
        raise EventChangeError("deadline_in_past")
    if event.allocation is Allocation.PRIORITY and event.allocated_at is not None:
        raise EventChangeError("allocated")
    if deadline > event.starts_at:
        raise EventChangeError("deadline_after_start")
    if event.registration_opens_at is not None and deadline <= event.registration_opens_at:
        raise EventChangeError("deadline_before_opening")


def follow_schedule(event: Event, *, old_start: datetime, now: datetime) -> None:
    """A draft's deadline follows its new schedule while it is still the default (three days
    before the old start) or would fall after the new start: three days before, or the start
    itself when that has passed. HR can still set it."""
    if event.status is EventStatus.PUBLISHED:
        return
    if event.registration_deadline not in (old_start - DEADLINE_LEAD,) and (
        event.registration_deadline <= event.starts_at
    ):
        return
    lead = event.starts_at - DEADLINE_LEAD
    event.registration_deadline = lead if lead > now else event.starts_at


def problems(event: Event, now: datetime) -> list[str]:
    """What keeps the event from being published (reason codes), in the order to fix them."""
    found = []
    if not event.organizer.strip():
        found.append("no_organizer")
    if event.starts_at <= now:
        found.append("start_in_past")
    if event.registration_deadline <= now:
        found.append("deadline_in_past")
    if event.registration_deadline > event.starts_at:
        found.append("deadline_after_start")
    if event.registration_opens_at is not None and event.registration_opens_at >= event.registration_deadline:
        found.append("opens_after_deadline")
    if event.kind is EventKind.WEBINAR and not event.online_url:
        found.append("webinar_needs_link")
    elif not event.location.strip() and not event.online_url:
        found.append("no_place")
    return found
