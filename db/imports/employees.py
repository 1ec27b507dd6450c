"""Importing the roster: employees by NIP (or NI PPPK), with the positions and units they name
created on the way. One mobile number belongs to one ASN: linking matches the phone Telegram
shares.

The optional `status` column says CPNS, PNS or PPPK; where it is absent or empty the number
decides (an NI PPPK makes a PPPK, a NIP a PNS: CPNS only when stated). Each status is checked by
its own rules: a NIP for PNS and CPNS, an NI PPPK for PPPK, and the golongan of that status
(I/a–IV/e, or the PPPK grades I–XVII).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from db.identity import (
    kind_for,
    normalize_grade,
    normalize_pppk_grade,
    normalize_rank,
    number_kind,
    status_of_number,
)
from db.imports import cells
from db.imports.cells import CellError
from db.imports.contract import RowError
from db.imports.lines import FirstLines, Line, Source
from db.imports.names import Names
from db.imports.writer import Counts, Key, Stored, stored, table_of, upsert
from db.models import Employee, EmploymentStatus, Position, Unit
from db.types import utcnow

_VALUES = ("name", "position_id", "position_type", "unit_id", "rank", "status", "phone", "email")
Parse = Callable[[str], str]
_STATUSES = ", ".join(status.name for status in EmploymentStatus)


class _EmployeeRow(NamedTuple):
    line: int
    nip: str
    name: str
    position: str
    position_type: str
    unit: str
    rank: str
    status: EmploymentStatus | None
    phone: str
    email: str | None


def stated_status(raw: str) -> EmploymentStatus | None:
    """CPNS, PNS or PPPK, however capitalised; None when empty (the number decides)."""
    if not raw.strip():
        return None
    try:
        return EmploymentStatus(raw.strip().casefold())
    except ValueError:
        raise CellError("status_unknown", raw=raw, allowed=_STATUSES) from None


def standing(digits: str, stated: EmploymentStatus | None) -> EmploymentStatus:
    """The status of the holder of a valid number: as stated when the number is of the kind that
    status holds (refused otherwise), else the one the number implies."""
    if stated is None:
        return status_of_number(digits)
    if number_kind(digits) is not kind_for(stated):
        reason = "ni_pppk_is_nip" if stated is EmploymentStatus.PPPK else "nip_is_ni_pppk"
        raise CellError(reason, status=stated.name, start=f"{digits[8:12]}-{digits[12:14]}")
    return stated


@lru_cache(maxsize=128)
def grade(raw: str, status: EmploymentStatus | None) -> str:
    """The golongan of an ASN of that status (any kind while the status is unknown): a PNS
    golongan given for a PPPK, or a PPPK grade for a PNS or CPNS, is refused as such."""
    if not raw.strip():
        raise CellError("required")
    if status is None:
        found = normalize_rank(raw) or normalize_pppk_grade(raw)
    else:
        found = normalize_grade(raw, status)
    if found is not None:
        return found
    if status is EmploymentStatus.PPPK:
        reason = "grade_is_pns_rank" if normalize_rank(raw) else "grade_unknown"
    else:
        reason = "rank_is_pppk_grade" if normalize_pppk_grade(raw) else "rank_unknown"
    raise CellError(reason, raw=raw, status=status.name if status else "")


def _checked(source: Source) -> dict[str, _EmployeeRow]:
    """The file's good rows by NIP; the bad ones are recorded in `source.errors`."""
    # A hot loop (the roster of a province is 100,000 rows): the parsers are locals, and repeated
    # values are parsed once.
    name, place = cells.text(200), cells.memo(cells.text(200))
    position_type = cells.memo(cells.position_type)
    nip, phone, email = cells.nip, cells.phone, cells.email
    rows: dict[str, _EmployeeRow] = {}
    nips = FirstLines("nip", "duplicate_nip")
    for line in source.lines():
        cell = line.values.get
        try:
            # Nearly every row is good: parse it straight, without Line.take's bookkeeping.
            digits = nip(cell("nip", ""))
            status = standing(digits, stated_status(cell("status", "")))
            row = _EmployeeRow(
                line.number,
                digits,
                name(cell("nama", "")),
                place(cell("jabatan", "")),
                position_type(cell("jenis_jabatan", "")),
                place(cell("unit_kerja", "")),
                grade(cell("golongan", ""), status),
                status,
                phone(cell("telepon", "")),
                email(cell("email", "")),
            )
        except CellError:
            row = _each_cell(line, name, place, position_type)
        if row.nip and nips.first(row.nip, line) and line.ok:
            rows[row.nip] = row
    return rows


def _each_cell(line: Line, name: Parse, place: Parse, position_type: Parse) -> _EmployeeRow:
    """A bad row checked again cell by cell, so that every bad cell is reported."""
    digits = line.take("nip", cells.nip, "")
    stated = line.take("status", stated_status, None)
    status = line.take("nip", lambda _: standing(digits, stated), None) if digits else stated
    return _EmployeeRow(
        line.number,
        digits,
        line.take("nama", name, ""),
        line.take("jabatan", place, ""),
        line.take("jenis_jabatan", position_type, ""),
        line.take("unit_kerja", place, ""),
        line.take("golongan", lambda raw: grade(raw, status), ""),
        status,
        line.take("telepon", cells.phone, ""),
        line.take("email", cells.email, None),
    )


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
            "status": row.status,
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
        kept=tuple(column for column in ("email", "status") if not source.has(column)),
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
