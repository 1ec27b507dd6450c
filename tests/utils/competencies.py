"""Competencies, a position's standard and assessment results."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Assessment,
    Competency,
    Employee,
    PositionStandard,
)
from db.regulation import group_of
from tests.utils.employees import position


async def competency(session: AsyncSession, name: str) -> Competency:
    """The competency of that name, created (in its group) when new."""
    found = await session.scalar(select(Competency).where(Competency.name == name))
    if found is None:
        found = Competency(name=name, group=group_of(name))
        session.add(found)
        await session.flush()
    return found


async def set_standard(session: AsyncSession, position_name: str, levels: Mapping[str, int]) -> None:
    """The position's competency standard: competency name → required level (committed)."""
    held = await position(session, position_name)
    for name, level in levels.items():
        required = await competency(session, name)
        session.add(PositionStandard(position_id=held.id, competency_id=required.id, level=level))
    await session.commit()


async def assess(
    session: AsyncSession,
    employee: Employee,
    levels: Mapping[str, int],
    *,
    on: date,
    method: str | None = "Assessment Center",
) -> None:
    """Assessment results of one day: competency name → assessed level (committed)."""
    for name, level in levels.items():
        assessed = await competency(session, name)
        session.add(
            Assessment(
                employee_id=employee.id, competency_id=assessed.id, level=level, assessed_on=on, method=method
            )
        )
    await session.commit()
