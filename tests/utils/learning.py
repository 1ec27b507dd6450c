"""Completed learning activities carrying JP."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Employee,
    Event,
    LearningRecord,
)


async def learned(
    session: AsyncSession,
    employee: Employee,
    title: str,
    *,
    on: date,
    jp: int,
    organizer: str | None = "BPSDM Provinsi NTT",
    event: Event | None = None,
) -> None:
    """A completed learning activity carrying JP (committed)."""
    session.add(
        LearningRecord(
            employee_id=employee.id,
            title=title,
            organizer=organizer,
            completed_on=on,
            jp=jp,
            event_id=event.id if event is not None else None,
        )
    )
    await session.commit()
