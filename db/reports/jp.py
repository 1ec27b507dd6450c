"""JP compliance for an office year: per work unit, the ASN at or above the target, below it,
and with none at all, and the share at target; the ASN below target with their JP. And the JP
recap per ASN: every learning entry of the year with its date, JP and source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Employee, Event, LearningRecord, Position, Unit
from db.reports.base import jp_per_employee, year_span


@dataclass(frozen=True, slots=True)
class UnitCompliance:
    """One work unit (or the whole office): ASN at ≥ target, below it (some JP), with none."""

    unit: str
    employees: int
    reached: int
    below: int
    none: int

    @property
    def share(self) -> float:
        """The share of the unit's ASN at target, 0–1 (0 for an empty unit)."""
        return self.reached / self.employees if self.employees else 0.0


@dataclass(frozen=True, slots=True)
class BelowTarget:
    """An ASN below the target: their JP this year and what is missing."""

    nip: str
    name: str
    unit: str
    position: str
    jp: int
    missing: int


@dataclass(frozen=True, slots=True)
class JpCompliance:
    """The office's JP compliance for a year."""

    year: int
    target: int
    units: list[UnitCompliance]
    total: UnitCompliance
    below: list[BelowTarget]


async def jp_compliance(session: AsyncSession, *, year: int, target: int) -> JpCompliance:
    """Per work unit (by name) the ASN at ≥ `target` JP in `year`, below it, with none (two queries)."""
    year_jp = jp_per_employee(year)
    jp = func.coalesce(year_jp.c.jp, 0)
    rows = (
        await session.execute(
            select(
                Unit.name,
                func.count(Employee.id),
                func.sum(case((jp >= target, 1), else_=0)),
                func.sum(case((and_(jp > 0, jp < target), 1), else_=0)),
                func.sum(case((jp == 0, 1), else_=0)),
            )
            .select_from(Employee)
            .join(Unit, Unit.id == Employee.unit_id)
            .outerjoin(year_jp, year_jp.c.employee_id == Employee.id)
            .group_by(Unit.name)
            .order_by(Unit.name)
        )
    ).tuples()
    units = [
        UnitCompliance(name, count, reached or 0, below or 0, none or 0)
        for name, count, reached, below, none in rows
    ]
    below_rows = (
        await session.execute(
            select(Employee.nip, Employee.name, Unit.name, Position.name, jp)
            .join(Unit, Unit.id == Employee.unit_id)
            .join(Position, Position.id == Employee.position_id)
            .outerjoin(year_jp, year_jp.c.employee_id == Employee.id)
            .where(jp < target)
            .order_by(Unit.name, jp, Employee.nip)
        )
    ).tuples()
    total = UnitCompliance(
        "",
        sum(u.employees for u in units),
        sum(u.reached for u in units),
        sum(u.below for u in units),
        sum(u.none for u in units),
    )
    return JpCompliance(
        year=year,
        target=target,
        units=units,
        total=total,
        below=[
            BelowTarget(nip, name, unit, position, int(got), target - int(got))
            for nip, name, unit, position, got in below_rows
        ],
    )


@dataclass(frozen=True, slots=True)
class RecapLine:
    """One learning entry of an ASN in the year; an ASN without any has one line with no entry."""

    nip: str
    name: str
    unit: str
    title: str | None
    completed_on: date | None
    jp: int
    event_code: str | None


async def jp_recap(session: AsyncSession, *, year: int) -> list[RecapLine]:
    """Every ASN with each learning entry dated in `year` (one query), by unit, name, date."""
    first, last = year_span(year)
    in_year = LearningRecord.completed_on.between(first, last)
    rows = (
        await session.execute(
            select(
                Employee.nip,
                Employee.name,
                Unit.name,
                LearningRecord.title,
                LearningRecord.completed_on,
                func.coalesce(LearningRecord.jp, 0),
                Event.code,
            )
            .join(Unit, Unit.id == Employee.unit_id)
            .outerjoin(LearningRecord, (LearningRecord.employee_id == Employee.id) & in_year)
            .outerjoin(Event, Event.id == LearningRecord.event_id)
            .order_by(Unit.name, Employee.name, Employee.nip, LearningRecord.completed_on, LearningRecord.id)
        )
    ).tuples()
    return [RecapLine(*row) for row in rows]
