"""The entry points: import a file, or rows already read, of one kind, all or nothing.

Every row is checked in memory before anything is written; a file with a single bad row is
refused whole (ImportRejected, with every bad row) and the session is rolled back. Otherwise the
kind's importer writes by natural key and the import commits once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.imports.contract import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ImportKind,
    ImportRejected,
    ImportReport,
    RowError,
    Values,
    unknown_columns,
)
from db.imports.employees import import_employees
from db.imports.events import import_events
from db.imports.lines import Source
from db.imports.programmes import import_programmes
from db.imports.reading import read_rows
from db.imports.records import import_assessments, import_history
from db.imports.standards import import_standards
from db.imports.writer import Counts
from db.types import utcnow

_IMPORTERS: dict[ImportKind, Callable[[AsyncSession, Source], Awaitable[Counts]]] = {
    ImportKind.EMPLOYEES: import_employees,
    ImportKind.STANDARDS: import_standards,
    ImportKind.ASSESSMENTS: import_assessments,
    ImportKind.HISTORY: import_history,
    ImportKind.EVENTS: import_events,
    ImportKind.PROGRAMMES: import_programmes,
}


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
    source = Source(_checked_headers(kind, list(headers)), rows, timezone, today)
    try:
        created, updated, unchanged = await _IMPORTERS[kind](session, source)
    except BaseException:
        await session.rollback()
        raise
    await session.commit()
    return ImportReport(
        kind=kind,
        rows=source.count,
        created=created,
        updated=updated,
        unchanged=unchanged,
        days_off=tuple(source.days_off),
    )


def _checked_headers(kind: ImportKind, headers: list[str]) -> frozenset[str]:
    """The file's columns, if it has every required column and no unknown one; else the import
    is refused before a row is read, naming the missing and unknown columns and the known ones."""
    present = frozenset(headers)
    found = ", ".join(sorted(present)) or "-"
    errors = [
        RowError(1, column, "column_missing", {"column": column, "found": found})
        for column in REQUIRED_COLUMNS[kind]
        if column not in present
    ]
    unknown = unknown_columns(kind, headers)
    if unknown:
        values: Values = {
            "names": ", ".join(f"'{column}'" for column in unknown),
            "required": ", ".join(REQUIRED_COLUMNS[kind]),
            "optional": ", ".join(OPTIONAL_COLUMNS[kind]) or "-",
        }
        errors.append(RowError(1, None, "columns_unknown", values))
    if errors:
        raise ImportRejected(errors)
    return present


async def import_file(
    session: AsyncSession, *, kind: ImportKind, path: Path, timezone: ZoneInfo
) -> ImportReport:
    """Import HR's `.csv` or `.xlsx` file of this kind, all or nothing; raises ImportRejected (with
    every bad row) having changed nothing, commits otherwise."""
    headers, rows = read_rows(path)
    today = utcnow().astimezone(timezone).date()
    return await import_rows(session, kind=kind, headers=headers, rows=rows, timezone=timezone, today=today)
