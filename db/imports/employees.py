"""Importing the roster: employees by NIP, with the positions and units they name created on
the way. One mobile number belongs to one ASN: linking matches the phone Telegram shares."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import cells
from db.imports.cells import CellError
from db.imports.contract import RowError
from db.imports.lines import FirstLines, Line, Source
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


class _Checks:
    """The roster's cell checks; repeated values (positions, units, ranks) are parsed once."""

    def __init__(self) -> None:
        self.name, self.place = cells.text(200), cells.memo(cells.text(200))
        self.rank, self.position_type = cells.memo(cells.rank), cells.memo(cells.position_type)

    def row(self, line: Line) -> _EmployeeRow:
        cell = line.values.get
        try:
            # Nearly every row is good: parse it straight, without Line.take's bookkeeping.
            return _EmployeeRow(
                line.number,
                cells.nip(cell("nip", "")),
                self.name(cell("nama", "")),
                self.place(cell("jabatan", "")),
                self.position_type(cell("jenis_jabatan", "")),
                self.place(cell("unit_kerja", "")),
                self.rank(cell("golongan", "")),
                cells.phone(cell("telepon", "")),
                cells.email(cell("email", "")),
            )
        except CellError:
            # A bad row: check it again cell by cell, so that every bad cell is reported.
            return _EmployeeRow(
                line.number,
                line.take("nip", cells.nip, ""),
                line.take("nama", self.name, ""),
                line.take("jabatan", self.place, ""),
                line.take("jenis_jabatan", self.position_type, ""),
                line.take("unit_kerja", self.place, ""),
                line.take("golongan", self.rank, ""),
                line.take("telepon", cells.phone, ""),
                line.take("email", cells.email, None),
            )


async def import_employees(session: AsyncSession, source: Source) -> Counts:
    existing = await stored(session, Employee, key=("nip",), values=_VALUES)
    checks = _Checks()
    rows: dict[str, _EmployeeRow] = {}
    nips = FirstLines("nip", "duplicate_nip")
    for line in source.lines():
        row = checks.row(line)
        if row.nip and nips.first(row.nip, line) and line.ok:
            rows[row.nip] = row
    _check_phones(source, rows, existing)
    source.reject_if_errors()

    conn = await session.connection()
    positions = await Names.load(session, table_of(Position))
    units = await Names.load(session, table_of(Unit))
    position_ids = await positions.ids_for({row.position for row in rows.values()}, conn)
    unit_ids = await units.ids_for({row.unit for row in rows.values()}, conn)
    now = utcnow()
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
        on_insert={"updated_at": now},
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
            source.errors.append(RowError(row.line, "telepon", "phone_taken", {"nip": str(holder)}))
