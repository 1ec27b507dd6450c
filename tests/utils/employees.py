"""The roster as tests need it: one employee with Kupang defaults (Maria), many at once, and
the units and positions they belong to."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Employee,
    Position,
    Unit,
)

MARIA_NIP = "198609262015052001"


MARIA_PHONE = "6281234567890"


DEFAULT_POSITION = "Analis Kebijakan Ahli Muda"


DEFAULT_UNIT = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"


Named = TypeVar("Named", Unit, Position)


async def named(session: AsyncSession, model: type[Named], name: str) -> Named:
    """The unit or position of that name, created when new (flushed, not committed)."""
    found = await session.scalar(select(model).where(model.name == name))
    if found is None:
        found = model(name=name)
        session.add(found)
        await session.flush()
    return found


async def position(session: AsyncSession, name: str) -> Position:
    """The position of that name, created when new."""
    return await named(session, Position, name)


async def make_employee(
    session: AsyncSession,
    *,
    nip: str = MARIA_NIP,
    name: str = "Maria Goreti Bria",
    phone: str = MARIA_PHONE,
    position: str = "Analis Kebijakan Ahli Muda",
    position_type: str = "Fungsional",
    unit: str = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    rank: str = "III/c",
) -> Employee:
    """An employee on the roster (committed)."""
    employee = Employee(
        nip=nip,
        name=name,
        phone=phone,
        position=await named(session, Position, position),
        position_type=position_type,
        unit=await named(session, Unit, unit),
        rank=rank,
    )
    session.add(employee)
    await session.commit()
    return employee


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
    position_id = (await named(session, Position, position)).id
    unit_id = (await named(session, Unit, unit)).id
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
    found = (await named(session, Unit, name)).id
    await session.commit()
    return found
