"""The roster as tests need it: one employee with Kupang defaults (Maria), many at once, and
the units and positions they belong to."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Employee,
    EmploymentStatus,
    Position,
    Unit,
)

MARIA_NIP = "198609262015052001"

#: An NI PPPK: born 15 March 1995, appointed 2023, `21` where a NIP has its TMT month, a woman.
VERONIKA_NI_PPPK = "199503152023212013"


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
    status: EmploymentStatus = EmploymentStatus.PNS,
) -> Employee:
    """An employee on the roster (committed); a PPPK needs an NI PPPK `nip` and a grade `rank`."""
    employee = Employee(
        nip=nip,
        name=name,
        phone=phone,
        position=await named(session, Position, position),
        position_type=position_type,
        unit=await named(session, Unit, unit),
        rank=rank,
        status=status,
    )
    session.add(employee)
    await session.commit()
    return employee


def nip_for(number: int, status: EmploymentStatus = EmploymentStatus.PNS) -> str:
    """A well-formed NIP for the n-th test employee (0–999; born 1990-01-01, started 2015-05),
    or an NI PPPK for a PPPK (appointed 2015, `21` for the month)."""
    middle = "21" if status is EmploymentStatus.PPPK else "05"
    return f"199001012015{middle}{1 + number % 2}{number:03d}"


#: The golongan a factory employee of each status holds.
RANK_OF: dict[EmploymentStatus, str] = {
    EmploymentStatus.PNS: "III/a",
    EmploymentStatus.CPNS: "III/a",
    EmploymentStatus.PPPK: "IX",
}


async def make_employees(
    session: AsyncSession,
    count: int,
    *,
    position: str = DEFAULT_POSITION,
    position_type: str = "Fungsional",
    unit: str = DEFAULT_UNIT,
    first: int = 0,
    status: EmploymentStatus = EmploymentStatus.PNS,
) -> list[Employee]:
    """`count` employees of the same position, unit and status, numbered from `first`
    (committed). A PPPK's NI PPPK never equals a NIP; CPNS and PNS need different `first`."""
    position_id = (await named(session, Position, position)).id
    unit_id = (await named(session, Unit, unit)).id
    employees = [
        Employee(
            nip=nip_for(number, status),
            name=f"ASN Kupang {number:03d}",
            phone=f"62812{number:07d}",
            position_id=position_id,
            position_type=position_type,
            unit_id=unit_id,
            rank=RANK_OF[status],
            status=status,
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
