"""The audience picker: the values each filter can take, from the data, by the small ids
their buttons carry, and a draft's audience with one value pressed on or off.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.announcements.audience import RANKS, Audience
from db.identity import POSITION_TYPES
from db.models import Competency, Employee, Event, Unit


@dataclass(frozen=True, slots=True)
class Option:
    """One value an audience filter can take, with the id its button carries."""

    id: int
    name: str


async def options(session: AsyncSession, *, kind: str) -> list[Option]:
    """What an audience filter can be set to, from the data: `units`, `position_types` and
    `ranks` that some employee has, `events` (newest first) and `competencies`. The id of a
    position type or rank is its index in the fixed list (`POSITION_TYPES`, `RANKS`)."""
    if kind == "units":
        rows = await session.execute(select(Unit.id, Unit.name).order_by(Unit.name))
        return [Option(r.id, r.name) for r in rows]
    if kind == "events":
        rows = await session.execute(
            select(Event.id, Event.code, Event.title).order_by(Event.starts_at.desc(), Event.id.desc())
        )
        return [Option(r.id, f"{r.code} — {r.title}") for r in rows]
    if kind == "competencies":
        rows = await session.execute(select(Competency.id, Competency.name).order_by(Competency.name))
        return [Option(r.id, r.name) for r in rows]
    if kind == "position_types":
        present = set(await session.scalars(select(Employee.position_type).distinct()))
        return [Option(i, name) for i, name in enumerate(POSITION_TYPES) if name in present]
    if kind == "ranks":
        present = set(await session.scalars(select(Employee.rank).distinct()))
        return [Option(i, name) for i, name in enumerate(RANKS) if name in present]
    raise ValueError(f"unknown audience option {kind!r}")


async def option_name(session: AsyncSession, *, kind: str, option_id: int) -> str | None:
    """The value behind an option's id (a unit's name, an event's code…), None if unknown."""
    name: str | None = None
    if kind == "units":
        name = await session.scalar(select(Unit.name).where(Unit.id == option_id))
    elif kind == "events":
        name = await session.scalar(select(Event.code).where(Event.id == option_id))
    elif kind == "competencies":
        name = await session.scalar(select(Competency.name).where(Competency.id == option_id))
    else:
        fixed = {"position_types": POSITION_TYPES, "ranks": RANKS}.get(kind)
        if fixed is None:
            raise ValueError(f"unknown audience option {kind!r}")
        name = fixed[option_id] if 0 <= option_id < len(fixed) else None
    return name


def toggle(audience: Audience, *, kind: str, value: str) -> Audience:
    """The audience with `value` added to or removed from a filter; events and competencies
    hold one value, which pressing again clears."""
    if kind == "events":
        same = (audience.event_code or "").casefold() == value.casefold()
        return replace(audience, event_code=None if same else value)
    if kind == "competencies":
        same = (audience.gap_competency or "").casefold() == value.casefold()
        return replace(audience, gap_competency=None if same else value)

    def flip(current: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v for v in current if v != value) if value in current else (*current, value)

    if kind == "units":
        return replace(audience, units=flip(audience.units))
    if kind == "position_types":
        return replace(audience, position_types=flip(audience.position_types))
    if kind == "ranks":
        return replace(audience, ranks=flip(audience.ranks))
    raise ValueError(f"unknown audience option {kind!r}")
