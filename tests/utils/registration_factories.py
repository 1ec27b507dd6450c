"""Factories for the registration tests: many employees at once, events set up for a
kind of allocation, and quick looks at seats and queues."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Employee, Event, Position, Registration, RegistrationStatus, Unit

DEFAULT_POSITION = "Analis Kebijakan Ahli Muda"
DEFAULT_UNIT = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"


async def _named(session: AsyncSession, model: type[Position] | type[Unit], name: str) -> int:
    found = await session.scalar(select(model.id).where(model.name == name))
    if found is not None:
        return found
    row = model(name=name)
    session.add(row)
    await session.flush()
    return row.id


def nip_for(number: int) -> str:
    """A well-formed NIP for the n-th test employee (0–999; born 1990-01-01, started 2015-05)."""
    return f"19900101201505{1 + number % 2}{number:03d}"


async def make_employees(
    session: AsyncSession,
    count: int,
    *,
    position: str = DEFAULT_POSITION,
    position_type: str = "Fungsional",
    unit: str = DEFAULT_UNIT,
    first: int = 0,
) -> list[Employee]:
    """`count` employees of the same position and unit, numbered from `first` (committed)."""
    position_id = await _named(session, Position, position)
    unit_id = await _named(session, Unit, unit)
    employees = [
        Employee(
            nip=nip_for(number),
            name=f"ASN Kupang {number:03d}",
            phone=f"62812{number:07d}",
            position_id=position_id,
            position_type=position_type,
            unit_id=unit_id,
            rank="III/a",
        )
        for number in range(first, first + count)
    ]
    session.add_all(employees)
    await session.commit()
    return employees


async def unit_id(session: AsyncSession, name: str) -> int:
    """The id of the unit of that name, created when new (committed)."""
    found = await _named(session, Unit, name)
    await session.commit()
    return found


async def seats_taken(session: AsyncSession, event_id: int) -> int:
    """The event's seat counter, as the database has it now."""
    found = await session.scalar(
        select(Event.seats_taken).where(Event.id == event_id).execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def statuses(session: AsyncSession, event_id: int) -> dict[int, RegistrationStatus]:
    """employee id → status of every registration for the event."""
    rows = await session.execute(
        select(Registration.employee_id, Registration.status).where(Registration.event_id == event_id)
    )
    return {employee_id: status for employee_id, status in rows.all()}


async def waitlist(session: AsyncSession, event_id: int) -> list[int]:
    """Employee ids on the event's waitlist, in queue order (queued_at, then id)."""
    return list(
        await session.scalars(
            select(Registration.employee_id)
            .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.queued_at, Registration.id)
        )
    )


async def configure(session: AsyncSession, event: Event, **changes: object) -> Event:
    """Change some of the event's settings (allocation, requires_approval, ends_at…) (committed)."""
    for name, value in changes.items():
        setattr(event, name, value)
    await session.commit()
    return event
