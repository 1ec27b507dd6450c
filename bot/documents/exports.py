"""Registrant lists as files HR opens in a spreadsheet: CSV and XLSX, with headers and
statuses in the reader's language (Indonesian, or English), times in office time
(`YYYY-MM-DD HH:MM`). A script reads the columns by position (`COLUMNS`), not by header.

The CSV is what Excel set to Indonesian opens by a double click: `;`-separated (the list
separator where the decimal separator is a comma) and UTF-8 with a BOM (without it Excel reads
"Yosefina Lango" right but "Pelatihan Kepemimpinan — Angkatan II" as mojibake). Text cells are
quoted, the NIP among them, so a reader that honours quotes keeps its 18 digits as text; the
XLSX stores the NIP as a text cell outright (README: Excel still turns a CSV's long number into
1,98609E+17, so the XLSX is the file to open in Excel).

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
from messages import Renderer

#: The columns in order; each header is the label `export.column.<name>` of the reader's language.
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
NIP_COLUMN = COLUMNS.index("nip")
CSV_DELIMITER = ";"
SHEET_TITLE_LIMIT = 31
#: What a spreadsheet reads as the start of a formula (tab and CR too: some strip them first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def headers(renderer: Renderer, lang: str) -> list[str]:
    """The column headers in `lang`."""
    return [renderer.label(f"export.column.{column}", lang) for column in COLUMNS]


def _when(moment: datetime | None, timezone: ZoneInfo) -> str:
    return moment.astimezone(timezone).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def rows(
    registrants: Sequence[Registrant], timezone: ZoneInfo, *, renderer: Renderer, lang: str
) -> list[list[str | int]]:
    """One row per registrant, in `COLUMNS` order (empty strings for what has not happened),
    the status in `lang`."""
    return [
        [
            number,
            r.name,
            r.nip,
            r.unit,
            r.position,
            renderer.label(f"export.status.{r.status.value}", lang),
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


def registrants_csv(
    registrants: Sequence[Registrant], timezone: ZoneInfo, *, renderer: Renderer, lang: str
) -> bytes:
    """The registrants as CSV bytes: UTF-8 with a BOM, `;`-separated, text quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(headers(renderer, lang))
    found = rows(registrants, timezone, renderer=renderer, lang=lang)
    writer.writerows([_csv_cell(value) for value in row] for row in found)
    return buffer.getvalue().encode("utf-8-sig")


def registrants_xlsx(
    registrants: Sequence[Registrant], timezone: ZoneInfo, *, sheet: str, renderer: Renderer, lang: str
) -> bytes:
    """The registrants as an XLSX workbook with one sheet named after the event code."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = "".join(c for c in sheet if c not in "[]:*?/\\")[:SHEET_TITLE_LIMIT] or "pendaftar"
    worksheet.append(headers(renderer, lang))
    for row in rows(registrants, timezone, renderer=renderer, lang=lang):
        worksheet.append(row)
        for cell in worksheet[worksheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a live formula
        worksheet.cell(worksheet.max_row, NIP_COLUMN + 1).number_format = "@"  # text, also when edited
    worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(event_code: str, extension: str) -> str:
    """`pendaftar-<CODE>.<ext>`, safe as a file name."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in event_code)
    return f"pendaftar-{safe}.{extension}"
