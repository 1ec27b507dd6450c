"""An event's way from DRAFT to PUBLISHED, who may touch it on the way, and what to warn about.

HR publishes at once. An organizer publishes at once too, unless HR requires approval of that
organizer's events (`Organizer.review_required`): then the event waits in REVIEW until HR
approves it (PUBLISHED) or sends it back with a reason (DRAFT); the one who made it is told
either way through the outbox. Announcing a published event to its targets is another
feature's: `ANNOUNCE_HOOK` names the button it adds to the published screen.

Ownership: an organizer's scope covers only its own organizer names (`db.admin.Scope`); an
event outside it reads as gone, and the attempt is audited (`event.refused`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, outbox
from db.admin import Scope
from db.calendar_days import day_off
from db.events.drafting import ORGANIZER_KINDS, load, problems
from db.events.proposal import EventChangeError, parse_reason
from db.models import Event, EventStatus, NotificationKind, Organizer, TelegramAccount

PUBLISH_ACTION = "event.publish"
REVIEW_ACTION = "event.review_requested"
APPROVE_ACTION = "event.approved"
RETURN_ACTION = "event.returned"
REFUSED_ACTION = "event.refused"
#: The callback action of "announce this event to its targets" (`rch:pb:<event id>`: the preview
#: with the count, `bot.handlers.admin.reach`); the published screen offers it.
ANNOUNCE_HOOK = ("rch", "pb")
#: The days of an event checked for Sundays and holidays (a longer one is checked this far).
CHECKED_DAYS = 31


@dataclass(frozen=True, slots=True)
class DayOff:
    """A day of the event that is not a working day: the holiday's name, or "sunday"."""

    day: date
    why: str


@dataclass(frozen=True, slots=True)
class Waiting:
    """An event waiting for HR's approval."""

    id: int
    code: str
    title: str
    organizer: str
    starts_at: datetime


async def owned(session: AsyncSession, *, scope: Scope, event_id: int) -> Event | None:
    """The event (loaded with its lists) when the caller may edit it; otherwise None, and an
    organizer's attempt on an event that exists is audited (commits then)."""
    event = await load(session, event_id)
    if event is None:
        return None
    if scope.hr or event.organizer in scope.organizers:
        return event
    audit.record(
        session,
        action=REFUSED_ACTION,
        actor_telegram_id=scope.telegram_user_id,
        subject=f"event:{event_id}",
        details={"organizers": sorted(scope.organizers)},
    )
    await session.commit()
    return None


def may_make(scope: Scope, kind: str) -> bool:
    """HR makes every kind; organizers seminars, workshops and webinars."""
    return scope.hr or kind in ORGANIZER_KINDS


def days_off(event: Event, *, timezone: ZoneInfo, lang: str) -> list[DayOff]:
    """The event's days that are Sundays or national holidays (a warning, never a refusal)."""
    first = event.starts_at.astimezone(timezone).date()
    last = min(event.ends_at.astimezone(timezone).date(), first + timedelta(days=CHECKED_DAYS))
    found = []
    day = first
    while day <= last:
        why = day_off(day, lang)
        if why is not None:
            found.append(DayOff(day, why))
        day += timedelta(days=1)
    return found


async def review_required(session: AsyncSession, *, scope: Scope, organizer: str) -> bool:
    """Whether this caller's publishing waits for HR: an organizer HR reviews."""
    if scope.hr:
        return False
    required = await session.scalar(select(Organizer.review_required).where(Organizer.name == organizer))
    return bool(required)


async def _refused(session: AsyncSession, event_id: int, reason: str) -> EventChangeError:
    """The refusal of a change someone else made first: the attempt undone and the event read
    again as it now is — a rollback expires every object of the session, and the caller's
    event would otherwise be reloaded where no await is possible (showing the refusal)."""
    await session.rollback()
    await load(session, event_id)
    return EventChangeError(reason)


async def publish(
    session: AsyncSession, *, scope: Scope, event_id: int, actor: int, now: datetime
) -> EventStatus:
    """Publish a draft, or send it for HR's review (commits); the status it now has. Refused
    with the first thing to fix (`drafting.problems`), or `not_draft`."""
    event = await load(session, event_id)
    if event is None:
        raise EventChangeError("not_found")
    if event.status is not EventStatus.DRAFT:
        raise EventChangeError("not_draft")
    found = problems(event, now)
    if found:
        raise EventChangeError(found[0])
    review = await review_required(session, scope=scope, organizer=event.organizer)
    status = EventStatus.REVIEW if review else EventStatus.PUBLISHED
    moved = await session.execute(
        update(Event)
        .where(Event.id == event_id, Event.status == EventStatus.DRAFT)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        raise await _refused(session, event_id, "not_draft")
    audit.record(
        session,
        action=REVIEW_ACTION if review else PUBLISH_ACTION,
        actor_telegram_id=actor,
        subject=f"event:{event_id}",
    )
    await session.commit()
    await load(session, event_id)
    return status


async def waiting(session: AsyncSession) -> list[Waiting]:
    """Events waiting for HR's approval, soonest first."""
    rows = await session.scalars(
        select(Event).where(Event.status == EventStatus.REVIEW).order_by(Event.starts_at, Event.id)
    )
    return [Waiting(e.id, e.code, e.title, e.organizer, e.starts_at) for e in rows]


async def decide(
    session: AsyncSession, *, event_id: int, approve: bool, reason: str | None, actor: int, now: datetime
) -> EventStatus:
    """HR approves an event under review (PUBLISHED) or sends it back with a reason (DRAFT);
    its maker is told (commits). Refused as `not_in_review` when it no longer waits."""
    event = await load(session, event_id)
    if event is None:
        raise EventChangeError("not_found")
    words = parse_reason(reason or "") if not approve else None
    status = EventStatus.PUBLISHED if approve else EventStatus.DRAFT
    moved = await session.execute(
        update(Event)
        .where(Event.id == event_id, Event.status == EventStatus.REVIEW)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        raise await _refused(session, event_id, "not_in_review")
    outcome = "approved" if approve else "returned"
    if event.created_by is not None:
        chat = await session.scalar(
            select(TelegramAccount.chat_id).where(TelegramAccount.telegram_user_id == event.created_by)
        )
        await outbox.enqueue_many(
            session,
            [
                outbox.NewMessage(
                    chat_id=chat or event.created_by,
                    kind=NotificationKind.EVENT_CHANGE,
                    due_at=now,
                    template="editor_reviewed",
                    context={"outcome": outcome, "title": event.title, "code": event.code, "reason": words},
                    dedupe_key=f"event-review:{event_id}:{outcome}:{now.isoformat()}",
                )
            ],
        )
    audit.record(
        session,
        action=APPROVE_ACTION if approve else RETURN_ACTION,
        actor_telegram_id=actor,
        subject=f"event:{event_id}",
    )
    await session.commit()
    await load(session, event_id)
    return status


async def organizers(session: AsyncSession, *, limit: int = 8) -> list[tuple[int, str]]:
    """The organizers HR can pick with one press (the `organizers` table), by name."""
    rows = await session.execute(select(Organizer.id, Organizer.name).order_by(Organizer.name).limit(limit))
    return [(organizer_id, name) for organizer_id, name in rows.tuples()]


async def organizer_name(session: AsyncSession, *, organizer_id: int) -> str | None:
    """The name of the organizer with this id, or None."""
    name: str | None = await session.scalar(select(Organizer.name).where(Organizer.id == organizer_id))
    return name


async def statuses(session: AsyncSession, *, event_ids: list[int]) -> dict[int, EventStatus]:
    """The status of each of these events (for marking drafts and reviews in lists)."""
    if not event_ids:
        return {}
    rows = await session.execute(select(Event.id, Event.status).where(Event.id.in_(event_ids)))
    return dict(rows.tuples().all())
