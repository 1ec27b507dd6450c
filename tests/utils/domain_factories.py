"""Factories for the competency, learning and catalog tests: standards, assessments,
learning records, events and registrations, with Kupang defaults; and a statement counter."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.models import (
    Assessment,
    Competency,
    Employee,
    Event,
    EventKind,
    EventStatus,
    LearningRecord,
    Position,
    PositionStandard,
    Registration,
    RegistrationStatus,
)
from db.regulation import group_of

WITA = ZoneInfo("Asia/Makassar")


def wita(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An office-time instant, as people in Kupang say it."""
    return datetime(year, month, day, hour, minute, tzinfo=WITA)


async def competency(session: AsyncSession, name: str) -> Competency:
    """The competency of that name, created (in its group) when new."""
    found = await session.scalar(select(Competency).where(Competency.name == name))
    if found is None:
        found = Competency(name=name, group=group_of(name))
        session.add(found)
        await session.flush()
    return found


async def position(session: AsyncSession, name: str) -> Position:
    """The position of that name, created when new."""
    found = await session.scalar(select(Position).where(Position.name == name))
    if found is None:
        found = Position(name=name)
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


async def register(
    session: AsyncSession,
    employee: Employee,
    event: Event,
    *,
    status: RegistrationStatus = RegistrationStatus.REGISTERED,
    at: datetime = datetime(2026, 1, 5, 1, 0, tzinfo=UTC),
) -> None:
    """A registration of the employee for the event (committed)."""
    session.add(
        Registration(
            event_id=event.id,
            employee_id=employee.id,
            status=status,
            queued_at=at,
            registered_at=at,
            cancelled_at=at if status is RegistrationStatus.CANCELLED else None,
        )
    )
    await session.commit()


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements the engine sends while the block runs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa_event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(engine.sync_engine, "before_cursor_execute", record)
