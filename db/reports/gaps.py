"""Competency gaps across the office: work units × competencies, how many ASN fall short and by
how many levels in total (the heatmap), and per competency the ASN with the largest gaps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Competency, Employee, Position, Unit
from db.reports.base import latest_gaps


@dataclass(frozen=True, slots=True)
class GapCell:
    """One work unit and competency: ASN below the standard, and their gap levels summed."""

    unit: str
    competency: str
    employees: int
    levels: int


@dataclass(frozen=True, slots=True)
class GapLeader:
    """An ASN among the largest gaps in one competency."""

    competency: str
    nip: str
    name: str
    unit: str
    position: str
    required: int
    assessed: int
    gap: int


@dataclass(frozen=True, slots=True)
class GapReport:
    """Units and competencies with a gap (most levels first), their cells and the leaders."""

    units: list[str]
    competencies: list[str]
    cells: list[GapCell]
    leaders: list[GapLeader]

    def cell(self, unit: str, competency: str) -> GapCell | None:
        """The cell of that unit and competency, None when nobody there falls short in it."""
        return next((c for c in self.cells if c.unit == unit and c.competency == competency), None)


async def gap_report(session: AsyncSession, *, leaders: int = 5) -> GapReport:
    """The matrix (one grouped query) and the `leaders` largest gaps per competency (one query,
    largest gap first, then NIP)."""
    gaps = latest_gaps()
    rows = (
        await session.execute(
            select(Unit.name, Competency.name, func.count(), func.sum(gaps.c.gap))
            .select_from(gaps)
            .join(Unit, Unit.id == gaps.c.unit_id)
            .join(Competency, Competency.id == gaps.c.competency_id)
            .group_by(Unit.name, Competency.name)
        )
    ).tuples()
    cells = [GapCell(unit, competency, count, int(levels)) for unit, competency, count, levels in rows]
    return GapReport(
        units=_by_levels(cells, lambda cell: cell.unit),
        competencies=_by_levels(cells, lambda cell: cell.competency),
        cells=cells,
        leaders=await _leaders(session, leaders),
    )


def _by_levels(cells: list[GapCell], name: Callable[[GapCell], str]) -> list[str]:
    """The names (units or competencies) by total gap levels, most first, then by name."""
    totals: dict[str, int] = {}
    for cell in cells:
        key = name(cell)
        totals[key] = totals.get(key, 0) + cell.levels
    return sorted(totals, key=lambda key: (-totals[key], key))


async def _leaders(session: AsyncSession, limit: int) -> list[GapLeader]:
    gaps = latest_gaps()
    ranked = (
        select(
            gaps,
            func.row_number()
            .over(partition_by=gaps.c.competency_id, order_by=(gaps.c.gap.desc(), Employee.nip))
            .label("place"),
        )
        .join(Employee, Employee.id == gaps.c.employee_id)
        .subquery("ranked")
    )
    rows = (
        await session.execute(
            select(
                Competency.name,
                Employee.nip,
                Employee.name,
                Unit.name,
                Position.name,
                ranked.c.required,
                ranked.c.assessed,
                ranked.c.gap,
            )
            .join(Employee, Employee.id == ranked.c.employee_id)
            .join(Competency, Competency.id == ranked.c.competency_id)
            .join(Unit, Unit.id == Employee.unit_id)
            .join(Position, Position.id == Employee.position_id)
            .where(ranked.c.place <= limit)
            .order_by(Competency.name, ranked.c.place)
        )
    ).tuples()
    return [GapLeader(*row) for row in rows]


async def employees_with_gaps(session: AsyncSession) -> int:
    """How many ASN are below their standard in at least one competency."""
    gaps = latest_gaps()
    return await session.scalar(select(func.count(func.distinct(gaps.c.employee_id)))) or 0
