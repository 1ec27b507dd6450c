"""Approval: HR or the organizer decides a registration pending on an event with
`requires_approval`, and the ASN is told; a rejection carries its reason, one of `REASONS`
(picked with one press) or the approver's own words, kept in `Registration.decision_reason`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, conversation, notify
from db.models import Registration, RegistrationStatus
from db.registration._shared import (
    Status,
    any_registration,
    atomic,
    awaiting_allocation,
    fresh_event,
    lock_event,
    rowcount,
    take_seat,
)
from db.registration.errors import NotPending
from db.registration.waitlist import waitlist_position

#: The rejection reasons an approver picks with one press (labels `admin.reject.<key>`).
REASONS = ("target", "quota", "documents", "schedule")
#: The longest reason an approver may type.
REASON_LIMIT = 300


def reason_parts(stored: str | None) -> tuple[str | None, str | None]:
    """A stored `decision_reason` as (key, own words): a key of `REASONS` with no words, or
    "typed" with the approver's words; (None, None) when no reason was given."""
    if not stored:
        return None, None
    return (stored, None) if stored in REASONS else ("typed", stored)


def _kept(reason: str | None) -> str | None:
    """A rejection's reason as kept: trimmed to `REASON_LIMIT`; None when there is none."""
    return (reason or "").strip()[:REASON_LIMIT] or None


#: What the ASN is told of a decision that left their registration in this status.
_DECIDED: dict[RegistrationStatus, notify.Outcome] = {
    Status.REGISTERED: "approved",
    Status.WAITLISTED: "waitlisted",
    Status.REJECTED: "rejected",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """An approval decision, for telling the ASN."""

    registration_id: int
    employee_id: int
    event_id: int
    status: RegistrationStatus
    waitlist_position: int | None = None


async def decide(
    session: AsyncSession,
    *,
    registration_id: int,
    approve: bool,
    actor_telegram_id: int,
    now: datetime,
    reason: str | None = None,
) -> Decision:
    """HR or the organizer approves (a seat, or the waitlist when full) or rejects a pending
    registration, and the ASN is told; a rejection's `reason` (a key of `REASONS` or the
    approver's words) is kept and told to the ASN, and only its key reaches the audit log."""
    reason = None if approve else _kept(reason)
    registration = await any_registration(session, registration_id)
    event = await fresh_event(session, registration.event_id)
    if registration.status is not Status.PENDING or awaiting_allocation(event):
        raise NotPending(registration.status)
    async with atomic(session):
        event = await lock_event(session, registration.event_id)
        registration = await any_registration(session, registration_id)
        if registration.status is not Status.PENDING or awaiting_allocation(event):
            raise NotPending(registration.status)
        if approve:
            status = Status.REGISTERED if await take_seat(session, event.id) else Status.WAITLISTED
        else:
            status = Status.REJECTED
        await rowcount(
            session,
            update(Registration)
            .where(Registration.id == registration_id, Registration.status == Status.PENDING)
            .values(
                status=status,
                decided_by=actor_telegram_id,
                confirmed_at=now if status is Status.REGISTERED else None,
                queued_at=now if status is Status.WAITLISTED else registration.queued_at,
                decision_reason=reason,
            ),
        )
        registration = await any_registration(session, registration_id)
        position = await waitlist_position(session, registration) if status is Status.WAITLISTED else None
        told = notify.decision(
            registration_id=registration_id,
            employee_id=registration.employee_id,
            event=event,
            outcome=_DECIDED[status],
            now=now,
            position=position,
            reason=reason,
        )
        await notify.tell(session, [told], now=now)
        audit.record(
            session,
            action="registration.approve" if approve else "registration.reject",
            actor_telegram_id=actor_telegram_id,
            subject=f"registration:{registration_id}",
            details={"event_id": event.id, "status": status.value, "reason": reason_parts(reason)[0]},
        )
    return Decision(registration_id, registration.employee_id, event.id, status, position)


#: `conversation_states.flow` while an approver types a rejection's reason.
FLOW = "rejection_reason"
STEP_REASON = "reason"


async def await_reason(session: AsyncSession, *, telegram_user_id: int, registration_id: int) -> None:
    """Remember that the approver's next text is the reason to reject this registration (commits)."""
    await conversation.enter(
        session,
        telegram_user_id=telegram_user_id,
        flow=FLOW,
        step=STEP_REASON,
        data={"registration_id": registration_id},
    )
    await session.commit()


async def awaited_reason(session: AsyncSession, *, telegram_user_id: int) -> int | None:
    """The registration whose rejection reason the approver is typing, if any."""
    step = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    return int(step.data["registration_id"]) if step is not None and "registration_id" in step.data else None


async def stop_reason(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Stop waiting for a rejection reason (commits)."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()
