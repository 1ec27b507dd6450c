"""Reading HR's `.csv` and `.xlsx` files into numbered rows of text, as a person sees the cells.

A file that cannot be read at all (unknown format, not UTF-8, no header row, a broken workbook)
raises UnreadableFile; checking the cells is `db.imports.cells`'s work.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles.numbers import is_datetime
from openpyxl.utils.exceptions import InvalidFileException

from db.imports.contract import UnreadableFile

Rows = Iterator[tuple[int, dict[str, str]]]


class ImpreciseNumber(str):
    """The text of a number cell Excel could not hold exactly (16 digits or more; Excel keeps 15).

    It reads like the number Excel shows, but a NIP made of it has lost its last digits, so the
    NIP check refuses it instead of importing somebody else's NIP.
    """

    __slots__ = ()


def read_rows(path: Path) -> tuple[list[str], Rows]:
    """The header names (stripped, lowercase, inner spaces as `_`) and the non-blank data rows of a
    `.csv` (UTF-8, with or without BOM; `,` `;` or tab) or `.xlsx` file (its first sheet), each row
    with its line number as Excel shows it. Cells are text as a person sees them."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise UnreadableFile("format_unsupported", suffix=suffix or path.name)


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
            raise UnreadableFile("duplicate_column", line=1, column=name, name=name)
        seen.add(name)
        columns.append((index, name))
    if not columns:
        raise UnreadableFile("header_blank", line=1)
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
        raise UnreadableFile("csv_not_utf8") from None
    header_line = text.split("\n", 1)[0]
    # Indonesian Excel writes `;` (the comma is the decimal separator); others write `,` or tabs.
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    numbered = enumerate(reader, 1)
    first = next(numbered, None)
    if first is None:
        raise UnreadableFile("csv_empty", line=1)
    columns = _columns(first[1])
    return [name for _, name in columns], _rows(numbered, columns, strip=True)


def _read_xlsx(path: Path) -> tuple[list[str], Rows]:
    sheet = _xlsx_cells(path)
    header = next(sheet)  # opens the workbook; the generator closes it when exhausted or closed
    try:
        if header is None:
            raise UnreadableFile("sheet_empty", line=1)
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
        raise UnreadableFile("xlsx_broken") from None
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
        return ImpreciseNumber(text) if abs(value) >= 1e15 else text
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
