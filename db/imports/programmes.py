"""Importing training programmes HR could commission, by title: the competencies each develops,
its JP, what a batch and a participant cost, seats per batch and how many batches at most. They
are the budget plan's candidates besides upcoming events with a cost (`db.planning`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.imports import cells
from db.imports.lines import FirstLines, Line, Source
from db.imports.names import Names, known_list
from db.imports.writer import Counts, Key, chunks, insert_rows, stored, table_of, upsert
from db.models import Competency, Programme, programme_competencies
from db.types import utcnow

_VALUES = ("jp", "cost_per_batch", "cost_per_participant", "seats_per_batch", "max_batches")
SEATS = cells.integer(1, 10_000)
BATCHES = cells.integer(1, 1_000)


@dataclass(frozen=True, slots=True)
class _ProgrammeRow:
    title: str
    competency_ids: frozenset[int]
    jp: int
    cost_per_batch: int | None
    cost_per_participant: int | None
    seats_per_batch: int
    max_batches: int


async def import_programmes(session: AsyncSession, source: Source) -> Counts:
    """Upsert programmes by title, with the competencies they develop."""
    competencies = known_list(await Names.load(session, table_of(Competency)), "competencies_unknown")
    title = cells.text(300)
    rows: dict[Key, _ProgrammeRow] = {}
    titles = FirstLines("judul", "duplicate_programme")
    for line in source.lines():
        row = _ProgrammeRow(
            title=line.take("judul", title, ""),
            competency_ids=line.take("kompetensi", competencies, frozenset()),
            jp=line.take("jp", cells.JP, 0),
            cost_per_batch=line.take("biaya_per_angkatan", cells.rupiah, None),
            cost_per_participant=line.take("biaya_per_peserta", cells.rupiah, None),
            seats_per_batch=line.take("kursi_per_angkatan", SEATS, 1),
            max_batches=line.take("maks_angkatan", BATCHES, 1),
        )
        _check(line, row)
        if row.title and titles.first(cells.fold(row.title), line) and line.ok:
            rows[(row.title,)] = row
    source.reject_if_errors()
    existing = await stored(session, Programme, key=("title",), values=_VALUES)
    links = await _stored_links(session)
    touched = {
        key
        for key, row in rows.items()
        if key in existing and row.competency_ids != links.get(existing[key].id)
    }
    conn = await session.connection()
    counts = await upsert(
        conn,
        Programme,
        rows={
            key: {"title": row.title, **{name: getattr(row, name) for name in _VALUES}}
            for key, row in rows.items()
        },
        existing=existing,
        compared=_VALUES,
        on_insert={"updated_at": utcnow()},
        on_update={"updated_at": utcnow()},
        touched=touched,
    )
    await _replace_links(conn, [row for key, row in rows.items() if key not in existing or key in touched])
    return counts


def _check(line: Line, row: _ProgrammeRow) -> None:
    """A programme develops at least one competency and states at least one cost."""
    if line.ok and not row.competency_ids:
        line.fail("kompetensi", "required")
    if row.cost_per_batch is None and row.cost_per_participant is None:
        line.fail("biaya_per_peserta", "programme_cost_missing")


async def _stored_links(session: AsyncSession) -> dict[int, frozenset[int]]:
    """The competencies each stored programme develops, by programme id."""
    found: dict[int, set[int]] = {}
    result = await session.execute(
        select(programme_competencies.c.programme_id, programme_competencies.c.competency_id)
    )
    for programme_id, competency_id in result.tuples():
        found.setdefault(programme_id, set()).add(competency_id)
    return {programme_id: frozenset(ids) for programme_id, ids in found.items()}


async def _replace_links(conn: AsyncConnection, rows: Sequence[_ProgrammeRow]) -> None:
    """Set the competencies of new or changed programmes."""
    if not rows:
        return
    ids = dict((await conn.execute(select(Programme.title, Programme.id))).tuples().all())
    programme_ids = [ids[row.title] for row in rows]
    for chunk in chunks(programme_ids, 1):
        await conn.execute(
            delete(programme_competencies).where(programme_competencies.c.programme_id.in_(chunk))
        )
    pairs = [
        {"programme_id": ids[row.title], "competency_id": competency_id}
        for row in rows
        for competency_id in sorted(row.competency_ids)
    ]
    await insert_rows(conn, programme_competencies, pairs)
