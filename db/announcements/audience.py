"""Who an announcement is for: the audience's filters, as stored with the announcement, and
the chats they select.

An audience is the AND of its filters (units, position types, ranks, the registrants of an
event, ASN with a gap in a competency, ASN below the JP target this year); an empty
audience is everyone linked. Only linked accounts that have not blocked the bot receive it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.competency import has_gap
from db.events import ACTIVE
from db.identity import RANK_NAMES
from db.models import (
    Assessment,
    Competency,
    Employee,
    Event,
    LearningRecord,
    Registration,
    TelegramAccount,
    Unit,
)

RANKS: tuple[str, ...] = tuple(RANK_NAMES)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who an announcement is for; every filter given must hold."""

    units: tuple[str, ...] = ()
    position_types: tuple[str, ...] = ()
    ranks: tuple[str, ...] = ()
    event_code: str | None = None
    gap_competency: str | None = None
    below_jp: bool = False
    #: named people (the participants a budget plan chose), by employee id
    employees: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """As stored with the announcement (and in the audit log)."""
        return {
            key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()
        }


def audience_from(stored: dict[str, Any]) -> Audience:
    """The audience as stored with an announcement (its `as_dict`)."""
    return Audience(
        units=tuple(stored.get("units") or ()),
        position_types=tuple(stored.get("position_types") or ()),
        ranks=tuple(stored.get("ranks") or ()),
        event_code=stored.get("event_code"),
        gap_competency=stored.get("gap_competency"),
        below_jp=bool(stored.get("below_jp", False)),
        employees=tuple(int(employee_id) for employee_id in stored.get("employees") or ()),
    )


def recipients(audience: Audience, *, year: int, target: int) -> Select[tuple[int]]:
    """The chat ids in the audience, in chat order; `year` and `target` judge `below_jp`."""
    query = (
        select(TelegramAccount.chat_id)
        .join(Employee, Employee.id == TelegramAccount.employee_id)
        .where(TelegramAccount.blocked_at.is_(None))
    )
    return matching(query, audience, year=year, target=target).order_by(TelegramAccount.chat_id)


def matching(query: Select[tuple[int]], audience: Audience, *, year: int, target: int) -> Select[tuple[int]]:
    """`query` (over `Employee`) narrowed to the audience's employees, linked or not."""
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
    if audience.employees:
        query = query.where(Employee.id.in_(audience.employees))
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
        named = select(Competency.id).where(func.lower(Competency.name) == audience.gap_competency.casefold())
        query = query.where(has_gap(Assessment.competency_id.in_(named)))
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
    return query


async def count(session: AsyncSession, *, audience: Audience, year: int, target: int) -> int:
    """How many chats would receive an announcement to this audience."""
    query = recipients(audience, year=year, target=target).order_by(None).subquery()
    return int(await session.scalar(select(func.count()).select_from(query)) or 0)
