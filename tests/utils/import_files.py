"""HR's import files as the tests write them (CSV and XLSX), a sample roster and standard,
and short ways to import, read the refusal and compare the database before and after."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import (
    ImportKind,
    ImportRejected,
    ImportReport,
    RowError,
    import_file,
)
from db.models import (
    Base,
)
from messages import Renderer

WITA = ZoneInfo("Asia/Makassar")
RENDERER = Renderer(WITA)
Rows = Sequence[Sequence[Any]]

EMPLOYEE_HEADER = ["nip", "nama", "jabatan", "jenis_jabatan", "unit_kerja", "golongan", "telepon", "email"]
MARIA = [
    "198609262015052001",
    "Maria Goreti Bria",
    "Analis Kebijakan Ahli Muda",
    "fungsional",
    "BKPSDM Kota Kupang",
    "iii/c",
    "0812-3456-7890",
    "maria.bria@kupangkota.go.id",
]
YOHANES = [
    "19720415 200003 1 002",
    "Yohanes Ndun",
    "Kepala Bidang Pengembangan Kompetensi",
    "Administrator",
    "BKPSDM Kota Kupang",
    "IV/a",
    "+62 813 3912 4470",
    "",
]
DORKAS = [
    "199403142019032003",
    "Dorkas Bani",
    "Pengadministrasi Perkantoran",
    "Pelaksana",
    "Dinas Kesehatan Kota Kupang",
    "II/c",
    "6282236710458",
    "dorkas.bani@kupangkota.go.id",
]
ROSTER = [EMPLOYEE_HEADER, MARIA, YOHANES, DORKAS]
STANDARD_HEADER = ["jabatan", "kompetensi", "kelompok", "level"]
STANDARDS = [
    STANDARD_HEADER,
    ["Analis Kebijakan Ahli Muda", "Integritas", "manajerial", "2"],
    ["Analis Kebijakan Ahli Muda", "Pelayanan Publik", "Manajerial", "2"],
    ["analis kebijakan ahli muda", "Perekat Bangsa", "Sosial Kultural", "2"],
    ["Analis Kebijakan Ahli Muda", "Analisis Kebijakan Publik", "teknis", "3"],
    ["Kepala Bidang Pengembangan Kompetensi", "Pelayanan Publik", "manajerial", "3"],
]


def write_csv(path: Path, rows: Rows, *, delimiter: str = ",", bom: bool = False) -> Path:
    """A CSV file as HR's spreadsheet saves it."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as file:
        csv.writer(file, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Rows) -> Path:
    """An Excel workbook; cells keep their Python types (numbers, dates) as Excel would type them."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def store_whole_numbers(path: Path, cells: dict[str, int]) -> None:
    """openpyxl, like Excel, writes a number with 15 significant digits; some export tools write
    the whole integer. Rewrite these cells the way such a tool does."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in cells.items():
        sheet = re.sub(rf'(<c r="{ref}"[^>]*><v>)[^<]*(</v>)', rf"\g<1>{value}\g<2>", sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


async def load(session: AsyncSession, kind: ImportKind, path: Path) -> ImportReport:
    return await import_file(session, kind=kind, path=path, timezone=WITA)


async def rejected(session: AsyncSession, kind: ImportKind, path: Path) -> list[RowError]:
    with pytest.raises(ImportRejected) as refused:
        await load(session, kind, path)
    return refused.value.errors


def where(errors: list[RowError]) -> list[tuple[int, str | None]]:
    return [(error.line, error.column) for error in errors]


def said(error: RowError, lang: str = "id") -> str:
    """The reason as HR reads it in the CLI."""
    return RENDERER.label(error.label, lang, **error.values)


def reason(errors: list[RowError], line: int) -> str:
    return " / ".join(said(error) for error in errors if error.line == line)


async def snapshot(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the imports touch."""
    tables = (
        "units",
        "positions",
        "employees",
        "competencies",
        "position_standards",
        "assessments",
        "learning_records",
        "events",
        "event_competencies",
        "event_positions",
    )
    result: dict[str, list[tuple[Any, ...]]] = {}
    for name in tables:
        table = Base.metadata.tables[name]
        rows = await session.execute(select(table).order_by(*table.primary_key.columns))
        result[name] = [tuple(row) for row in rows]
    return result


async def roster_and_standards(session: AsyncSession, tmp_path: Path) -> None:
    await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", ROSTER))
    await load(session, ImportKind.STANDARDS, write_csv(tmp_path / "standar.csv", STANDARDS))
