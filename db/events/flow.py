"""What HR sees of an event while changing or cancelling it (`facts`), and what they are
typing for it: a field's new value or a cancellation reason, kept between messages as the
`event_admin` flow of `db.conversation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import conversation
from db.events.proposal import Proposal, fresh
from db.events.saving import ACTIVE
from db.models import EventStatus, Registration

#: The conversation flow (`conversation_states`) of HR typing a new value or a reason.
FLOW = "event_admin"
#: `Typing.field` while HR types a cancellation reason.
REASON = "reason"


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What HR sees of an event while changing or cancelling it."""

    id: int
    code: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    registration_deadline: datetime
    cancelled: bool
    holders: int


@dataclass(frozen=True, slots=True)
class Typing:
    """What HR is typing for an event: a field's new value or a cancellation reason (`REASON`),
    and what was read from it so far (a proposal, or the reason's text)."""

    event_id: int
    field: str
    proposal: Proposal | None = None
    reason_text: str | None = None


async def facts(session: AsyncSession, *, event_id: int) -> EventFacts | None:
    """The event with its count of active registrations, or None if unknown."""
    event = await fresh(session, event_id)
    if event is None:
        return None
    holders = await session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(ACTIVE))
    )
    return EventFacts(
        id=event.id,
        code=event.code,
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=event.location,
        registration_deadline=event.registration_deadline,
        cancelled=event.status is EventStatus.CANCELLED,
        holders=int(holders or 0),
    )


async def await_typing(session: AsyncSession, *, telegram_user_id: int, typing: Typing) -> None:
    """Remember what the user's next text is for (replaces any other flow; commits)."""
    data: dict[str, Any] = {"event_id": typing.event_id, "field": typing.field}
    if typing.proposal is not None:
        data["proposal"] = typing.proposal.as_state()
    if typing.reason_text is not None:
        data["reason_text"] = typing.reason_text
    await conversation.enter(
        session, telegram_user_id=telegram_user_id, flow=FLOW, step=typing.field, data=data
    )
    await session.commit()


async def typing(session: AsyncSession, *, telegram_user_id: int) -> Typing | None:
    """What this user is typing for, if they are in this flow."""
    state = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    if state is None:
        return None
    data = state.data
    proposal = Proposal.from_state(data["proposal"]) if isinstance(data.get("proposal"), dict) else None
    reason_text = data.get("reason_text")
    return Typing(
        int(data["event_id"]),
        str(data["field"]),
        proposal,
        str(reason_text) if reason_text is not None else None,
    )


async def stop_typing(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Leave this flow (saved, cancelled or refused); other flows' state is left alone (commits)."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()
