"""Importing position standards: the level each position needs in each competency, by the pair
(position, competency). Positions and competencies it names are created: HR often sends the
standards before the roster."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import cells
from db.imports.cells import fold
from db.imports.lines import FirstLines, Line, Source
from db.imports.names import Names
from db.imports.writer import Counts, Key, stored, table_of, upsert
from db.models import Competency, CompetencyGroup, Position, PositionStandard


class _Groups:
    """A competency has one group: the stored one, else the first the file gives it."""

    def __init__(self, stored: dict[str, CompetencyGroup]) -> None:
        self.stored = stored
        self.in_file: dict[str, tuple[CompetencyGroup, int]] = {}

    def check(self, line: Line, competency: str, group: CompetencyGroup) -> None:
        key = fold(competency)
        known = self.stored.get(key)
        first_group, first = self.in_file.setdefault(key, (group, line.number))
        if known is not None and known != group:
            line.fail(
                "kelompok", "group_stored", competency=competency, stored=known.value, group=group.value
            )
        elif known is None and first_group != group:
            line.fail(
                "kelompok", "group_in_file", competency=competency, group=first_group.value, first=first
            )


async def import_standards(session: AsyncSession, source: Source) -> Counts:
    """Upsert standards by (position, competency), creating the positions and competencies."""
    positions = await Names.load(session, table_of(Position))
    competencies = await Names.load(session, table_of(Competency))
    result = await session.execute(select(Competency.name, Competency.group))
    groups = _Groups({fold(name): group for name, group in result.tuples()})
    name = cells.text(200)
    rows: list[tuple[str, str, int]] = []
    pairs = FirstLines("kompetensi", "duplicate_standard")
    for line in source.lines():
        position = line.take("jabatan", name, "")
        competency = line.take("kompetensi", name, "")
        group = line.take("kelompok", cells.group, None)
        level = line.take("level", cells.LEVEL, 0)
        if competency and group is not None:
            groups.check(line, competency, group)
        if not (position and competency):
            continue
        if pairs.first((fold(position), fold(competency)), line) and line.ok and group is not None:
            rows.append((position, competency, level))
            positions.want(position)
            competencies.want(competency, group=group)
    source.reject_if_errors()

    conn = await session.connection()
    await positions.create_wanted(conn)
    await competencies.create_wanted(conn)
    wanted: dict[Key, dict[str, Any]] = {}
    for position, competency, level in rows:
        position_id, competency_id = positions.id(position), competencies.id(competency)
        wanted[(position_id, competency_id)] = {
            "position_id": position_id,
            "competency_id": competency_id,
            "level": level,
        }
    key = ("position_id", "competency_id")
    return await upsert(
        conn,
        PositionStandard,
        rows=wanted,
        existing=await stored(session, PositionStandard, key=key, values=("level",)),
        compared=("level",),
    )
