"""HR announcements to a chosen audience: who receives it, and putting it in the outbox.

An audience is the AND of its filters (units, position types, ranks, the registrants of an
event, ASN with a gap in a competency, ASN below the JP target this year); an empty
audience is everyone linked. Only linked accounts that have not blocked the bot receive it.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db import audit, outbox
from db.models import (
    Announcement,
    AnnouncementStatus,
    Assessment,
    Competency,
    Employee,
    Event,
    LearningRecord,
    NotificationKind,
    PositionStandard,
    Registration,
    RegistrationStatus,
    TelegramAccount,
    Unit,
)

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who an announcement is for; every filter given must hold."""

    units: tuple[str, ...] = ()
    position_types: tuple[str, ...] = ()
    ranks: tuple[str, ...] = ()
    event_code: str | None = None
    gap_competency: str | None = None
    below_jp: bool = False

    def as_dict(self) -> dict[str, Any]:
        """As stored with the announcement (and in the audit log)."""
        return {
            key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()
        }


def _recipients(audience: Audience, *, year: int, target: int) -> Select[tuple[int]]:
    query = (
        select(TelegramAccount.chat_id)
        .join(Employee, Employee.id == TelegramAccount.employee_id)
        .where(TelegramAccount.blocked_at.is_(None))
    )
    if audience.units:
        query = query.join(Unit, Unit.id == Employee.unit_id).where(
            func.lower(Unit.name).in_([u.casefold() for u in audience.units])
        )
    if audience.position_types:
        query = query.where(
            func.lower(Employee.position_type).in_([t.casefold() for t in audience.position_types])
        )
    if audience.ranks:
        query = query.where(Employee.rank.in_(audience.ranks))
    if audience.event_code is not None:
        query = query.where(
            select(Registration.id)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.employee_id == Employee.id,
                func.lower(Event.code) == audience.event_code.casefold(),
                Registration.status.in_(ACTIVE),
            )
            .exists()
        )
    if audience.gap_competency is not None:
        query = query.where(_has_gap(audience.gap_competency))
    if audience.below_jp:
        earned = (
            select(func.coalesce(func.sum(LearningRecord.jp), 0))
            .where(
                LearningRecord.employee_id == Employee.id,
                LearningRecord.completed_on.between(date(year, 1, 1), date(year, 12, 31)),
            )
            .scalar_subquery()
        )
        query = query.where(earned < target)
    return query.order_by(TelegramAccount.chat_id)


def _has_gap(competency_name: str) -> Any:
    """The employee's latest assessment in the competency is below their position's standard."""
    later = aliased(Assessment)
    latest = (
        select(func.max(later.assessed_on))
        .where(later.employee_id == Assessment.employee_id, later.competency_id == Assessment.competency_id)
        .correlate(Assessment)
        .scalar_subquery()
    )
    return (
        select(Assessment.id)
        .join(Competency, Competency.id == Assessment.competency_id)
        .join(
            PositionStandard,
            and_(
                PositionStandard.competency_id == Competency.id,
                PositionStandard.position_id == Employee.position_id,
            ),
        )
        .where(
            Assessment.employee_id == Employee.id,
            func.lower(Competency.name) == competency_name.casefold(),
            Assessment.assessed_on == latest,
            Assessment.level < PositionStandard.level,
        )
        .exists()
    )


async def count(session: AsyncSession, *, audience: Audience, year: int, target: int) -> int:
    """How many chats would receive an announcement to this audience."""
    query = _recipients(audience, year=year, target=target).order_by(None).subquery()
    return int(await session.scalar(select(func.count()).select_from(query)) or 0)


async def announce(
    session: AsyncSession,
    *,
    text: str,
    audience: Audience,
    due_at: datetime,
    now: datetime,
    year: int,
    target: int,
    created_by: int | None = None,
) -> Announcement:
    """Create the announcement and one outbox row per recipient (commits). `text` is plain
    text written by HR; it is escaped so it reaches every phone exactly as typed."""
    chats = list(await session.scalars(_recipients(audience, year=year, target=target)))
    announcement = Announcement(
        text=text,
        audience=audience.as_dict(),
        recipient_count=len(chats),
        status=AnnouncementStatus.SCHEDULED if due_at > now else AnnouncementStatus.SENDING,
        scheduled_at=due_at,
        created_by=created_by,
    )
    session.add(announcement)
    await session.flush()
    body = html.escape(text, quote=False)
    await outbox.enqueue_many(
        session,
        [
            outbox.NewMessage(
                chat_id=chat_id,
                kind=NotificationKind.ANNOUNCEMENT,
                due_at=due_at,
                text=body,
                announcement_id=announcement.id,
                dedupe_key=f"announcement:{announcement.id}:{chat_id}",
            )
            for chat_id in chats
        ],
    )
    audit.record(
        session,
        action="announcement.created",
        actor_telegram_id=created_by,
        subject=f"announcement:{announcement.id}",
        details={"audience": audience.as_dict(), "recipients": len(chats), "due_at": due_at.isoformat()},
    )
    await session.commit()
    return announcement
