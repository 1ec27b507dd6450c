"""Importing events by code: times in office time, the competencies and positions they target.

An event already in the bot keeps its seats taken and its registrations; a new quota may not
drop below the seats already taken. Optional columns the file does not have keep their values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.imports import cells
from db.imports.lines import FirstLines, Line, Source
from db.imports.names import Names, known_list
from db.imports.writer import Counts, Key, Stored, chunks, insert_rows, stored, table_of, upsert
from db.models import (
    Allocation,
    Competency,
    Event,
    EventKind,
    EventStatus,
    Position,
    event_competencies,
    event_positions,
)
from db.types import utcnow

_NO_TIME = datetime.min.replace(tzinfo=UTC)
_VALUES = (
    "title",
    "kind",
    "organizer",
    "starts_at",
    "ends_at",
    "location",
    "quota",
    "registration_deadline",
    "jp",
    "description",
    "cost",
)
_OPTIONAL = {"description": "deskripsi", "cost": "biaya"}
# The target lists: file column, link table, its other column, _EventRow's attribute.
_LINKS: tuple[tuple[str, Table, str, str], ...] = (
    ("kompetensi", event_competencies, "competency_id", "competency_ids"),
    ("sasaran_jabatan", event_positions, "position_id", "position_ids"),
)


@dataclass(frozen=True, slots=True)
class _EventRow:
    code: str
    title: str
    kind: EventKind
    organizer: str
    starts_at: datetime
    ends_at: datetime
    location: str
    quota: int
    registration_deadline: datetime
    jp: int
    competency_ids: frozenset[int]
    position_ids: frozenset[int]
    description: str | None
    cost: int | None


async def import_events(session: AsyncSession, source: Source) -> Counts:
    """Upsert events by code, with their target competencies and positions."""
    existing = await stored(session, Event, key=("code",), values=(*_VALUES, "seats_taken"))
    read = await _reader(session, source)
    rows: dict[Key, _EventRow] = {}
    codes = FirstLines("kode", "duplicate_event")
    for line in source.lines():
        row = read(line)
        _check(line, row, existing.get((row.code,)))
        if row.code and codes.first(row.code, line) and line.ok:
            rows[(row.code,)] = row
    source.reject_if_errors()
    return await _write(session, source, rows, existing)


async def _reader(session: AsyncSession, source: Source) -> Callable[[Line], _EventRow]:
    """The check of a line's cells, as an _EventRow (defaults where a cell is bad)."""
    competencies = known_list(await Names.load(session, table_of(Competency)), "competencies_unknown")
    positions = known_list(await Names.load(session, table_of(Position)), "positions_unknown")
    title, place, organizer = cells.text(300), cells.text(300), cells.text(200)
    starts = cells.office_time(source.timezone)
    deadline = cells.office_time(source.timezone, date_means_end_of_day=True)
    description = cells.optional_text(10_000, keep_lines=True)

    def read(line: Line) -> _EventRow:
        return _EventRow(
            code=line.take("kode", cells.code, ""),
            title=line.take("judul", title, ""),
            kind=line.take("jenis", cells.event_kind, EventKind.PELATIHAN),
            organizer=line.take("penyelenggara", organizer, ""),
            starts_at=line.take("mulai", starts, _NO_TIME),
            ends_at=line.take("selesai", starts, _NO_TIME),
            location=line.take("lokasi", place, ""),
            quota=line.take("kuota", cells.QUOTA, 0),
            registration_deadline=line.take("batas_daftar", deadline, _NO_TIME),
            jp=line.take("jp", cells.JP, 0),
            competency_ids=line.take("kompetensi", competencies, frozenset()),
            position_ids=line.take("sasaran_jabatan", positions, frozenset()),
            description=line.take("deskripsi", description, None),
            cost=line.take("biaya", cells.rupiah, None),
        )

    return read


def _check(line: Line, row: _EventRow, current: Stored | None) -> None:
    """The rules across cells: the order of the times, and the seats already taken."""
    if _NO_TIME not in (row.starts_at, row.ends_at) and row.ends_at < row.starts_at:
        line.fail("selesai", "ends_before_start")
    if (
        _NO_TIME not in (row.starts_at, row.registration_deadline)
        and row.registration_deadline > row.starts_at
    ):
        line.fail("batas_daftar", "deadline_after_start")
    if current is not None and line.ok and row.quota < (taken := current.values["seats_taken"]):
        line.fail("kuota", "quota_below_taken", quota=row.quota, taken=taken)


async def _write(
    session: AsyncSession, source: Source, rows: dict[Key, _EventRow], existing: dict[Key, Stored]
) -> Counts:
    links = await _stored_links(session)
    touched = {
        key
        for key, row in rows.items()
        if key in existing and _retargeted(source, row, links, existing[key].id)
    }
    now = utcnow()
    conn = await session.connection()
    counts = await upsert(
        conn,
        Event,
        rows={
            key: {"code": row.code, **{name: getattr(row, name) for name in _VALUES}}
            for key, row in rows.items()
        },
        existing=existing,
        compared=_VALUES,
        kept=[name for name, column in _OPTIONAL.items() if not source.has(column)],
        on_insert={
            "seats_taken": 0,
            "allocation": Allocation.FCFS,
            "requires_approval": False,
            "target_position_types": [],
            "target_unit_ids": [],
            "status": EventStatus.PUBLISHED,
            "created_at": now,
            "updated_at": now,
        },
        on_update={"updated_at": now},
        touched=touched,
    )
    changed = [row for key, row in rows.items() if key not in existing or key in touched]
    await _replace_links(conn, source, changed)
    return counts


def _retargeted(source: Source, row: _EventRow, links: dict[str, dict[int, set[int]]], event_id: int) -> bool:
    """Does the file change the target competencies or positions of this stored event?"""
    return any(
        source.has(column) and getattr(row, attribute) != links[column].get(event_id, set())
        for column, _, _, attribute in _LINKS
    )


async def _stored_links(session: AsyncSession) -> dict[str, dict[int, set[int]]]:
    """The targets of every event: by file column, the ids each event id links to."""
    links: dict[str, dict[int, set[int]]] = {}
    for column, table, other, _ in _LINKS:
        targets = links[column] = {}
        for event_id, other_id in (await session.execute(select(table.c.event_id, table.c[other]))).tuples():
            targets.setdefault(event_id, set()).add(other_id)
    return links


async def _replace_links(conn: AsyncConnection, source: Source, rows: Sequence[_EventRow]) -> None:
    """Set the target competencies and positions of new or changed events (absent columns: kept)."""
    if not rows:
        return
    ids = dict((await conn.execute(select(Event.code, Event.id))).tuples().all())
    for column, table, other, attribute in _LINKS:
        if not source.has(column):
            continue
        event_ids = [ids[row.code] for row in rows]
        for chunk in chunks(event_ids, 1):
            await conn.execute(delete(table).where(table.c.event_id.in_(chunk)))
        pairs = [
            {"event_id": ids[row.code], other: other_id}
            for row in rows
            for other_id in sorted(getattr(row, attribute))
        ]
        await insert_rows(conn, table, pairs)
