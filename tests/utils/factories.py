"""Factories for the rows tests need, with sensible Kupang defaults."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Employee, Position, Unit

MARIA_NIP = "198609262015052001"
MARIA_PHONE = "6281234567890"


Named = TypeVar("Named", Unit, Position)


async def _named(session: AsyncSession, model: type[Named], name: str) -> Named:
    found = await session.scalar(select(model).where(model.name == name))
    if found is None:
        found = model(name=name)
        session.add(found)
        await session.flush()
    return found


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
        position=await _named(session, Position, position),
        position_type=position_type,
        unit=await _named(session, Unit, unit),
        rank=rank,
    )
    session.add(employee)
    await session.commit()
    return employee
