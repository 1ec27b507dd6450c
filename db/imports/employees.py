"""Importing the roster: employees by NIP, with the positions and units they name created on
the way. One mobile number belongs to one ASN: linking matches the phone Telegram shares."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import cells
from db.imports.cells import CellError
from db.imports.contract import RowError
from db.imports.lines import FirstLines, Source
from db.imports.names import Names
from db.imports.writer import Counts, Key, Stored, stored, table_of, upsert
from db.models import Employee, Position, Unit
from db.types import utcnow

_VALUES = ("name", "position_id", "position_type", "unit_id", "rank", "phone", "email")


class _EmployeeRow(NamedTuple):
    line: int
    nip: str
    name: str
    position: str
    position_type: str
    unit: str
    rank: str
    phone: str
    email: str | None


def _checked(source: Source) -> dict[str, _EmployeeRow]:
    """The file's good rows by NIP; the bad ones are recorded in `source.errors`."""
    # A hot loop (the roster of a province is 100,000 rows): the parsers are locals, and repeated
    # values are parsed once.
    name, place = cells.text(200), cells.memo(cells.text(200))
    rank, position_type = cells.memo(cells.rank), cells.memo(cells.position_type)
    nip, phone, email = cells.nip, cells.phone, cells.email
    rows: dict[str, _EmployeeRow] = {}
    nips = FirstLines("nip", "duplicate_nip")
    for line in source.lines():
        cell = line.values.get
        try:
            # Nearly every row is good: parse it straight, without Line.take's bookkeeping.
            row = _EmployeeRow(
                line.number,
                nip(cell("nip", "")),
                name(cell("nama", "")),
                place(cell("jabatan", "")),
                position_type(cell("jenis_jabatan", "")),
                place(cell("unit_kerja", "")),
                rank(cell("golongan", "")),
                phone(cell("telepon", "")),
                email(cell("email", "")),
            )
        except CellError:
            # A bad row: check it again cell by cell, so that every bad cell is reported.
            row = _EmployeeRow(
                line.number,
                line.take("nip", nip, ""),
                line.take("nama", name, ""),
                line.take("jabatan", place, ""),
                line.take("jenis_jabatan", position_type, ""),
                line.take("unit_kerja", place, ""),
                line.take("golongan", rank, ""),
                line.take("telepon", phone, ""),
                line.take("email", email, None),
            )
        if row.nip and nips.first(row.nip, line) and line.ok:
            rows[row.nip] = row
    return rows


async def import_employees(session: AsyncSession, source: Source) -> Counts:
    """Upsert the roster by NIP; the positions and units it names are created."""
    existing = await stored(session, Employee, key=("nip",), values=_VALUES)
    rows = _checked(source)
    _check_phones(source, rows, existing)
    source.reject_if_errors()

    conn = await session.connection()
    positions = await Names.load(session, table_of(Position))
    units = await Names.load(session, table_of(Unit))
    position_ids = await positions.ids_for({row.position for row in rows.values()}, conn)
    unit_ids = await units.ids_for({row.unit for row in rows.values()}, conn)
    now = utcnow()
    # updated_at is in every row rather than on_insert: one dict per row, not two.
    wanted = {
        (row.nip,): {
            "nip": row.nip,
            "name": row.name,
            "position_id": position_ids[row.position],
            "position_type": row.position_type,
            "unit_id": unit_ids[row.unit],
            "rank": row.rank,
            "phone": row.phone,
            "email": row.email,
            "updated_at": now,
        }
        for row in rows.values()
    }
    return await upsert(
        conn,
        Employee,
        rows=wanted,
        existing=existing,
        compared=_VALUES,
        kept=() if source.has("email") else ("email",),
        on_update={"updated_at": now},
    )


def _check_phones(source: Source, rows: dict[str, _EmployeeRow], existing: dict[Key, Stored]) -> None:
    """A number given twice in the file, or held by an ASN the file does not change, is refused."""
    holders = {record.values["phone"]: nip for (nip,), record in existing.items() if nip not in rows}
    phone_lines: dict[str, _EmployeeRow] = {}
    for row in rows.values():
        earlier = phone_lines.setdefault(row.phone, row)
        if earlier is not row:
            source.errors.append(
                RowError(row.line, "telepon", "phone_repeated", {"first": earlier.line, "nip": earlier.nip})
            )
        elif (holder := holders.get(row.phone)) is not None:
            source.errors.append(RowError(row.line, "telepon", "phone_taken", {"nip": holder}))
