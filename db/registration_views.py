"""What the ASN's side of registration reads beyond `db.registration`: per registration,
whether it was rated and whether its event is allocated by priority; and the pending
evaluation comment, kept in `conversation_states` so a restart does not lose it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import conversation
from db.models import Allocation, Event, Registration

FLOW = "evaluation"
STEP_COMMENT = "comment"


@dataclass(frozen=True, slots=True)
class Extras:
    """Facts about one registration the `/pendaftaran` buttons depend on."""

    rated: bool
    priority: bool
    scored: bool


@dataclass(frozen=True, slots=True)
class PendingComment:
    """The rating waiting for an optional comment."""

    registration_id: int
    rating: int


async def extras(session: AsyncSession, *, employee_id: int) -> dict[int, Extras]:
    """registration id → extras, for every registration of the employee (one query)."""
    rows = await session.execute(
        select(Registration.id, Registration.rating, Registration.priority_score, Event.allocation)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.employee_id == employee_id)
    )
    return {
        row.id: Extras(
            rated=row.rating is not None,
            priority=row.allocation is Allocation.PRIORITY,
            scored=row.priority_score is not None,
        )
        for row in rows
    }


async def await_comment(
    session: AsyncSession, *, telegram_user_id: int, registration_id: int, rating: int
) -> None:
    """Remember that the user's next text is the comment for this rating (replaces other flows)."""
    data = {"registration_id": registration_id, "rating": rating}
    await conversation.enter(
        session, telegram_user_id=telegram_user_id, flow=FLOW, step=STEP_COMMENT, data=data
    )
    await session.commit()


async def pending_comment(session: AsyncSession, *, telegram_user_id: int) -> PendingComment | None:
    """The rating awaiting a comment from this user, if any."""
    state = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    if state is None or state.step != STEP_COMMENT:
        return None
    return PendingComment(int(state.data["registration_id"]), int(state.data["rating"]))


async def clear_comment(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Stop waiting for a comment (sent or skipped); other flows' state is left alone."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()
