"""Registrant lists as files HR opens in a spreadsheet: CSV (UTF-8 with BOM, so Excel reads
the names right) and XLSX. Column names are fixed, lowercase like the import columns, so a
script can rely on them; times are office time, `YYYY-MM-DD HH:MM`.

A name from the roster may look like a formula (`=HYPERLINK(…)`): the XLSX stores every text
cell as text, and the CSV prefixes such a cell with `'` (OWASP's advice on CSV injection), so
opening an export never runs what someone typed into a roster."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from db.admin import Registrant

COLUMNS = (
    "no",
    "nama",
    "nip",
    "unit_kerja",
    "jabatan",
    "status",
    "posisi_tunggu",
    "mendaftar",
    "dikonfirmasi",
    "dibatalkan",
    "hadir",
    "nilai",
)
SHEET_TITLE_LIMIT = 31
#: What a spreadsheet reads as the start of a formula (tab and CR too: some strip them first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _when(moment: datetime | None, timezone: ZoneInfo) -> str:
    return moment.astimezone(timezone).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def rows(registrants: Sequence[Registrant], timezone: ZoneInfo) -> list[list[str | int]]:
    """One row per registrant, in `COLUMNS` order (empty strings for what has not happened)."""
    return [
        [
            number,
            r.name,
            r.nip,
            r.unit,
            r.position,
            r.status.value,
            r.waitlist_position or "",
            _when(r.registered_at, timezone),
            _when(r.confirmed_at, timezone),
            _when(r.cancelled_at, timezone),
            _when(r.attended_at, timezone),
            r.rating or "",
        ]
        for number, r in enumerate(registrants, start=1)
    ]


def _csv_cell(value: str | int) -> str | int:
    """The cell as text a spreadsheet shows but never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def registrants_csv(registrants: Sequence[Registrant], timezone: ZoneInfo) -> bytes:
    """The registrants as CSV bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([_csv_cell(value) for value in row] for row in rows(registrants, timezone))
    return buffer.getvalue().encode("utf-8-sig")


def registrants_xlsx(registrants: Sequence[Registrant], timezone: ZoneInfo, *, sheet: str) -> bytes:
    """The registrants as an XLSX workbook with one sheet named after the event code."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = "".join(c for c in sheet if c not in "[]:*?/\\")[:SHEET_TITLE_LIMIT] or "pendaftar"
    worksheet.append(list(COLUMNS))
    for row in rows(registrants, timezone):
        worksheet.append(row)
        for cell in worksheet[worksheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a live formula
    worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(event_code: str, extension: str) -> str:
    """`pendaftar-<CODE>.<ext>`, safe as a file name."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in event_code)
    return f"pendaftar-{safe}.{extension}"
