"""Importing HR's files: the roster, position standards, assessment results, JP history and
events, from `.csv` or `.xlsx` (the column contract is in DESIGN.md, "Import files").

An import is all or nothing. The existing keys are loaded once per table, every row is checked
in memory, and only a file without a single bad row is written — with Core bulk INSERTs and
executemany UPDATEs in one transaction, upserting by natural key, so importing the same file
twice changes nothing. Error reasons are in Indonesian: they reach HR officers through the CLI.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.styles.numbers import is_datetime
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.identity import POSITION_TYPES, nip_digits, normalize_phone, normalize_position_type, normalize_rank
from db.models import (
    Allocation,
    Assessment,
    Base,
    Competency,
    CompetencyGroup,
    Employee,
    Event,
    EventKind,
    EventStatus,
    LearningRecord,
    Position,
    PositionStandard,
    Unit,
    event_competencies,
    event_positions,
)
from db.types import utcnow

T = TypeVar("T")


class ImportKind(StrEnum):
    """What an import file holds (`asn-bot import KIND FILE`)."""

    EMPLOYEES = "employees"
    STANDARDS = "standards"
    ASSESSMENTS = "assessments"
    HISTORY = "history"
    EVENTS = "events"


REQUIRED_COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.EMPLOYEES: ("nip", "nama", "jabatan", "jenis_jabatan", "unit_kerja", "golongan", "telepon"),
    ImportKind.STANDARDS: ("jabatan", "kompetensi", "kelompok", "level"),
    ImportKind.ASSESSMENTS: ("nip", "kompetensi", "level", "tanggal"),
    ImportKind.HISTORY: ("nip", "judul", "tanggal_selesai", "jp"),
    ImportKind.EVENTS: (
        "kode",
        "judul",
        "jenis",
        "penyelenggara",
        "mulai",
        "selesai",
        "lokasi",
        "kuota",
        "batas_daftar",
        "jp",
    ),
}

OPTIONAL_COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.EMPLOYEES: ("email",),
    ImportKind.STANDARDS: (),
    ImportKind.ASSESSMENTS: ("metode",),
    ImportKind.HISTORY: ("penyelenggara",),
    ImportKind.EVENTS: ("kompetensi", "sasaran_jabatan", "deskripsi", "biaya"),
}


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in a file: the line as Excel shows it (the header is line 1), the column, why."""

    line: int
    column: str | None
    reason: str


class ImportRejected(Exception):
    """The file has bad rows (all of them listed); nothing was changed."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        first = self.errors[0] if self.errors else None
        summary = f"; baris {first.line}: {first.reason}" if first else ""
        super().__init__(f"impor ditolak, {len(self.errors)} masalah{summary}")


class UnreadableFile(ImportRejected):
    """The file as a whole cannot be read: unknown format, not UTF-8, no header row, a broken workbook.

    Its single error has line 0 when it concerns the whole file, line 1 when it is the header row.
    """

    def __init__(self, reason: str, *, line: int = 0, column: str | None = None) -> None:
        super().__init__([RowError(line, column, reason)])


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: data rows read, and how many records were new, changed or already so."""

    kind: ImportKind
    rows: int
    created: int
    updated: int
    unchanged: int


# ---------------------------------------------------------------------------------------------
# Reading .csv and .xlsx into text rows


class _ImpreciseNumber(str):
    """The text of a number cell Excel could not hold exactly (16 digits or more; Excel keeps 15).

    It reads like the number Excel shows, but a NIP made of it has lost its last digits, so the
    NIP check refuses it instead of importing somebody else's NIP.
    """

    __slots__ = ()


Rows = Iterator[tuple[int, dict[str, str]]]


def read_rows(path: Path) -> tuple[list[str], Rows]:
    """The header names (stripped, lowercase, inner spaces as `_`) and the non-blank data rows of a
    `.csv` (UTF-8, with or without BOM; `,` `;` or tab) or `.xlsx` file (its first sheet), each row
    with its line number as Excel shows it. Cells are text as a person sees them."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise UnreadableFile(
        f"format berkas '{suffix or path.name}' tidak didukung; simpan sebagai .xlsx atau .csv (UTF-8)"
    )


def _header_name(raw: str) -> str:
    return re.sub(r"[\s\-]+", "_", raw.strip().casefold())


def _columns(cells: Sequence[str]) -> list[tuple[int, str]]:
    """(position, name) of every named header cell; a name given twice makes the file unreadable."""
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        name = _header_name(cell)
        if not name:
            continue
        if name in seen:
            raise UnreadableFile(f"kolom '{name}' muncul dua kali di baris judul", line=1, column=name)
        seen.add(name)
        columns.append((index, name))
    if not columns:
        raise UnreadableFile("baris pertama kosong: baris pertama harus berisi judul kolom", line=1)
    return columns


def _rows(
    numbered: Iterable[tuple[int, Sequence[str]]], columns: list[tuple[int, str]], *, strip: bool
) -> Rows:
    """Rows as {header: text}, blank rows left out (a hot loop: files have 100,000 rows)."""
    names = [name for _, name in columns]
    positions = [index for index, _ in columns]
    dense = positions == list(range(len(positions)))
    width = len(names)
    for number, cells in numbered:
        if strip:
            cells = list(map(str.strip, cells))
        if dense and len(cells) == width:
            if any(cells):
                yield number, dict(zip(names, cells, strict=True))
            continue
        size = len(cells)
        values = {name: cells[index] if index < size else "" for index, name in columns}
        if any(values.values()):
            yield number, values


def _read_csv(path: Path) -> tuple[list[str], Rows]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "berkas CSV bukan UTF-8; di Excel pilih Simpan Sebagai → 'CSV UTF-8 (Comma delimited)'"
        ) from None
    header_line = text.split("\n", 1)[0]
    # Indonesian Excel writes `;` (the comma is the decimal separator); others write `,` or tabs.
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    numbered = enumerate(reader, 1)
    first = next(numbered, None)
    if first is None:
        raise UnreadableFile("berkas kosong: baris pertama harus berisi judul kolom", line=1)
    columns = _columns(first[1])
    return [name for _, name in columns], _rows(numbered, columns, strip=True)


def _read_xlsx(path: Path) -> tuple[list[str], Rows]:
    sheet = _xlsx_cells(path)
    header = next(sheet)  # opens the workbook; the generator closes it when exhausted or closed
    try:
        if header is None:
            raise UnreadableFile(
                "lembar kerja pertama kosong: baris pertama harus berisi judul kolom", line=1
            )
        columns = _columns(header)
    except UnreadableFile:
        sheet.close()
        raise
    rows = (row for row in sheet if row is not None)
    return [name for _, name in columns], _rows(enumerate(rows, 2), columns, strip=False)


def _xlsx_cells(path: Path) -> Generator[list[str] | None]:
    """The first sheet's rows as text (None for the header of an empty sheet)."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError):
        raise UnreadableFile("berkas .xlsx rusak atau bukan buku kerja Excel") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size; read what is really there
        rows = sheet.iter_rows()
        header = next(rows, None)
        yield None if header is None else [_cell_text(cell) for cell in header]
        for row in rows:
            yield [_cell_text(cell) for cell in row]
    finally:
        workbook.close()


def _cell_text(cell: Any) -> str:
    """A cell as the text a person sees: numbers without `.0` or exponent, dates as YYYY-MM-DD."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        exact = Decimal(repr(value))
        if not value.is_integer():
            return format(exact, "f")
        text = format(exact.to_integral_value(), "f")
        return _ImpreciseNumber(text) if abs(value) >= 1e15 else text
    if isinstance(value, datetime):
        shown = is_datetime(cell.number_format)
        if shown == "date" or (shown is None and value.time() == time()):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Checking cells: each parser returns the value or raises _CellError with the reason for HR


# Compiled once: the parsers run on every row of 100,000-row files.
_INTEGER = re.compile(r"-?[0-9]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
_RUPIAH = re.compile(r"(?:rp\.?\s*)?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,0{1,2})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _CellError(Exception):
    """A cell breaks a rule; `reason` says which, for an HR officer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _text(max_length: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        text = _collapse(raw)
        if not text:
            raise _CellError("wajib diisi")
        if len(text) > max_length:
            raise _CellError(f"terlalu panjang: {len(text)} karakter, paling banyak {max_length}")
        return text

    return parse


def _memo(parse: Callable[[str], T]) -> Callable[[str], T]:
    """`parse` remembering its results: positions, units and ranks repeat on every other row."""
    results: dict[str, T] = {}

    def remembered(raw: str) -> T:
        try:
            return results[raw]
        except KeyError:
            result = results[raw] = parse(raw)
            return result

    return remembered


def _optional_text(max_length: int, *, keep_lines: bool = False) -> Callable[[str], str | None]:
    def parse(raw: str) -> str | None:
        text = raw.strip() if keep_lines else _collapse(raw)
        if len(text) > max_length:
            raise _CellError(f"terlalu panjang: {len(text)} karakter, paling banyak {max_length}")
        return text or None

    return parse


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if not raw:
            raise _CellError("wajib diisi")
        if not _INTEGER.fullmatch(raw):
            raise _CellError(f"harus bilangan bulat {low}–{high}, tertulis '{raw}'")
        number = int(raw)
        if not low <= number <= high:
            raise _CellError(f"harus antara {low} dan {high}, tertulis {number}")
        return number

    return parse


_LEVEL = _integer(1, 5)
_JP = _integer(0, 1000)
_QUOTA = _integer(0, 1_000_000)


def _nip(raw: str) -> str:
    if isinstance(raw, _ImpreciseNumber):
        raise _CellError(
            "NIP tersimpan sebagai angka di Excel sehingga digit terakhirnya hilang; "
            "ubah format kolom nip menjadi Teks lalu ketik ulang NIP-nya"
        )
    if not raw:
        raise _CellError("wajib diisi")
    nip = nip_digits(raw)
    if nip is None:
        raise _CellError(f"NIP tidak valid: {_why_nip_invalid(raw)}")
    return nip


def _why_nip_invalid(raw: str) -> str:
    """Why nip_digits refused a NIP, in the words an HR officer checks an SK with."""
    digits = re.sub(r"[\s.\-]", "", raw)
    if not re.fullmatch(r"[0-9]+", digits):
        return f"hanya boleh berisi angka 0–9, tertulis '{raw}'"
    if len(digits) != 18:
        return f"harus 18 digit, tertulis {len(digits)} digit"
    birth_year, birth_month, birth_day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    try:
        date(birth_year, birth_month, birth_day)
    except ValueError:
        return f"tanggal lahir mustahil ({digits[0:4]}-{digits[4:6]}-{digits[6:8]})"
    if birth_year < 1900:
        return f"tahun lahir mustahil ({birth_year})"
    start_year, start_month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= start_month <= 12:
        return f"bulan TMT CPNS mustahil ({digits[8:12]}-{digits[12:14]})"
    if digits[14] not in "12":
        return f"digit jenis kelamin harus 1 (laki-laki) atau 2 (perempuan), tertulis {digits[14]}"
    if start_year < birth_year + 14 or start_year > 2100:
        return f"tahun TMT CPNS {start_year} mustahil untuk kelahiran {birth_year}"
    return "format tidak dikenali"


def _phone(raw: str) -> str:
    if not raw:
        raise _CellError("wajib diisi: nomor HP dipakai ASN untuk menautkan akun Telegram")
    phone = normalize_phone(raw)
    if phone is None or not phone.isascii():
        raise _CellError(f"nomor telepon tidak valid: '{raw}'; contoh yang benar: 0812-3456-7890")
    if not phone.startswith("628"):
        raise _CellError(f"bukan nomor HP: '{raw}'; nomor seluler Indonesia diawali 08 atau +62 8")
    return phone


def _rank(raw: str) -> str:
    rank = normalize_rank(raw)
    if rank is None:
        raise _CellError(f"golongan tidak dikenal: '{raw}'; tulis seperti III/a atau IV/b (I/a sampai IV/e)")
    return rank


def _position_type(raw: str) -> str:
    position_type = normalize_position_type(raw)
    if position_type is None:
        allowed = ", ".join(POSITION_TYPES)
        raise _CellError(f"jenis jabatan tidak dikenal: '{raw}'; pilihan: {allowed}")
    return position_type


def _email(raw: str) -> str | None:
    if not raw:
        return None
    if len(raw) > 200 or not _EMAIL.fullmatch(raw):
        raise _CellError(f"alamat email tidak valid: '{raw}'")
    return raw


def _group(raw: str) -> CompetencyGroup:
    key = re.sub(r"[\s\-]+", "_", raw.strip().casefold())
    try:
        return CompetencyGroup(key)
    except ValueError:
        allowed = ", ".join(group.value for group in CompetencyGroup)
        raise _CellError(f"kelompok tidak dikenal: '{raw}'; pilihan: {allowed}") from None


def _event_kind(raw: str) -> EventKind:
    try:
        return EventKind(raw.strip().casefold())
    except ValueError:
        allowed = ", ".join(kind.value for kind in EventKind)
        raise _CellError(f"jenis kegiatan tidak dikenal: '{raw}'; pilihan: {allowed}") from None


def _code(raw: str) -> str:
    if not raw:
        raise _CellError("wajib diisi")
    if not _CODE.fullmatch(raw):
        raise _CellError(f"kode hanya boleh huruf, angka, - dan _ (paling banyak 40), tertulis '{raw}'")
    return raw


def _rupiah(raw: str) -> int | None:
    """`1.500.000`, `1500000`, `Rp 1.500.000,00`; empty means no cost stated."""
    if not raw:
        return None
    match = _RUPIAH.fullmatch(raw.casefold())
    if match is None:
        raise _CellError(f"biaya harus rupiah tanpa desimal, mis. 1.500.000 atau 1500000; tertulis '{raw}'")
    return int(match.group(1).replace(".", ""))


def _date(raw: str) -> date:
    if not raw:
        raise _CellError("wajib diisi")
    if not _DATE.fullmatch(raw):
        raise _CellError(f"format tanggal harus YYYY-MM-DD, mis. 2026-03-15; tertulis '{raw}'")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _CellError(f"tanggal mustahil: {raw}") from None


def _past_date(today: date) -> Callable[[str], date]:
    def parse(raw: str) -> date:
        day = _date(raw)
        if day > today:
            raise _CellError(f"tanggal {day.isoformat()} belum terjadi (hari ini {today.isoformat()})")
        return day

    return parse


_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{1,2})[:.]([0-9]{2})(?::[0-9]{2})?")


def _office_time(timezone: ZoneInfo, *, date_means_end_of_day: bool = False) -> Callable[[str], datetime]:
    """`YYYY-MM-DD HH:MM` in office time, as a UTC instant; optionally a bare date for 23:59."""

    def parse(raw: str) -> datetime:
        if not raw:
            raise _CellError("wajib diisi")
        if date_means_end_of_day and _DATE.fullmatch(raw):
            return datetime.combine(_date(raw), time(23, 59), tzinfo=timezone).astimezone(UTC)
        match = _DATETIME.fullmatch(raw)
        if match is None:
            shape = "YYYY-MM-DD HH:MM atau YYYY-MM-DD" if date_means_end_of_day else "YYYY-MM-DD HH:MM"
            raise _CellError(f"format waktu harus {shape}, mis. 2026-12-07 09:00; tertulis '{raw}'")
        day = _date(match.group(1))
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise _CellError(f"jam mustahil: {hour:02d}:{minute:02d}")
        return datetime.combine(day, time(hour, minute), tzinfo=timezone).astimezone(UTC)

    return parse


# ---------------------------------------------------------------------------------------------
# Rows, names and the writing helpers shared by the kinds


@dataclass(slots=True)
class _Line:
    """One data row being checked; every failed check adds a RowError and marks the row bad."""

    number: int
    values: Mapping[str, str]
    errors: list[RowError]
    ok: bool = True

    def take(self, column: str, parse: Callable[[str], T], default: T) -> T:
        """The parsed cell, or `default` after recording why it is bad."""
        try:
            return parse(self.values.get(column, ""))
        except _CellError as invalid:
            self.fail(column, invalid.reason)
            return default

    def fail(self, column: str | None, reason: str) -> None:
        self.errors.append(RowError(self.number, column, reason))
        self.ok = False


@dataclass(slots=True)
class _Source:
    """The rows of one import and what it needs to check them."""

    headers: frozenset[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    timezone: ZoneInfo
    today: date
    errors: list[RowError] = field(default_factory=list)
    count: int = 0

    def lines(self) -> Iterator[_Line]:
        for number, values in self.rows:
            self.count += 1
            yield _Line(number, values, self.errors)

    def has(self, column: str) -> bool:
        """Is this optional column in the file? Absent columns leave stored values alone."""
        return column in self.headers

    def reject_if_errors(self) -> None:
        if self.errors:
            raise ImportRejected(sorted(self.errors, key=lambda error: error.line))


def _first_line(seen: dict[Any, int], key: object, line: _Line, column: str, what: str) -> bool:
    """Record a natural key; a key already seen earlier in the file makes this line bad."""
    first = seen.setdefault(key, line.number)
    if first != line.number:
        line.fail(column, f"{what} ganda: sama dengan baris {first}")
        return False
    return True


class _Names:
    """Ids of positions, units or competencies by name, matched regardless of case and spacing
    (HR files write 'analis kebijakan ahli muda' for 'Analis Kebijakan Ahli Muda')."""

    def __init__(self, table: Table, rows: Iterable[tuple[int, str]]) -> None:
        self.table = table
        self.ids: dict[str, int] = {}
        for id_, name in rows:
            self.ids.setdefault(_fold(name), id_)
        self.wanted: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, str] = {}

    @classmethod
    async def load(cls, session: AsyncSession, table: Table) -> _Names:
        result = await session.execute(select(table.c.id, table.c.name))
        return cls(table, result.tuples())

    def _key(self, name: str) -> str:
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = _fold(name)
        return key

    def find(self, name: str) -> int | None:
        return self.ids.get(self._key(name))

    def want(self, name: str, **columns: Any) -> None:
        """Create this name on write unless it exists (the first spelling in the file wins)."""
        key = self._key(name)
        if key not in self.ids:
            self.wanted.setdefault(key, {"name": name, **columns})

    def id(self, name: str) -> int:
        return self.ids[self._key(name)]

    async def ids_for(self, names: set[str], conn: AsyncConnection) -> dict[str, int]:
        """Ids of these names as written, creating those that do not exist yet."""
        for name in names:
            self.want(name)
        await self.create_wanted(conn)
        return {name: self.id(name) for name in names}

    async def create_wanted(self, conn: AsyncConnection) -> None:
        """Insert the wanted names, then learn their ids (one query)."""
        if not self.wanted:
            return
        await _insert(conn, self.table, list(self.wanted.values()))
        result = await conn.execute(select(self.table.c.id, self.table.c.name))
        for id_, name in result.tuples():
            self.ids.setdefault(_fold(name), id_)
        self.wanted = {}


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def _chunks(rows: Sequence[T], columns: int) -> Iterator[Sequence[T]]:
    # asyncpg takes at most 32767 bind parameters in one statement.
    size = max(1, 30_000 // max(1, columns))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def _insert(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    statement = insert(table)
    for chunk in _chunks(rows, len(rows[0])):
        await conn.execute(statement, list(chunk))


async def _update(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """executemany `UPDATE … WHERE id = ?`; every dict has `id` and the same other keys."""
    if not rows:
        return
    columns = [name for name in rows[0] if name != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({table.c[name]: bindparam(f"b_{name}") for name in columns})
    )
    params = [{f"b_{name}": value for name, value in row.items()} for row in rows]
    for chunk in _chunks(params, len(columns) + 1):
        await conn.execute(statement, list(chunk))


async def _roster(session: AsyncSession) -> dict[str, int]:
    result = await session.execute(select(Employee.nip, Employee.id))
    return dict(result.tuples().all())


def _on_roster(roster: Mapping[str, int]) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        nip = _nip(raw)
        employee_id = roster.get(nip)
        if employee_id is None:
            raise _CellError(f"NIP {nip} tidak ada di data pegawai; impor data pegawai (employees) dulu")
        return employee_id

    return parse


def _existing(names: _Names, what: str, hint: str) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        name = _collapse(raw)
        if not name:
            raise _CellError("wajib diisi")
        found = names.find(name)
        if found is None:
            raise _CellError(f"{what} '{name}' belum terdaftar; {hint}")
        return found

    return parse


def _existing_list(names: _Names, what: str, hint: str) -> Callable[[str], frozenset[int]]:
    """`;`-separated names that must all exist."""

    def parse(raw: str) -> frozenset[int]:
        wanted = [_collapse(part) for part in raw.split(";") if part.strip()]
        unknown = [name for name in wanted if names.find(name) is None]
        if unknown:
            listed = ", ".join(f"'{name}'" for name in unknown)
            raise _CellError(f"{what} belum terdaftar: {listed}; {hint}")
        return frozenset(names.id(name) for name in wanted)

    return parse


# ---------------------------------------------------------------------------------------------
# The kinds


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


async def _import_employees(session: AsyncSession, source: _Source) -> tuple[int, int, int]:
    positions = await _Names.load(session, _table(Position))
    units = await _Names.load(session, _table(Unit))
    # The stored values in the order of _EmployeeRow's, for comparing.
    stored = (
        Employee.name,
        Employee.position_id,
        Employee.position_type,
        Employee.unit_id,
        Employee.rank,
        Employee.phone,
        Employee.email,
    )
    existing = {
        nip: (id_, tuple(values))
        for id_, nip, *values in await session.execute(select(Employee.id, Employee.nip, *stored))
    }
    # A hot loop (the roster of a province is 100,000 rows): repeated values are parsed once.
    name, place = _text(200), _memo(_text(200))
    rank, position_type = _memo(_rank), _memo(_position_type)
    rows: dict[str, _EmployeeRow] = {}
    first_lines: dict[str, int] = {}
    for line in source.lines():
        cell = line.values.get
        try:
            # Nearly every row is good: parse it straight, without Line.take's bookkeeping.
            row = _EmployeeRow(
                line.number,
                _nip(cell("nip", "")),
                name(cell("nama", "")),
                place(cell("jabatan", "")),
                position_type(cell("jenis_jabatan", "")),
                place(cell("unit_kerja", "")),
                rank(cell("golongan", "")),
                _phone(cell("telepon", "")),
                _email(cell("email", "")),
            )
        except _CellError:
            # A bad row: check it again cell by cell, so that every bad cell is reported.
            row = _EmployeeRow(
                line.number,
                line.take("nip", _nip, ""),
                line.take("nama", name, ""),
                line.take("jabatan", place, ""),
                line.take("jenis_jabatan", position_type, ""),
                line.take("unit_kerja", place, ""),
                line.take("golongan", rank, ""),
                line.take("telepon", _phone, ""),
                line.take("email", _email, None),
            )
        if row.nip and _first_line(first_lines, row.nip, line, "nip", "NIP") and line.ok:
            rows[row.nip] = row

    # Linking matches the phone Telegram shares against the roster: one number, one ASN.
    holders = {values[5]: nip for nip, (_, values) in existing.items() if nip not in rows}
    phone_lines: dict[str, _EmployeeRow] = {}
    for row in rows.values():
        earlier = phone_lines.setdefault(row.phone, row)
        if earlier is not row:
            reason = f"nomor telepon sama dengan baris {earlier.line} (NIP {earlier.nip})"
            source.errors.append(RowError(row.line, "telepon", f"{reason}; tiap ASN perlu nomornya sendiri"))
        elif (holder := holders.get(row.phone)) is not None:
            reason = f"nomor telepon sudah dipakai ASN lain (NIP {holder})"
            source.errors.append(RowError(row.line, "telepon", f"{reason}; tiap ASN perlu nomornya sendiri"))
    source.reject_if_errors()

    conn = await session.connection()
    position_ids = await positions.ids_for({row.position for row in rows.values()}, conn)
    unit_ids = await units.ids_for({row.unit for row in rows.values()}, conn)
    now = utcnow()
    keep_email = not source.has("email")
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows.values():
        id_, current = existing.get(row.nip, (0, ()))
        email = current[6] if keep_email and current else row.email
        position_id, unit_id = position_ids[row.position], unit_ids[row.unit]
        values = (row.name, position_id, row.position_type, unit_id, row.rank, row.phone, email)
        if values == current:
            continue
        changed = {
            "name": row.name,
            "position_id": position_id,
            "position_type": row.position_type,
            "unit_id": unit_id,
            "rank": row.rank,
            "phone": row.phone,
            "email": email,
            "updated_at": now,
        }
        if current:
            changed["id"] = id_
            updates.append(changed)
        else:
            changed["nip"] = row.nip
            inserts.append(changed)
    await _insert(conn, _table(Employee), inserts)
    await _update(conn, _table(Employee), updates)
    return len(inserts), len(updates), len(rows) - len(inserts) - len(updates)


async def _import_standards(session: AsyncSession, source: _Source) -> tuple[int, int, int]:
    positions = await _Names.load(session, _table(Position))
    competencies = await _Names.load(session, _table(Competency))
    groups = {
        _fold(name): group
        for name, group in (await session.execute(select(Competency.name, Competency.group))).tuples()
    }
    existing = {
        (position_id, competency_id): (id_, level)
        for id_, position_id, competency_id, level in (
            await session.execute(
                select(
                    PositionStandard.id,
                    PositionStandard.position_id,
                    PositionStandard.competency_id,
                    PositionStandard.level,
                )
            )
        ).tuples()
    }
    # Positions may come before the roster (HR often sends standards first): create them.
    name = _text(200)
    rows: list[tuple[str, str, int]] = []
    first_lines: dict[Any, int] = {}
    groups_in_file: dict[str, tuple[CompetencyGroup, int]] = {}
    for line in source.lines():
        position = line.take("jabatan", name, "")
        competency = line.take("kompetensi", name, "")
        group = line.take("kelompok", _group, None)
        level = line.take("level", _LEVEL, 0)
        if competency and group is not None:
            stored = groups.get(_fold(competency))
            first_group, first = groups_in_file.setdefault(_fold(competency), (group, line.number))
            if stored is not None and stored != group:
                line.fail(
                    "kelompok", f"kompetensi '{competency}' terdaftar berkelompok {stored}, bukan {group}"
                )
            elif stored is None and first_group != group:
                line.fail("kelompok", f"kompetensi '{competency}' berkelompok {first_group} di baris {first}")
        if not (position and competency):
            continue
        key = (_fold(position), _fold(competency))
        pair = "pasangan jabatan dan kompetensi"
        if _first_line(first_lines, key, line, "kompetensi", pair) and line.ok and group is not None:
            rows.append((position, competency, level))
            positions.want(position)
            competencies.want(competency, group=group)
    source.reject_if_errors()

    conn = await session.connection()
    await positions.create_wanted(conn)
    await competencies.create_wanted(conn)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for position, competency, level in rows:
        position_id, competency_id = positions.id(position), competencies.id(competency)
        current = existing.get((position_id, competency_id))
        if current is None:
            inserts.append({"position_id": position_id, "competency_id": competency_id, "level": level})
        elif current[1] != level:
            updates.append({"id": current[0], "level": level})
    await _insert(conn, _table(PositionStandard), inserts)
    await _update(conn, _table(PositionStandard), updates)
    return len(inserts), len(updates), len(rows) - len(inserts) - len(updates)


@dataclass(frozen=True, slots=True)
class _AssessmentRow:
    employee_id: int
    competency_id: int
    assessed_on: date
    level: int
    method: str | None


async def _import_assessments(session: AsyncSession, source: _Source) -> tuple[int, int, int]:
    roster = _on_roster(await _roster(session))
    competencies = _existing(
        await _Names.load(session, _table(Competency)),
        "kompetensi",
        "impor standar kompetensi (standards) dulu",
    )
    assessed_on, method = _past_date(source.today), _optional_text(100)
    rows: dict[tuple[int, int, date], _AssessmentRow] = {}
    first_lines: dict[Any, int] = {}
    for line in source.lines():
        row = _AssessmentRow(
            employee_id=line.take("nip", roster, 0),
            competency_id=line.take("kompetensi", competencies, 0),
            assessed_on=line.take("tanggal", assessed_on, date.min),
            level=line.take("level", _LEVEL, 0),
            method=line.take("metode", method, None),
        )
        key = (row.employee_id, row.competency_id, row.assessed_on)
        if row.employee_id and row.competency_id and row.assessed_on != date.min:
            what = "penilaian (nip, kompetensi, tanggal)"
            if _first_line(first_lines, key, line, "tanggal", what) and line.ok:
                rows[key] = row

    source.reject_if_errors()
    dates = [key[2] for key in rows]
    existing: dict[tuple[int, int, date], tuple[int, int, str | None]] = {}
    if dates:
        result = await session.execute(
            select(
                Assessment.employee_id,
                Assessment.competency_id,
                Assessment.assessed_on,
                Assessment.id,
                Assessment.level,
                Assessment.method,
            ).where(Assessment.assessed_on.between(min(dates), max(dates)))
        )
        existing = {(e, c, d): (id_, level, m) for e, c, d, id_, level, m in result.tuples()}
    keep_method = not source.has("metode")
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, row in rows.items():
        current = existing.get(key)
        method_value = current[2] if keep_method and current is not None else row.method
        if current is None:
            inserts.append(
                {
                    "employee_id": row.employee_id,
                    "competency_id": row.competency_id,
                    "assessed_on": row.assessed_on,
                    "level": row.level,
                    "method": method_value,
                }
            )
        elif (current[1], current[2]) != (row.level, method_value):
            updates.append({"id": current[0], "level": row.level, "method": method_value})
    conn = await session.connection()
    await _insert(conn, _table(Assessment), inserts)
    await _update(conn, _table(Assessment), updates)
    return len(inserts), len(updates), len(rows) - len(inserts) - len(updates)


@dataclass(frozen=True, slots=True)
class _HistoryRow:
    employee_id: int
    title: str
    completed_on: date
    jp: int
    organizer: str | None


async def _import_history(session: AsyncSession, source: _Source) -> tuple[int, int, int]:
    roster = _on_roster(await _roster(session))
    title, completed_on, organizer = _text(300), _past_date(source.today), _optional_text(200)
    rows: dict[tuple[int, str, date], _HistoryRow] = {}
    first_lines: dict[Any, int] = {}
    for line in source.lines():
        row = _HistoryRow(
            employee_id=line.take("nip", roster, 0),
            title=line.take("judul", title, ""),
            completed_on=line.take("tanggal_selesai", completed_on, date.min),
            jp=line.take("jp", _JP, 0),
            organizer=line.take("penyelenggara", organizer, None),
        )
        key = (row.employee_id, row.title, row.completed_on)
        if row.employee_id and row.title and row.completed_on != date.min:
            what = "riwayat (nip, judul, tanggal_selesai)"
            if _first_line(first_lines, key, line, "judul", what) and line.ok:
                rows[key] = row

    source.reject_if_errors()
    dates = [key[2] for key in rows]
    existing: dict[tuple[int, str, date], tuple[int, int, str | None]] = {}
    if dates:
        result = await session.execute(
            select(
                LearningRecord.employee_id,
                LearningRecord.title,
                LearningRecord.completed_on,
                LearningRecord.id,
                LearningRecord.jp,
                LearningRecord.organizer,
            ).where(
                LearningRecord.completed_on.between(min(dates), max(dates)), LearningRecord.event_id.is_(None)
            )
        )
        existing = {(e, t, d): (id_, jp, o) for e, t, d, id_, jp, o in result.tuples()}
    keep_organizer = not source.has("penyelenggara")
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, row in rows.items():
        current = existing.get(key)
        organizer_value = current[2] if keep_organizer and current is not None else row.organizer
        if current is None:
            inserts.append(
                {
                    "employee_id": row.employee_id,
                    "title": row.title,
                    "completed_on": row.completed_on,
                    "jp": row.jp,
                    "organizer": organizer_value,
                }
            )
        elif (current[1], current[2]) != (row.jp, organizer_value):
            updates.append({"id": current[0], "jp": row.jp, "organizer": organizer_value})
    conn = await session.connection()
    await _insert(conn, _table(LearningRecord), inserts)
    await _update(conn, _table(LearningRecord), updates)
    return len(inserts), len(updates), len(rows) - len(inserts) - len(updates)


@dataclass(frozen=True, slots=True)
class _EventRow:
    line: int
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


_NO_TIME = datetime.min.replace(tzinfo=UTC)
_EVENT_COLUMNS = (
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


async def _import_events(session: AsyncSession, source: _Source) -> tuple[int, int, int]:
    competencies = _existing_list(
        await _Names.load(session, _table(Competency)), "kompetensi", "impor standar kompetensi dulu"
    )
    positions = _existing_list(
        await _Names.load(session, _table(Position)), "jabatan", "impor data pegawai atau standar dulu"
    )
    columns = [getattr(Event, name) for name in _EVENT_COLUMNS]
    existing = {
        row.code: row
        for row in await session.execute(select(Event.id, Event.code, Event.seats_taken, *columns))
    }
    links: dict[str, dict[int, set[int]]] = {"kompetensi": {}, "sasaran_jabatan": {}}
    for column, table, other in (
        ("kompetensi", event_competencies, event_competencies.c.competency_id),
        ("sasaran_jabatan", event_positions, event_positions.c.position_id),
    ):
        for event_id, other_id in (await session.execute(select(table.c.event_id, other))).tuples():
            links[column].setdefault(event_id, set()).add(other_id)

    title, place, organizer = _text(300), _text(300), _text(200)
    starts, deadline = (
        _office_time(source.timezone),
        _office_time(source.timezone, date_means_end_of_day=True),
    )
    description = _optional_text(10_000, keep_lines=True)
    rows: list[_EventRow] = []
    first_lines: dict[Any, int] = {}
    for line in source.lines():
        row = _EventRow(
            line=line.number,
            code=line.take("kode", _code, ""),
            title=line.take("judul", title, ""),
            kind=line.take("jenis", _event_kind, EventKind.PELATIHAN),
            organizer=line.take("penyelenggara", organizer, ""),
            starts_at=line.take("mulai", starts, _NO_TIME),
            ends_at=line.take("selesai", starts, _NO_TIME),
            location=line.take("lokasi", place, ""),
            quota=line.take("kuota", _QUOTA, 0),
            registration_deadline=line.take("batas_daftar", deadline, _NO_TIME),
            jp=line.take("jp", _JP, 0),
            competency_ids=line.take("kompetensi", competencies, frozenset()),
            position_ids=line.take("sasaran_jabatan", positions, frozenset()),
            description=line.take("deskripsi", description, None),
            cost=line.take("biaya", _rupiah, None),
        )
        if _NO_TIME not in (row.starts_at, row.ends_at) and row.ends_at < row.starts_at:
            line.fail("selesai", "waktu selesai lebih awal dari waktu mulai")
        if (
            _NO_TIME not in (row.starts_at, row.registration_deadline)
            and row.registration_deadline > row.starts_at
        ):
            line.fail("batas_daftar", "batas pendaftaran sesudah kegiatan dimulai")
        current = existing.get(row.code)
        if current is not None and line.ok and row.quota < current.seats_taken:
            line.fail(
                "kuota",
                f"kuota {row.quota} lebih kecil dari kursi yang sudah terisi ({current.seats_taken})",
            )
        if row.code and _first_line(first_lines, row.code, line, "kode", "kode kegiatan") and line.ok:
            rows.append(row)
    source.reject_if_errors()

    conn = await session.connection()
    now = utcnow()
    optional = {"description": "deskripsi", "cost": "biaya"}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    changed_links: list[_EventRow] = []
    for row in rows:
        current = existing.get(row.code)
        values = {name: getattr(row, name) for name in _EVENT_COLUMNS}
        if current is None:
            inserts.append(
                {
                    "code": row.code,
                    **values,
                    "seats_taken": 0,
                    "allocation": Allocation.FCFS,
                    "requires_approval": False,
                    "target_position_types": [],
                    "target_unit_ids": [],
                    "status": EventStatus.PUBLISHED,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            changed_links.append(row)
            continue
        for name, column in optional.items():
            if not source.has(column):
                values[name] = getattr(current, name)
        link_change = any(
            source.has(column) and getattr(row, ids) != links[column].get(current.id, set())
            for column, ids in (("kompetensi", "competency_ids"), ("sasaran_jabatan", "position_ids"))
        )
        if link_change:
            changed_links.append(row)
        if link_change or any(getattr(current, name) != value for name, value in values.items()):
            updates.append({"id": current.id, **values, "updated_at": now})
    await _insert(conn, _table(Event), inserts)
    await _update(conn, _table(Event), updates)
    await _replace_links(conn, source, changed_links)
    return len(inserts), len(updates), len(rows) - len(inserts) - len(updates)


async def _replace_links(conn: AsyncConnection, source: _Source, rows: Sequence[_EventRow]) -> None:
    """Set the target competencies and positions of new or changed events (absent columns: kept)."""
    if not rows:
        return
    ids = dict((await conn.execute(select(Event.code, Event.id))).tuples().all())
    for column, table, other, attribute in (
        ("kompetensi", event_competencies, "competency_id", "competency_ids"),
        ("sasaran_jabatan", event_positions, "position_id", "position_ids"),
    ):
        if not source.has(column):
            continue
        event_ids = [ids[row.code] for row in rows]
        for chunk in _chunks(event_ids, 1):
            await conn.execute(delete(table).where(table.c.event_id.in_(chunk)))
        pairs = [
            {"event_id": ids[row.code], other: other_id}
            for row in rows
            for other_id in sorted(getattr(row, attribute))
        ]
        await _insert(conn, table, pairs)


_IMPORTERS = {
    ImportKind.EMPLOYEES: _import_employees,
    ImportKind.STANDARDS: _import_standards,
    ImportKind.ASSESSMENTS: _import_assessments,
    ImportKind.HISTORY: _import_history,
    ImportKind.EVENTS: _import_events,
}


# ---------------------------------------------------------------------------------------------
# Entry points


async def import_rows(
    session: AsyncSession,
    *,
    kind: ImportKind,
    headers: Iterable[str],
    rows: Iterator[tuple[int, dict[str, str]]],
    timezone: ZoneInfo,
    today: date,
) -> ImportReport:
    """Import rows already read (as `read_rows` gives them); `today` is the office's date, against
    which assessment and history dates may not lie in the future. Commits, or raises ImportRejected
    having changed nothing."""
    present = frozenset(headers)
    missing = [column for column in REQUIRED_COLUMNS[kind] if column not in present]
    if missing:
        found = ", ".join(sorted(present)) or "-"
        raise ImportRejected(
            [
                RowError(1, column, f"kolom wajib '{column}' tidak ada (kolom di berkas: {found})")
                for column in missing
            ]
        )
    source = _Source(present, rows, timezone, today)
    try:
        created, updated, unchanged = await _IMPORTERS[kind](session, source)
    except BaseException:
        await session.rollback()
        raise
    await session.commit()
    return ImportReport(kind=kind, rows=source.count, created=created, updated=updated, unchanged=unchanged)


async def import_file(
    session: AsyncSession, *, kind: ImportKind, path: Path, timezone: ZoneInfo
) -> ImportReport:
    """Import HR's `.csv` or `.xlsx` file of this kind, all or nothing; raises ImportRejected (with
    every bad row) having changed nothing, commits otherwise."""
    headers, rows = read_rows(path)
    today = utcnow().astimezone(timezone).date()
    return await import_rows(session, kind=kind, headers=headers, rows=rows, timezone=timezone, today=today)
