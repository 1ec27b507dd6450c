"""The training-needs analysis: competencies ranked by total gap across the office, with how
many ASN per work unit and per position need each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Subquery, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Competency, Position, Unit
from db.reports.base import latest_gaps


@dataclass(frozen=True, slots=True)
class Need:
    """One competency: ASN below the standard, their gap levels summed, and where they are
    (unit → ASN, position → ASN, most first)."""

    competency: str
    employees: int
    levels: int
    by_unit: list[tuple[str, int]]
    by_position: list[tuple[str, int]]


async def needs_analysis(session: AsyncSession) -> list[Need]:
    """Competencies by total gap levels, most first (three grouped queries)."""
    gaps = latest_gaps()
    totals = (
        await session.execute(
            select(Competency.name, func.count(), func.sum(gaps.c.gap))
            .join(Competency, Competency.id == gaps.c.competency_id)
            .group_by(Competency.name)
        )
    ).tuples()
    by_unit = await _breakdown(session, gaps, Unit, "unit_id")
    by_position = await _breakdown(session, gaps, Position, "position_id")
    needs = [
        Need(name, count, int(levels), by_unit.get(name, []), by_position.get(name, []))
        for name, count, levels in totals
    ]
    return sorted(needs, key=lambda need: (-need.levels, -need.employees, need.competency))


async def _breakdown(
    session: AsyncSession, gaps: Subquery, model: type[Unit] | type[Position], column: str
) -> dict[str, list[tuple[str, int]]]:
    """Per competency: (unit or position name, ASN) most first."""
    rows = (
        await session.execute(
            select(Competency.name, model.name, func.count())
            .select_from(gaps)
            .join(Competency, Competency.id == gaps.c.competency_id)
            .join(model, model.id == gaps.c[column])
            .group_by(Competency.name, model.name)
        )
    ).tuples()
    found: dict[str, list[tuple[str, int]]] = {}
    for competency, where, count in rows:
        found.setdefault(competency, []).append((where, count))
    for entries in found.values():
        entries.sort(key=lambda entry: (-entry[1], entry[0]))
    return found
