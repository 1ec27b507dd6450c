"""The lists an event's competencies and its targets are picked from (position types,
positions, work units, ranks, employment statuses), by the small ids their buttons carry, and
the names a picked set reads as. Empty lists mean everyone.

A picked set is the JSON of `db.events.drafting.snapshot` for `Item.TARGETS` (or
`Item.COMPETENCIES`): ids for rows of a table (positions, units, competencies), the values
themselves for fixed lists (position types, ranks, statuses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.announcements.audience import RANKS
from db.identity import POSITION_TYPES
from db.models import Competency, EmploymentStatus, Position, Unit

#: Pickable lists: the table-backed ones, and the fixed ones with their values.
TABLES: dict[str, Any] = {"competencies": Competency, "positions": Position, "units": Unit}
FIXED: dict[str, tuple[str, ...]] = {
    "position_types": POSITION_TYPES,
    "ranks": RANKS,
    "statuses": tuple(status.value for status in EmploymentStatus),
}


@dataclass(frozen=True, slots=True)
class Option:
    """One value of a list, with the id its button carries and whether it is picked."""

    id: int
    name: str
    picked: bool


def _value(kind: str, option_id: int) -> int | str | None:
    """What a picked set holds for the option: the row id, or the fixed value."""
    if kind in TABLES:
        return option_id
    fixed = FIXED.get(kind)
    if fixed is None:
        raise ValueError(f"unknown list {kind!r}")
    return fixed[option_id] if 0 <= option_id < len(fixed) else None


async def options(session: AsyncSession, *, kind: str, picked: list[Any]) -> list[Option]:
    """Every value of the list, by name, with the picked ones marked."""
    if kind in TABLES:
        model = TABLES[kind]
        rows = await session.execute(select(model.id, model.name).order_by(model.name))
        return [Option(row.id, row.name, row.id in picked) for row in rows]
    return [Option(index, _name(kind, value), value in picked) for index, value in enumerate(FIXED[kind])]


def _name(kind: str, value: str) -> str:
    """A fixed value as people write it (employment statuses in capitals: PNS, PPPK)."""
    return value.upper() if kind == "statuses" else value


async def toggle(session: AsyncSession, *, kind: str, option_id: int, picked: list[Any]) -> list[Any]:
    """The list with the option added, or taken out when it was picked; unknown ids change nothing."""
    value = _value(kind, option_id)
    if value is None:
        return picked
    if kind in TABLES:
        model = TABLES[kind]
        if await session.scalar(select(model.id).where(model.id == option_id)) is None:
            return picked
    chosen = [v for v in picked if v != value] if value in picked else [*picked, value]
    return sorted(chosen, key=str)


async def names(session: AsyncSession, values: dict[str, Any]) -> dict[str, list[str]]:
    """The picked sets of an item's values by name, for screens (`{kind: [name, …]}`)."""
    named: dict[str, list[str]] = {}
    for kind, picked in values.items():
        if kind in TABLES and picked:
            model = TABLES[kind]
            found = await session.scalars(
                select(model.name).where(model.id.in_([int(v) for v in picked])).order_by(model.name)
            )
            named[kind] = list(found)
        elif kind in TABLES or kind in FIXED:
            named[kind] = [_name(kind, str(v)) for v in picked]
    return named


async def shown(session: AsyncSession, item: str, values: dict[str, Any]) -> dict[str, Any]:
    """An item's values as screens show them: picked ids replaced by names."""
    if item not in ("competencies", "targets"):
        return values
    return values | await names(session, values)
