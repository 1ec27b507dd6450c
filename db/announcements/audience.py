"""Who an announcement is for: the audience's filters, as stored with the announcement, and
the chats they select.

An audience is the AND of its filters (units, position types, ranks, the registrants of an
event, the ASN an event targets, ASN with a gap in a competency, ASN below the JP target this
year); an empty audience is everyone linked. Only linked accounts that have not blocked the
bot receive it.

"The ASN an event targets" reads the event's targeting when the audience is evaluated (`count`,
and when the announcement goes out): its position types, positions, work units, ranks and
employment statuses, each when set (empty = everyone), as registration checks them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from db.competency import has_gap
from db.events import ACTIVE
from db.identity import RANK_NAMES
from db.models import (
    Assessment,
    Competency,
    Employee,
    EmploymentStatus,
    Event,
    LearningRecord,
    Registration,
    TelegramAccount,
    Unit,
    event_positions,
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
    #: the ASN this event (by code) targets: its announcement to them (`db.announcements.event`)
    event_targets: str | None = None

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
        event_targets=stored.get("event_targets"),
    )


@dataclass(frozen=True, slots=True)
class Targeting:
    """Who an event is for, as read from it; an empty field is everyone, `found` False when
    the event is not there (then nobody is)."""

    found: bool = True
    position_types: tuple[str, ...] = ()
    position_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    ranks: tuple[str, ...] = ()
    statuses: tuple[EmploymentStatus, ...] = ()

    def condition(self) -> ColumnElement[bool]:
        """The SQL condition on `Employee` for the ASN the event targets."""
        if not self.found:
            return false()
        parts: list[ColumnElement[bool]] = [true()]
        if self.position_types:
            parts.append(func.lower(Employee.position_type).in_([t.casefold() for t in self.position_types]))
        if self.position_ids:
            parts.append(Employee.position_id.in_(self.position_ids))
        if self.unit_ids:
            parts.append(Employee.unit_id.in_(self.unit_ids))
        if self.ranks:
            parts.append(Employee.rank.in_(self.ranks))
        if self.statuses:
            parts.append(Employee.status.in_(self.statuses))
        return and_(*parts)


async def targeting(session: AsyncSession, *, event_code: str) -> Targeting:
    """The targeting of the event with this code (case-insensitive), read now."""
    event = await session.scalar(select(Event).where(func.lower(Event.code) == event_code.casefold()))
    if event is None:
        return Targeting(found=False)
    positions = await session.scalars(
        select(event_positions.c.position_id).where(event_positions.c.event_id == event.id)
    )
    return Targeting(
        position_types=tuple(str(t) for t in event.target_position_types or []),
        position_ids=tuple(positions),
        unit_ids=tuple(int(u) for u in event.target_unit_ids or []),
        ranks=tuple(str(r) for r in event.target_ranks or []),
        statuses=tuple(
            EmploymentStatus(str(s).casefold())
            for s in event.target_statuses or []
            if str(s).casefold() in set(EmploymentStatus)
        ),
    )


async def resolved(session: AsyncSession, audience: Audience) -> Targeting | None:
    """The targeting an audience needs read from the data (None when it names no event's targets)."""
    if audience.event_targets is None:
        return None
    return await targeting(session, event_code=audience.event_targets)


def recipients(
    audience: Audience, *, year: int, target: int, targets: Targeting | None = None
) -> Select[tuple[int]]:
    """The chat ids in the audience, in chat order; `year` and `target` judge `below_jp`, and
    `targets` (`resolved`) is the targeting of the event the audience names, if any."""
    query = (
        select(TelegramAccount.chat_id)
        .join(Employee, Employee.id == TelegramAccount.employee_id)
        .where(TelegramAccount.blocked_at.is_(None))
    )
    return matching(query, audience, year=year, target=target, targets=targets).order_by(
        TelegramAccount.chat_id
    )


def matching(
    query: Select[tuple[int]],
    audience: Audience,
    *,
    year: int,
    target: int,
    targets: Targeting | None = None,
) -> Select[tuple[int]]:
    """`query` (over `Employee`) narrowed to the audience's employees, linked or not; `targets`
    as in `recipients`."""
    if audience.event_targets is not None:
        query = query.where((targets or Targeting(found=False)).condition())
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
    targets = await resolved(session, audience)
    query = recipients(audience, year=year, target=target, targets=targets).order_by(None).subquery()
    return int(await session.scalar(select(func.count()).select_from(query)) or 0)


async def unlinked(session: AsyncSession, *, event_code: str) -> int:
    """How many ASN the event targets have no linked account yet (they cannot be told)."""
    linked = (
        select(TelegramAccount.telegram_user_id).where(TelegramAccount.employee_id == Employee.id).exists()
    )
    condition = (await targeting(session, event_code=event_code)).condition()
    return int(
        await session.scalar(select(func.count()).select_from(Employee).where(condition, ~linked)) or 0
    )
