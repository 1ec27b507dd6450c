"""Where someone is in the `/admin` event editor, kept between messages as the `event_editor`
flow of `db.conversation`, and saving one item of an event.

The editor's state says which event (None while a new one has only its kind), whether it is
being made step by step (`CREATE`) or changed one item at a time (`EDIT`), the item asked for,
a previewed `Change` (before → after) waiting for its ✅, and the lists being picked.

Saving an item of a PUBLISHED event that moves people (its schedule, its place in town, its
registration deadline) goes through `db.events.saving.apply_change`, so every registrant is
told and the reminders move; its quota through `db.registration.set_quota`, so new seats go
to the waiting list at once; every other item, and every item of a draft, is written here
with an `event.edit` audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, conversation
from db.events.creating import recode
from db.events.drafting import Item, assign, check, follow_schedule, load, snapshot
from db.events.proposal import EventChangeError, Field, Proposal
from db.events.saving import apply_change
from db.models import Event, EventStatus
from db.registration import QuotaBelowSeatsTaken, set_quota

FLOW = "event_editor"
CREATE = "create"
EDIT = "edit"
#: The step while HR types why an event under review goes back to its organizer.
RETURN_REASON = "return_reason"
EDIT_ACTION = "event.edit"
#: Items of a published event whose change every registrant is told about.
TOLD = {Item.SCHEDULE: Field.SCHEDULE, Item.DEADLINE: Field.DEADLINE}


@dataclass(frozen=True, slots=True)
class Change:
    """An item's values before and after, as previewed."""

    event_id: int
    item: Item
    before: dict[str, Any]
    after: dict[str, Any]

    def as_state(self) -> dict[str, Any]:
        """JSON for the conversation state."""
        return {
            "event_id": self.event_id,
            "item": self.item.value,
            "before": self.before,
            "after": self.after,
        }

    @classmethod
    def from_state(cls, data: Any) -> Change | None:
        """The change kept in a conversation state, or None."""
        try:
            return cls(int(data["event_id"]), Item(data["item"]), dict(data["before"]), dict(data["after"]))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class Editing:
    """Where one user is in the editor."""

    mode: str
    item: str
    event_id: int | None = None
    kind: str | None = None
    change: Change | None = None
    picked: dict[str, Any] = field(default_factory=dict)


async def remember(session: AsyncSession, *, telegram_user_id: int, editing: Editing) -> None:
    """Keep where the user is (replaces any other flow; commits)."""
    data: dict[str, Any] = {"mode": editing.mode, "event_id": editing.event_id, "kind": editing.kind}
    data["picked"] = editing.picked
    if editing.change is not None:
        data["change"] = editing.change.as_state()
    await conversation.enter(
        session, telegram_user_id=telegram_user_id, flow=FLOW, step=editing.item, data=data
    )
    await session.commit()


async def editing(session: AsyncSession, *, telegram_user_id: int) -> Editing | None:
    """Where the user is in the editor, or None when elsewhere."""
    step = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    if step is None:
        return None
    data = step.data
    event_id = data.get("event_id")
    return Editing(
        mode=str(data.get("mode", EDIT)),
        item=step.step,
        event_id=int(event_id) if event_id is not None else None,
        kind=data.get("kind"),
        change=Change.from_state(data["change"]) if "change" in data else None,
        picked=dict(data.get("picked") or {}),
    )


async def stop(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Leave the editor (commits)."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()


def preview(*, event: Event, item: Item, after: dict[str, Any], now: datetime) -> Change:
    """The change as it would be saved: checked against the event (loaded by `load`)."""
    full = snapshot(event, item) | after
    check(event, item, full, now)
    return Change(event.id, item, snapshot(event, item), full)


async def save(
    session: AsyncSession, *, change: Change, actor: int, now: datetime, timezone: ZoneInfo
) -> int:
    """Save a previewed change (commits); how many registrants will be told. Refused as
    `stale` when the event changed since the preview."""
    event = await load(session, change.event_id)
    if event is None:
        raise EventChangeError("not_found")
    current = snapshot(event, change.item)
    if current == change.after:
        return 0
    if current != change.before:
        raise EventChangeError("stale")
    check(event, change.item, change.after, now)
    if change.item is Item.QUOTA and event.status is EventStatus.PUBLISHED:
        # through the registration engine: more seats go to the waiting list at once, and tell them
        try:
            await set_quota(
                session, event_id=event.id, quota=int(change.after["quota"]), actor=actor, now=now
            )
        except QuotaBelowSeatsTaken as refusal:
            raise EventChangeError("quota_below_seats") from refusal
        return 0
    told = _told_field(event, change)
    if told is not None:
        before, after = _as_proposal(told, change)
        applied = await apply_change(
            session, proposal=Proposal(event.id, told, before, after), actor=actor, now=now, timezone=timezone
        )
        return applied.notified
    await write(
        session, event=event, item=change.item, values=change.after, actor=actor, now=now, timezone=timezone
    )
    return 0


def _told_field(event: Event, change: Change) -> Field | None:
    """The field of `db.events` whose change registrants hear about, for a published event."""
    if event.status is not EventStatus.PUBLISHED:
        return None
    place = change.item is Item.PLACE
    if place and change.before["location"] != change.after["location"]:
        return Field.LOCATION if change.before["online_url"] == change.after["online_url"] else None
    return TOLD.get(change.item)


def _as_proposal(told: Field, change: Change) -> tuple[dict[str, str], dict[str, str]]:
    wanted = ("location",) if told is Field.LOCATION else tuple(change.before)
    return (
        {name: str(change.before[name]) for name in wanted},
        {name: str(change.after[name]) for name in wanted},
    )


async def write(
    session: AsyncSession,
    *,
    event: Event,
    item: Item,
    values: dict[str, Any],
    actor: int,
    now: datetime,
    timezone: ZoneInfo,
) -> None:
    """Write an item's values to the event (loaded by `load`) with its audit entry (commits);
    a draft's deadline and code follow its schedule and kind."""
    before = snapshot(event, item)
    old_start = event.starts_at
    await assign(session, event, item, values)
    if item is Item.SCHEDULE:
        follow_schedule(event, old_start=old_start, now=now)
    if item in (Item.SCHEDULE, Item.KIND):
        await recode(session, event, timezone=timezone)
    if item is Item.PLACE and not event.location and event.online_url:
        # an online event's place reads as where it is joined ("zoom.us") wherever it is shown
        event.location = urlsplit(event.online_url).netloc
    audit.record(
        session,
        action=EDIT_ACTION,
        actor_telegram_id=actor,
        subject=f"event:{event.id}",
        details={"item": item.value, "from": before, "to": snapshot(event, item)},
    )
    await session.commit()
