"""An organizer (or HR) writes to one event's registrants: the text typed, a preview with how
many it reaches, then an announcement to the audience "the registrants of this event" that
goes through the outbox like any other, at the broadcast rate.

Never to anyone else: the event must be within the writer's scope (`db.admin.Scope`: HR any
event, an organizer only its own) at the first press, when the text is typed and again when it
is sent; the draft is the writer's own. At most `PER_DAY` messages a day per event and writer.
Each refusal is audited.

The typed step is kept through `db.conversation` under the flow `FLOW`, with the event's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, conversation
from db.admin import Scope
from db.announcements.audience import Audience, audience_from, count
from db.announcements.drafts import create_draft, find_draft
from db.announcements.launch import send_draft
from db.models import Announcement, AnnouncementStatus, Event, EventStatus

FLOW = "registrants_message"
STEP_TEXT = "text"
#: How many messages a writer may send to one event's registrants in `WINDOW`.
PER_DAY = 3
WINDOW = timedelta(days=1)


class MessageRefused(Exception):
    """The caller may not write to these registrants now; `reason` names why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Ready:
    """A draft to the registrants, with how many linked registrants it reaches now."""

    announcement: Announcement
    event_id: int
    code: str
    title: str
    reached: int


async def _own_event(session: AsyncSession, scope: Scope, event_id: int, *, action: str) -> Event:
    """The event when within the caller's scope and not cancelled; otherwise `MessageRefused`
    (audited, committed)."""
    event = await session.scalar(
        select(Event)
        .where(Event.id == event_id, scope.event_filter())
        .execution_options(populate_existing=True)
    )
    reason = None
    if event is None:
        reason = "not_found"
    elif event.status is EventStatus.CANCELLED:
        reason = "cancelled"
    if reason is None and event is not None:
        return event
    await refuse(session, scope=scope, event_id=event_id, action=action, reason=reason or "not_found")
    raise MessageRefused(reason or "not_found")


async def refuse(session: AsyncSession, *, scope: Scope, event_id: int, action: str, reason: str) -> None:
    """Audit a refused step of writing to an event's registrants (commits)."""
    audit.record(
        session,
        action="registrants_message.refused",
        actor_telegram_id=scope.telegram_user_id,
        subject=f"event:{event_id}",
        details={"step": action, "reason": reason},
    )
    await session.commit()


async def start(session: AsyncSession, *, scope: Scope, telegram_user_id: int, event_id: int) -> Event:
    """Wait for the text to this event's registrants (commits); `MessageRefused` otherwise."""
    event = await _own_event(session, scope, event_id, action="start")
    await conversation.enter(
        session, telegram_user_id=telegram_user_id, flow=FLOW, step=STEP_TEXT, data={"event_id": event.id}
    )
    await session.commit()
    return event


async def awaited_event(session: AsyncSession, *, telegram_user_id: int) -> int | None:
    """The event whose registrants the caller's next text is for, if any."""
    step = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    return int(step.data["event_id"]) if step is not None and "event_id" in step.data else None


async def compose(
    session: AsyncSession,
    *,
    scope: Scope,
    telegram_user_id: int,
    event_id: int,
    text: str,
    year: int,
    target: int,
) -> Ready:
    """The typed text as the caller's draft to the event's registrants, and how many it reaches
    (commits); `MessageRefused` when the event is not theirs, `TextTooLong` when too long."""
    event = await _own_event(session, scope, event_id, action="compose")
    audience = Audience(event_code=event.code)
    draft = await create_draft(session, text=text, created_by=telegram_user_id, audience=audience)
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()
    reached = await count(session, audience=audience, year=year, target=target)
    return Ready(draft, event.id, event.code, event.title, reached)


async def stop(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Stop waiting for the text (commits)."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()


async def send(
    session: AsyncSession,
    *,
    scope: Scope,
    telegram_user_id: int,
    draft_id: int,
    now: datetime,
    year: int,
    target: int,
) -> Announcement | None:
    """Send the caller's draft to the registrants of its event (commits); None when it is not
    their draft any more (sent already, or discarded); `MessageRefused` when the event is no
    longer theirs or they wrote `PER_DAY` messages to it today."""
    draft = await find_draft(session, announcement_id=draft_id, created_by=telegram_user_id)
    code = audience_from(draft.audience).event_code if draft is not None else None
    if draft is None or code is None:
        return None
    event_id = await session.scalar(select(Event.id).where(func.lower(Event.code) == code.casefold()))
    event = await _own_event(session, scope, event_id or 0, action="send")
    if await _sent_today(session, telegram_user_id, event.code, now) >= PER_DAY:
        await refuse(session, scope=scope, event_id=event.id, action="send", reason="too_many")
        raise MessageRefused("too_many")
    return await send_draft(
        session,
        announcement_id=draft_id,
        created_by=telegram_user_id,
        due_at=now,
        now=now,
        year=year,
        target=target,
    )


async def _sent_today(session: AsyncSession, telegram_user_id: int, code: str, now: datetime) -> int:
    """How many messages the caller sent to this event's registrants within `WINDOW`."""
    sent = await session.scalars(
        select(Announcement.audience).where(
            Announcement.created_by == telegram_user_id,
            Announcement.status != AnnouncementStatus.DRAFT,
            Announcement.scheduled_at > now - WINDOW,
        )
    )
    return sum(1 for stored in sent if (audience_from(stored).event_code or "").casefold() == code.casefold())
