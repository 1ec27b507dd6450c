"""Importing events by code: times in office time, the competencies they develop, how seats are
given (first come, or by priority at the deadline), whether registrations need approval, and who
may register (positions, position types, work units, ranks and PPPK grades, employment statuses).

An event already in the bot keeps its seats taken and its registrations; a new quota may not
drop below the seats already taken, and once ASN have registered, how seats are given and the
approval stay as they are. Optional columns the file does not have keep their values. An event
on a Sunday or a national holiday is imported, with a warning (`Source.day_off`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db import organizer_settings
from db.calendar_days import day_off
from db.imports import cells, event_cells
from db.imports.contract import DayOff
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
    Registration,
    RegistrationStatus,
    Unit,
    event_competencies,
    event_positions,
)
from db.types import utcnow

_NO_TIME = datetime.min.replace(tzinfo=UTC)
_NONE: frozenset[int] = frozenset()
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
    "online_url",
    "registration_opens_at",
    "allocation",
    "requires_approval",
    "target_position_types",
    "target_unit_ids",
    "target_ranks",
    "target_statuses",
)
#: The optional columns stored on the event itself: attribute → file column. A file without the
#: column keeps the stored value.
_OPTIONAL = {
    "description": "deskripsi",
    "cost": "biaya",
    "online_url": "tautan",
    "registration_opens_at": "mulai_daftar",
    "allocation": "pembagian_kursi",
    "requires_approval": "persetujuan",
    "target_position_types": "sasaran_jenis_jabatan",
    "target_unit_ids": "sasaran_unit_kerja",
    "target_ranks": "sasaran_golongan",
    "target_statuses": "sasaran_status",
}
# The target lists: file column, link table, its other column, _EventRow's attribute.
_LINKS: tuple[tuple[str, Table, str, str], ...] = (
    ("kompetensi", event_competencies, "competency_id", "competency_ids"),
    ("sasaran_jabatan", event_positions, "position_id", "position_ids"),
)
#: The days of an event looked at for Sundays and holidays (a year-long programme: its first year).
_LONGEST_SPAN = 366
#: Registrations that bind an event to how it gives seats: everything but cancelled and rejected.
_LIVE = (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)


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
    online_url: str | None
    registration_opens_at: datetime | None
    allocation: Allocation
    requires_approval: bool
    target_position_types: list[str]
    target_unit_ids: list[int]
    target_ranks: list[str]
    target_statuses: list[str]


async def import_events(session: AsyncSession, source: Source) -> Counts:
    """Upsert events by code, with how they give seats, their approval, and whom they target."""
    existing = await stored(session, Event, key=("code",), values=(*_VALUES, "seats_taken"))
    registrants = await _registrants(session)
    read = await _reader(session, source)
    rows: dict[Key, _EventRow] = {}
    codes = FirstLines("kode", "duplicate_event")
    for line in source.lines():
        row = read(line)
        current = existing.get((row.code,))
        _check(line, row, current)
        _check_rules(source, line, row, current, registrants.get(current.id, 0) if current else 0)
        if row.code and codes.first(row.code, line) and line.ok:
            rows[(row.code,)] = row
            source.days_off.extend(_days_off(line.number, row, source.timezone))
    source.reject_if_errors()
    return await _write(session, source, rows, existing)


def _days_off(line: int, row: _EventRow, timezone: ZoneInfo) -> list[DayOff]:
    """The Sundays and national holidays the event's days fall on (office time)."""
    first, last = (moment.astimezone(timezone).date() for moment in (row.starts_at, row.ends_at))
    span = min((last - first).days, _LONGEST_SPAN)
    days = (first + timedelta(days=offset) for offset in range(span + 1))
    return [DayOff(line, row.code, day) for day in days if day_off(day)]


async def _reader(session: AsyncSession, source: Source) -> Callable[[Line], _EventRow]:
    """The check of a line's cells, as an _EventRow (defaults where a cell is bad)."""
    competencies = known_list(await Names.load(session, table_of(Competency)), "competencies_unknown")
    positions = known_list(await Names.load(session, table_of(Position)), "positions_unknown")
    units = known_list(await Names.load(session, table_of(Unit)), "units_unknown")
    title, place, organizer = cells.text(300), cells.text(300), cells.text(200)
    starts = cells.office_time(source.timezone)
    deadline = cells.office_time(source.timezone, date_alone=time(23, 59))
    opens = cells.office_time(source.timezone, date_alone=time(0, 0))
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
            online_url=line.take("tautan", event_cells.online_url, None),
            registration_opens_at=line.take("mulai_daftar", _optional(opens), None),
            allocation=line.take("pembagian_kursi", event_cells.allocation, Allocation.FCFS),
            requires_approval=line.take("persetujuan", event_cells.yes_no, False),
            target_position_types=line.take("sasaran_jenis_jabatan", event_cells.position_types, []),
            target_unit_ids=sorted(line.take("sasaran_unit_kerja", units, _NONE)),
            target_ranks=line.take("sasaran_golongan", event_cells.ranks, []),
            target_statuses=line.take("sasaran_status", event_cells.statuses, []),
        )

    return read


def _optional(parse: Callable[[str], datetime]) -> Callable[[str], datetime | None]:
    """`parse`, with an empty cell meaning no value."""

    def parse_optional(raw: str) -> datetime | None:
        return parse(raw) if raw.strip() else None

    return parse_optional


def _check(line: Line, row: _EventRow, current: Stored | None) -> None:
    """The rules across cells: the order of the times, and the seats already taken."""
    if _NO_TIME not in (row.starts_at, row.ends_at) and row.ends_at < row.starts_at:
        line.fail("selesai", "ends_before_start")
    if (
        _NO_TIME not in (row.starts_at, row.registration_deadline)
        and row.registration_deadline > row.starts_at
    ):
        line.fail("batas_daftar", "deadline_after_start")
    opens = row.registration_opens_at
    if opens is not None and row.registration_deadline != _NO_TIME and opens >= row.registration_deadline:
        line.fail("mulai_daftar", "opening_after_deadline")
    if current is not None and line.ok and row.quota < (taken := current.values["seats_taken"]):
        line.fail("kuota", "quota_below_taken", quota=row.quota, taken=taken)


def _check_rules(source: Source, line: Line, row: _EventRow, current: Stored | None, taken: int) -> None:
    """How seats are given and whether registrations need approval, as the event will have them
    (a column the file does not have keeps the stored value): a priority event never asks for
    approval (the allocation is the decision), and neither changes once ASN have registered."""
    before = current.values if current is not None else {}
    after = {
        attribute: before[attribute] if before and not source.has(_OPTIONAL[attribute]) else written
        for attribute, written in (
            ("allocation", row.allocation),
            ("requires_approval", row.requires_approval),
        )
    }
    if after["allocation"] == Allocation.PRIORITY and after["requires_approval"]:
        line.fail("persetujuan", "priority_with_approval")
        return
    for attribute in after if taken else ():
        if after[attribute] != before[attribute]:
            line.fail(_OPTIONAL[attribute], "rules_locked", count=taken)


async def _registrants(session: AsyncSession) -> dict[int, int]:
    """How many live registrations each event has, by event id."""
    result = await session.execute(
        select(Registration.event_id, func.count())
        .where(Registration.status.not_in(_LIVE))
        .group_by(Registration.event_id)
    )
    return dict(result.tuples().all())


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
            "status": EventStatus.PUBLISHED,
            "created_at": now,
            "updated_at": now,
        },
        on_update={"updated_at": now},
        touched=touched,
    )
    changed = [row for key, row in rows.items() if key not in existing or key in touched]
    await _replace_links(conn, source, changed)
    await organizer_settings.remember(session, (row.organizer for row in rows.values()))
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
