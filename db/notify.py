"""Telling an ASN about their own registration: a seat after waiting, an approval or a
rejection, the result of a priority allocation, a removal by HR.

Each notice is an outbox row written in the transaction of the change it reports
(`db.registration` calls `tell` before it commits), so a crash commits both or neither; the
dispatcher renders it in the recipient's language when it sends it.  A notice goes to the
ASN's linked, unblocked chat; an ASN without one gets nothing.  The template's context is
JSON: the event's title, organizer, location and times (ISO text, which the renderer's date
filters read).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import outbox
from db.models import Event, NotificationKind, TelegramAccount

#: What `admin_notice` says happened to the registration.
Outcome = Literal["approved", "waitlisted", "rejected", "removed", "allocated", "allocation_waitlisted"]


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to one ASN about their registration."""

    employee_id: int
    kind: NotificationKind
    template: str
    context: dict[str, Any]
    #: Tells this event apart from a retry of it: a retry adds nothing, a new event does.
    dedupe_key: str


def event_context(event: Event) -> dict[str, str]:
    """What the notice templates show of the event, as JSON."""
    return {
        "title": event.title,
        "organizer": event.organizer,
        "location": event.location,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
    }


def promoted(*, registration_id: int, employee_id: int, event: Event, now: datetime) -> Notice:
    """A waitlisted ASN got a seat at `now` (a waitlist message: the ASN may turn these off)."""
    return Notice(
        employee_id,
        NotificationKind.WAITLIST,
        "reg_promoted",
        {"event": event_context(event)},
        f"promoted:{registration_id}:{now.isoformat()}",
    )


def decision(
    *,
    registration_id: int,
    employee_id: int,
    event: Event,
    outcome: Outcome,
    now: datetime,
    position: int | None = None,
    reason: str | None = None,
) -> Notice:
    """A decision about the registration made at `now`; `position` on the waitlist when placed
    there; `reason` of a rejection as stored (`db.registration.approval.reason_parts` reads it)."""
    return Notice(
        employee_id,
        NotificationKind.REGISTRATION,
        "admin_notice",
        {"outcome": outcome, "event": event_context(event), "position": position, "reason": reason},
        f"registration:{registration_id}:{outcome}:{now.isoformat()}",
    )


async def chats_for_employees(session: AsyncSession, employee_ids: Iterable[int]) -> dict[int, int]:
    """Employee id → chat id of their linked, unblocked Telegram account (one at most each)."""
    wanted = set(employee_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(TelegramAccount.employee_id, TelegramAccount.chat_id).where(
            TelegramAccount.employee_id.in_(wanted), TelegramAccount.blocked_at.is_(None)
        )
    )
    return {employee_id: chat_id for employee_id, chat_id in rows.tuples() if employee_id is not None}


async def tell(session: AsyncSession, notices: Sequence[Notice], *, now: datetime) -> int:
    """Queue the notices for the ASN who have a chat, due at once, without committing; how many
    were added (a notice already queued under its dedupe key is not added again)."""
    chats = await chats_for_employees(session, (notice.employee_id for notice in notices))
    return await outbox.enqueue_many(
        session,
        (
            outbox.NewMessage(
                chat_id=chats[notice.employee_id],
                kind=notice.kind,
                due_at=now,
                template=notice.template,
                context=notice.context,
                dedupe_key=notice.dedupe_key,
            )
            for notice in notices
            if notice.employee_id in chats
        ),
    )


__all__ = ["Notice", "Outcome", "chats_for_employees", "decision", "event_context", "promoted", "tell"]
