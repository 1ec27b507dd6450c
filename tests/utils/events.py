"""Events in Kupang, and changing their settings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Event,
    EventKind,
    EventStatus,
)
from tests.utils.competencies import competency
from tests.utils.employees import position


async def make_event(
    session: AsyncSession,
    code: str,
    *,
    starts_at: datetime,
    title: str | None = None,
    kind: EventKind = EventKind.PELATIHAN,
    hours: int = 8,
    jp: int = 8,
    quota: int = 30,
    seats_taken: int = 0,
    deadline: datetime | None = None,
    opens_at: datetime | None = None,
    competencies: Iterable[str] = (),
    positions: Iterable[str] = (),
    position_types: Iterable[str] = (),
    unit_ids: Iterable[int] = (),
    status: EventStatus = EventStatus.PUBLISHED,
    organizer: str = "BPSDM Provinsi NTT",
) -> Event:
    """An event in Kupang; registration closes three days before it starts unless told (committed)."""
    created = Event(
        code=code,
        title=title or f"Pelatihan {code}",
        kind=kind,
        organizer=organizer,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        location="Aula BPSDM, Jl. Polisi Militer, Kupang",
        quota=quota,
        seats_taken=seats_taken,
        registration_opens_at=opens_at,
        registration_deadline=deadline or starts_at - timedelta(days=3),
        jp=jp,
        target_position_types=list(position_types),
        target_unit_ids=list(unit_ids),
        status=status,
        competencies=[await competency(session, name) for name in competencies],
        target_positions=[await position(session, name) for name in positions],
    )
    session.add(created)
    await session.commit()
    return created


async def configure(session: AsyncSession, event: Event, **changes: object) -> Event:
    """Change some of the event's settings (allocation, requires_approval, ends_at…) (committed)."""
    for name, value in changes.items():
        setattr(event, name, value)
    await session.commit()
    return event
