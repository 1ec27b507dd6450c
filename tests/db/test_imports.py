"""HR imports its files — roster, standards, assessments, JP history, events — from CSV or
Excel, all or nothing: a file with bad rows is refused whole, with every bad row by line."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import (
    ImportKind,
    ImportRejected,
    ImportReport,
    RowError,
    UnreadableFile,
    import_file,
    read_rows,
)
from db.models import (
    Assessment,
    Base,
    Competency,
    CompetencyGroup,
    Employee,
    Event,
    EventKind,
    LearningRecord,
    Position,
    PositionStandard,
    Unit,
    event_competencies,
    event_positions,
)

WITA = ZoneInfo("Asia/Makassar")
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


def reason(errors: list[RowError], line: int) -> str:
    return " / ".join(error.reason for error in errors if error.line == line)


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


# ---------------------------------------------------------------------------------------------
# Reading files


def test_headers_are_read_whatever_their_case_and_blank_rows_keep_excel_line_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "pegawai.csv",
        [[" NIP ", "Nama", "Unit Kerja"], ["1", " Maria ", "BKPSDM"], [], ["", "", ""], ["2", "Yohanes", ""]],
        delimiter=";",
        bom=True,
    )
    headers, rows = read_rows(path)
    assert headers == ["nip", "nama", "unit_kerja"]
    assert list(rows) == [
        (2, {"nip": "1", "nama": "Maria", "unit_kerja": "BKPSDM"}),
        (5, {"nip": "2", "nama": "Yohanes", "unit_kerja": ""}),
    ]


def test_a_tab_separated_file_is_read_too(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "pegawai.csv", [["nip", "nama"], ["1", "Maria, S.Kep"]], delimiter="\t")
    headers, rows = read_rows(path)
    assert headers == ["nip", "nama"]
    assert list(rows) == [(2, {"nip": "1", "nama": "Maria, S.Kep"})]


def test_an_old_excel_file_is_refused_with_a_clear_reason(tmp_path: Path) -> None:
    path = tmp_path / "pegawai.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnreadableFile) as refused:
        read_rows(path)
    assert ".xls" in refused.value.errors[0].reason
    assert ".xlsx" in refused.value.errors[0].reason


def test_a_csv_saved_in_a_windows_encoding_is_refused_asking_for_utf8(tmp_path: Path) -> None:
    path = tmp_path / "pegawai.csv"
    path.write_bytes("nip;nama\n1;Andr\u00e9\n".encode("cp1252"))
    with pytest.raises(UnreadableFile) as refused:
        read_rows(path)
    assert "UTF-8" in refused.value.errors[0].reason


def test_excel_cells_read_as_the_text_a_person_sees(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "data.xlsx",
        [
            ["nip", "level", "tanggal", "mulai", "telepon"],
            [0, 3, date(2025, 3, 14), datetime(2026, 12, 7, 9, 0), 81234567890],
        ],
    )
    store_whole_numbers(path, {"A2": 198609262015052001})
    _, rows = read_rows(path)
    assert list(rows) == [
        (
            2,
            {
                "nip": "198609262015052001",
                "level": "3",
                "tanggal": "2025-03-14",
                "mulai": "2026-12-07 09:00",
                "telepon": "81234567890",
            },
        )
    ]


# ---------------------------------------------------------------------------------------------
# The roster


async def test_hr_imports_the_roster_from_a_csv(session: AsyncSession, tmp_path: Path) -> None:
    report = await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", ROSTER))

    assert report == ImportReport(ImportKind.EMPLOYEES, rows=3, created=3, updated=0, unchanged=0)
    maria = await session.scalar(select(Employee).where(Employee.nip == "198609262015052001"))
    assert maria is not None
    assert (maria.name, maria.position_type, maria.rank, maria.phone) == (
        "Maria Goreti Bria",
        "Fungsional",
        "III/c",
        "6281234567890",
    )
    yohanes = await session.scalar(select(Employee).where(Employee.nip == "197204152000031002"))
    assert yohanes is not None
    assert (yohanes.phone, yohanes.email) == ("6281339124470", None)
    assert set(await session.scalars(select(Unit.name))) == {
        "BKPSDM Kota Kupang",
        "Dinas Kesehatan Kota Kupang",
    }
    assert len(list(await session.scalars(select(Position.name)))) == 3


async def test_importing_the_same_file_again_changes_nothing(session: AsyncSession, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "pegawai.csv", ROSTER)
    await load(session, ImportKind.EMPLOYEES, path)
    before = await snapshot(session)

    report = await load(session, ImportKind.EMPLOYEES, path)

    assert report == ImportReport(ImportKind.EMPLOYEES, rows=3, created=0, updated=0, unchanged=3)
    assert await snapshot(session) == before


async def test_a_changed_row_is_updated_and_the_others_left_alone(
    session: AsyncSession, tmp_path: Path
) -> None:
    await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "v1.csv", ROSTER))
    stamps = dict((await session.execute(select(Employee.nip, Employee.updated_at))).tuples().all())
    moved = [*MARIA[:4], "Sekretariat Daerah Kota Kupang", "III/d", "0812 9999 0001"]
    without_email = [row[:7] for row in (EMPLOYEE_HEADER, moved, YOHANES, DORKAS)]

    report = await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "v2.csv", without_email))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    maria = await session.scalar(select(Employee).where(Employee.nip == MARIA[0]))
    assert maria is not None
    assert (maria.rank, maria.phone) == ("III/d", "6281299990001")
    assert maria.email == "maria.bria@kupangkota.go.id", "a file without the email column keeps emails"
    after = dict((await session.execute(select(Employee.nip, Employee.updated_at))).tuples().all())
    assert after["197204152000031002"] == stamps["197204152000031002"]
    assert after[MARIA[0]] > stamps[MARIA[0]]


async def test_a_roster_with_bad_rows_reports_every_one_by_line_and_changes_nothing(
    session: AsyncSession, tmp_path: Path
) -> None:
    await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "lama.csv", [EMPLOYEE_HEADER, YOHANES]))
    before = await snapshot(session)
    bad = [
        EMPLOYEE_HEADER,
        MARIA,  # 2: good, and would update nothing either
        [
            "19860926 2015 05 1 01",
            "Stefanus Dethan",
            "Perawat Ahli Muda",
            "Fungsional",
            "RSUD",
            "III/c",
            "081238026611",
        ],
        [
            "198602302015051001",
            "Kornelis Nahak",
            "Perawat Ahli Muda",
            "Fungsional",
            "RSUD",
            "III/c",
            "081238026612",
        ],
        [
            "198806062014031004",
            "Elisabeth Mooy",
            "Perawat Ahli Muda",
            "Fungsional",
            "RSUD",
            "III/f",
            "081238026613",
        ],
        ["198806062014031005", "Daniel Tefa", "Perawat Ahli Muda", "Fungsional", "RSUD", "III/c", "12345"],
        ["198806062014031006", "", "Perawat Ahli Muda", "Fungsional", "RSUD", "III/c", "081238026615"],
        [
            "198609262015052001",
            "Maria Bria",
            "Perawat Ahli Muda",
            "Fungsional",
            "RSUD",
            "III/c",
            "081238026616",
        ],
        ["198806062014031007", "Yakobus Benu", "Kepala Seksi", "Eselon IV", "RSUD", "III/d", "081238026617"],
        [*DORKAS[:6], "0812-3456-7890"],  # Maria's number (line 2)
    ]

    errors = await rejected(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "baru.csv", bad))

    assert where(errors) == [
        (3, "nip"),
        (4, "nip"),
        (5, "golongan"),
        (6, "telepon"),
        (7, "nama"),
        (8, "nip"),
        (9, "jenis_jabatan"),
        (10, "telepon"),
    ]
    assert reason(errors, 3) == "NIP tidak valid: harus 18 digit, tertulis 17 digit"
    assert reason(errors, 4) == "NIP tidak valid: tanggal lahir mustahil (1986-02-30)"
    assert "III/f" in reason(errors, 5)
    assert "12345" in reason(errors, 6)
    assert reason(errors, 7) == "wajib diisi"
    assert "baris 2" in reason(errors, 8)
    assert "JPT Pratama, Administrator, Pengawas, Pelaksana, Fungsional" in reason(errors, 9)
    assert "baris 2" in reason(errors, 10)
    assert await snapshot(session) == before


async def test_a_row_with_several_bad_cells_has_each_of_them_reported(
    session: AsyncSession, tmp_path: Path
) -> None:
    several = ["198602302015051001", "", "Perawat Ahli Muda", "Eselon IV", "RSUD", "III/f", "12345", "x@"]

    errors = await rejected(
        session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", [EMPLOYEE_HEADER, MARIA, several])
    )

    assert where(errors) == [
        (3, "nip"),
        (3, "nama"),
        (3, "jenis_jabatan"),
        (3, "golongan"),
        (3, "telepon"),
        (3, "email"),
    ]
    assert errors[0].reason == "NIP tidak valid: tanggal lahir mustahil (1986-02-30)"


async def test_a_phone_number_already_on_another_asn_is_refused(
    session: AsyncSession, tmp_path: Path
) -> None:
    await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "lama.csv", [EMPLOYEE_HEADER, YOHANES]))
    newcomer = [*DORKAS[:6], "0813-3912-4470", ""]  # Yohanes's number, written another way

    errors = await rejected(
        session, ImportKind.EMPLOYEES, write_csv(tmp_path / "baru.csv", [EMPLOYEE_HEADER, newcomer])
    )

    assert where(errors) == [(2, "telepon")]
    assert "197204152000031002" in errors[0].reason


async def test_a_file_without_a_required_column_names_it_on_line_1(
    session: AsyncSession, tmp_path: Path
) -> None:
    rows = [
        [cell for cell, name in zip(row, EMPLOYEE_HEADER, strict=True) if name != "telepon"] for row in ROSTER
    ]

    errors = await rejected(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", rows))

    assert where(errors) == [(1, "telepon")]
    assert "telepon" in errors[0].reason


async def test_hr_imports_the_roster_from_excel_with_numbers_typed_as_numbers(
    session: AsyncSession, tmp_path: Path
) -> None:
    maria = [0, *MARIA[1:6], 81234567890, MARIA[7]]
    path = write_xlsx(tmp_path / "pegawai.xlsx", [EMPLOYEE_HEADER, maria, YOHANES])
    store_whole_numbers(path, {"A2": 198609262015052001})

    report = await load(session, ImportKind.EMPLOYEES, path)

    assert (report.rows, report.created) == (2, 2)
    phone = await session.scalar(select(Employee.phone).where(Employee.nip == "198609262015052001"))
    assert phone == "6281234567890"


async def test_a_nip_excel_rounded_to_15_digits_is_refused_with_how_to_fix_it(
    session: AsyncSession, tmp_path: Path
) -> None:
    maria = [198609262015052001, *MARIA[1:]]  # saved as Excel saves it: 1.98609262015052E+17
    path = write_xlsx(tmp_path / "pegawai.xlsx", [EMPLOYEE_HEADER, maria])

    errors = await rejected(session, ImportKind.EMPLOYEES, path)

    assert where(errors) == [(2, "nip")]
    assert "Teks" in errors[0].reason


# ---------------------------------------------------------------------------------------------
# Standards, assessments and history

STANDARD_HEADER = ["jabatan", "kompetensi", "kelompok", "level"]
STANDARDS = [
    STANDARD_HEADER,
    ["Analis Kebijakan Ahli Muda", "Integritas", "manajerial", "2"],
    ["Analis Kebijakan Ahli Muda", "Pelayanan Publik", "Manajerial", "2"],
    ["analis kebijakan ahli muda", "Perekat Bangsa", "Sosial Kultural", "2"],
    ["Analis Kebijakan Ahli Muda", "Analisis Kebijakan Publik", "teknis", "3"],
    ["Kepala Bidang Pengembangan Kompetensi", "Pelayanan Publik", "manajerial", "3"],
]


async def test_standards_create_their_positions_and_competencies(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "standar.csv", STANDARDS)

    report = await load(session, ImportKind.STANDARDS, path)

    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    groups = dict((await session.execute(select(Competency.name, Competency.group))).tuples().all())
    assert groups == {
        "Integritas": CompetencyGroup.MANAJERIAL,
        "Pelayanan Publik": CompetencyGroup.MANAJERIAL,
        "Perekat Bangsa": CompetencyGroup.SOSIAL_KULTURAL,
        "Analisis Kebijakan Publik": CompetencyGroup.TEKNIS,
    }
    assert set(await session.scalars(select(Position.name))) == {
        "Analis Kebijakan Ahli Muda",
        "Kepala Bidang Pengembangan Kompetensi",
    }
    before = await snapshot(session)
    again = await load(session, ImportKind.STANDARDS, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert await snapshot(session) == before

    raised = [
        *STANDARDS[:-1],
        ["Kepala Bidang Pengembangan Kompetensi", "Pelayanan Publik", "manajerial", "4"],
    ]
    changed = await load(session, ImportKind.STANDARDS, write_csv(tmp_path / "standar2.csv", raised))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 4)
    levels = await session.scalars(select(PositionStandard.level).order_by(PositionStandard.id))
    assert list(levels) == [2, 2, 2, 3, 4]


async def test_bad_standards_are_reported_by_line(session: AsyncSession, tmp_path: Path) -> None:
    await load(session, ImportKind.STANDARDS, write_csv(tmp_path / "standar.csv", STANDARDS))
    before = await snapshot(session)
    bad = [
        STANDARD_HEADER,
        ["Perawat Ahli Muda", "Integritas", "manajerial", "6"],
        ["Perawat Ahli Muda", "Kerja Sama", "manajerial", "tiga"],
        ["Perawat Ahli Muda", "Asuhan Keperawatan", "inti", "3"],
        ["Bidan Terampil", "Integritas", "teknis", "2"],  # Integritas is manajerial
        ["Perawat Ahli Muda", "Komunikasi", "manajerial", "2"],
        ["perawat ahli muda", "komunikasi", "manajerial", "3"],  # the same pair as line 6
        ["Perawat Ahli Muda", "Surveilans", "teknis", "2"],
        ["Bidan Terampil", "Surveilans", "manajerial", "2"],  # line 8 made it teknis
    ]

    errors = await rejected(session, ImportKind.STANDARDS, write_csv(tmp_path / "buruk.csv", bad))

    assert where(errors) == [
        (2, "level"),
        (3, "level"),
        (4, "kelompok"),
        (5, "kelompok"),
        (7, "kompetensi"),
        (9, "kelompok"),
    ]
    assert "antara 1 dan 5" in reason(errors, 2)
    assert "teknis, manajerial, sosial_kultural" in reason(errors, 4)
    assert "manajerial" in reason(errors, 5)
    assert "baris 6" in reason(errors, 7)
    assert "baris 8" in reason(errors, 9)
    assert await snapshot(session) == before


async def _roster_and_standards(session: AsyncSession, tmp_path: Path) -> None:
    await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", ROSTER))
    await load(session, ImportKind.STANDARDS, write_csv(tmp_path / "standar.csv", STANDARDS))


ASSESSMENT_HEADER = ["nip", "kompetensi", "level", "tanggal", "metode"]


async def test_assessment_results_are_imported_for_the_roster(session: AsyncSession, tmp_path: Path) -> None:
    await _roster_and_standards(session, tmp_path)
    rows = [
        ASSESSMENT_HEADER,
        [MARIA[0], "Integritas", "3", "2025-03-14", "Assessment Center"],
        [MARIA[0], "pelayanan publik", "1", "2025-03-14", "Assessment Center"],
        [MARIA[0], "Analisis Kebijakan Publik", "2", "2025-05-02", "Uji Kompetensi"],
    ]
    path = write_csv(tmp_path / "asesmen.csv", rows)

    report = await load(session, ImportKind.ASSESSMENTS, path)

    assert (report.created, report.unchanged) == (3, 0)
    assessed = await session.execute(
        select(Competency.name, Assessment.level, Assessment.assessed_on, Assessment.method)
        .join(Competency, Competency.id == Assessment.competency_id)
        .order_by(Assessment.id)
    )
    assert assessed.tuples().all() == [
        ("Integritas", 3, date(2025, 3, 14), "Assessment Center"),
        ("Pelayanan Publik", 1, date(2025, 3, 14), "Assessment Center"),
        ("Analisis Kebijakan Publik", 2, date(2025, 5, 2), "Uji Kompetensi"),
    ]
    again = await load(session, ImportKind.ASSESSMENTS, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


async def test_an_assessment_sheet_from_excel_with_date_cells(session: AsyncSession, tmp_path: Path) -> None:
    await _roster_and_standards(session, tmp_path)
    rows: list[list[Any]] = [ASSESSMENT_HEADER[:4], [MARIA[0], "Integritas", 3, date(2025, 3, 14)]]

    await load(session, ImportKind.ASSESSMENTS, write_xlsx(tmp_path / "asesmen.xlsx", rows))

    assert await session.scalar(select(Assessment.assessed_on)) == date(2025, 3, 14)


async def test_bad_assessment_rows_are_reported_by_line(session: AsyncSession, tmp_path: Path) -> None:
    await _roster_and_standards(session, tmp_path)
    bad = [
        ASSESSMENT_HEADER,
        ["198806062014031004", "Integritas", "3", "2025-03-14", ""],  # not on the roster
        [MARIA[0], "Kepemimpinan", "3", "2025-03-14", ""],
        [MARIA[0], "Integritas", "0", "2025-03-14", ""],
        [MARIA[0], "Integritas", "3", "2999-01-01", ""],
        [MARIA[0], "Integritas", "3", "14/03/2025", ""],
        [MARIA[0], "Pelayanan Publik", "3", "2025-03-14", ""],
        [MARIA[0], "Pelayanan Publik", "2", "2025-03-14", ""],  # the same as line 7
    ]

    errors = await rejected(session, ImportKind.ASSESSMENTS, write_csv(tmp_path / "buruk.csv", bad))

    assert where(errors) == [
        (2, "nip"),
        (3, "kompetensi"),
        (4, "level"),
        (5, "tanggal"),
        (6, "tanggal"),
        (8, "tanggal"),
    ]
    assert "tidak ada di data pegawai" in reason(errors, 2)
    assert "Kepemimpinan" in reason(errors, 3)
    assert "belum terjadi" in reason(errors, 5)
    assert "YYYY-MM-DD" in reason(errors, 6)
    assert "baris 7" in reason(errors, 8)
    assert await session.scalar(select(Assessment.id)) is None


HISTORY_HEADER = ["nip", "judul", "tanggal_selesai", "jp", "penyelenggara"]


async def test_jp_history_is_imported_and_reimported_without_change(
    session: AsyncSession, tmp_path: Path
) -> None:
    await _roster_and_standards(session, tmp_path)
    rows = [
        HISTORY_HEADER,
        [MARIA[0], "Bimbingan Teknis Pelayanan Prima", "2025-08-20", "16", "BPSDM Provinsi NTT"],
        [MARIA[0], "Coaching dan Mentoring Kinerja", "2025-09-02", "4", ""],
        [DORKAS[0], "E-Learning Penyusunan SKP", "2025-10-11", "20", "BKPSDM Kota Kupang"],
    ]
    path = write_csv(tmp_path / "riwayat.csv", rows)

    assert (await load(session, ImportKind.HISTORY, path)).created == 3
    before = await snapshot(session)
    again = await load(session, ImportKind.HISTORY, path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert await snapshot(session) == before
    records = await session.execute(select(LearningRecord.title, LearningRecord.jp, LearningRecord.organizer))
    assert ("Coaching dan Mentoring Kinerja", 4, None) in records.tuples().all()


async def test_bad_history_rows_are_reported_by_line(session: AsyncSession, tmp_path: Path) -> None:
    await _roster_and_standards(session, tmp_path)
    bad = [
        HISTORY_HEADER,
        [MARIA[0], "Seminar Kebijakan Publik", "2025-08-20", "1001", ""],
        [MARIA[0], "Seminar Kebijakan Publik", "2025-08-21", "-4", ""],
        ["198806062014031004", "Webinar Manajemen ASN", "2025-08-20", "2", ""],
        [MARIA[0], "Webinar Manajemen ASN", "2025-02-30", "2", ""],
        [MARIA[0], "", "2025-08-22", "2", ""],
    ]

    errors = await rejected(session, ImportKind.HISTORY, write_csv(tmp_path / "buruk.csv", bad))

    assert where(errors) == [(2, "jp"), (3, "jp"), (4, "nip"), (5, "tanggal_selesai"), (6, "judul")]
    assert "antara 0 dan 1000" in reason(errors, 2)
    assert "mustahil" in reason(errors, 5)


# ---------------------------------------------------------------------------------------------
# Events

EVENT_HEADER = [
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
    "kompetensi",
    "sasaran_jabatan",
    "deskripsi",
    "biaya",
]
PELAYANAN_PRIMA = [
    "PRIMA-2026-01",
    "Pelatihan Pelayanan Prima",
    "Pelatihan",
    "BKPSDM Kota Kupang",
    "2026-12-07 09:00",
    "2026-12-08 15:00",
    "Aula BKPSDM Kota Kupang",
    "30",
    "2026-12-05",
    "16",
    "Pelayanan Publik; Integritas",
    "Analis Kebijakan Ahli Muda",
    "Standar pelayanan dan penanganan pengaduan.",
    "1.500.000",
]
SEMINAR = [
    "UNDANA-2026-02",
    "Seminar Kebijakan Publik",
    "seminar",
    "Universitas Nusa Cendana",
    "2026-12-10 08:00",
    "2026-12-10 12:00",
    "Aula Rektorat Undana",
    "150",
    "2026-12-09 12:00",
    "4",
    "",
    "",
    "",
    "",
]


async def test_events_in_office_time_are_stored_in_utc(session: AsyncSession, tmp_path: Path) -> None:
    await _roster_and_standards(session, tmp_path)

    report = await load(
        session,
        ImportKind.EVENTS,
        write_csv(tmp_path / "kegiatan.csv", [EVENT_HEADER, PELAYANAN_PRIMA, SEMINAR]),
    )

    assert report.created == 2
    event = await session.scalar(select(Event).where(Event.code == "PRIMA-2026-01"))
    assert event is not None
    assert event.kind is EventKind.PELATIHAN
    assert event.starts_at == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09.00 WITA
    assert event.ends_at == datetime(2026, 12, 8, 7, 0, tzinfo=UTC)
    assert event.registration_deadline == datetime(2026, 12, 5, 15, 59, tzinfo=UTC)  # 23.59 WITA
    assert (event.quota, event.seats_taken, event.jp, event.cost) == (30, 0, 16, 1_500_000)
    targeted = await session.execute(
        select(Competency.name)
        .join(event_competencies, event_competencies.c.competency_id == Competency.id)
        .where(event_competencies.c.event_id == event.id)
    )
    assert set(targeted.scalars()) == {"Pelayanan Publik", "Integritas"}
    positions = await session.scalars(
        select(event_positions.c.position_id).where(event_positions.c.event_id == event.id)
    )
    assert len(list(positions)) == 1
    seminar = await session.scalar(select(Event).where(Event.code == "UNDANA-2026-02"))
    assert seminar is not None
    assert (seminar.cost, seminar.description) == (None, None)
    assert seminar.registration_deadline == datetime(2026, 12, 9, 4, 0, tzinfo=UTC)


async def test_reimporting_events_changes_nothing_and_an_update_keeps_the_seats_taken(
    session: AsyncSession, tmp_path: Path
) -> None:
    await _roster_and_standards(session, tmp_path)
    path = write_csv(tmp_path / "kegiatan.csv", [EVENT_HEADER, PELAYANAN_PRIMA, SEMINAR])
    await load(session, ImportKind.EVENTS, path)
    await session.execute(update(Event).where(Event.code == "PRIMA-2026-01").values(seats_taken=12))
    await session.commit()
    before = await snapshot(session)

    again = await load(session, ImportKind.EVENTS, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert await snapshot(session) == before

    moved = [
        *PELAYANAN_PRIMA[:4],
        "2026-12-14 08:00",
        "2026-12-15 15:00",
        *PELAYANAN_PRIMA[6:10],
        "Integritas",
    ]
    header = EVENT_HEADER[:11]
    changed = await load(session, ImportKind.EVENTS, write_csv(tmp_path / "ubah.csv", [header, moved]))

    assert (changed.created, changed.updated) == (0, 1)
    event = await session.scalar(select(Event).where(Event.code == "PRIMA-2026-01"))
    assert event is not None
    assert event.seats_taken == 12
    assert event.starts_at == datetime(2026, 12, 14, 0, 0, tzinfo=UTC)
    assert (event.cost, event.description) == (1_500_000, "Standar pelayanan dan penanganan pengaduan.")
    links = await session.scalars(
        select(event_competencies.c.competency_id).where(event_competencies.c.event_id == event.id)
    )
    assert len(list(links)) == 1
    kept = await session.scalars(
        select(event_positions.c.position_id).where(event_positions.c.event_id == event.id)
    )
    assert len(list(kept)) == 1, "a file without sasaran_jabatan keeps the target positions"

    shrunk = [*PELAYANAN_PRIMA[:7], "10", *PELAYANAN_PRIMA[8:]]
    errors = await rejected(
        session, ImportKind.EVENTS, write_csv(tmp_path / "kecil.csv", [EVENT_HEADER, shrunk])
    )
    assert where(errors) == [(2, "kuota")]
    assert "12" in errors[0].reason


async def test_bad_event_rows_are_reported_by_line(session: AsyncSession, tmp_path: Path) -> None:
    await _roster_and_standards(session, tmp_path)

    def variant(**changes: str) -> list[str]:
        row = dict(zip(EVENT_HEADER, PELAYANAN_PRIMA, strict=True))
        row["kode"] = f"PRIMA-2026-{len(bad):02d}"
        row.update(changes)
        return list(row.values())

    bad: list[list[str]] = [EVENT_HEADER]
    bad.append(variant(selesai="2026-12-06 15:00"))  # 2: ends before it starts
    bad.append(variant(batas_daftar="2026-12-07 10:00"))  # 3: deadline after the start
    bad.append(variant(kompetensi="Pelayanan Publik;Kepemimpinan Digital"))  # 4
    bad.append(variant(kode="PRIMA 2026/05"))  # 5
    bad.append(variant(jenis="kursus"))  # 6
    bad.append(variant(mulai="07-12-2026 09:00"))  # 7
    bad.append(variant(kuota="-1"))  # 8
    bad.append(variant(biaya="1,5 juta"))  # 9
    bad.append(variant(sasaran_jabatan="Camat"))  # 10
    bad.append(variant(kode="PRIMA-2026-09"))  # 11: the code of line 10

    errors = await rejected(session, ImportKind.EVENTS, write_csv(tmp_path / "buruk.csv", bad))

    assert where(errors) == [
        (2, "selesai"),
        (3, "batas_daftar"),
        (4, "kompetensi"),
        (5, "kode"),
        (6, "jenis"),
        (7, "mulai"),
        (8, "kuota"),
        (9, "biaya"),
        (10, "sasaran_jabatan"),
        (11, "kode"),
    ]
    assert "Kepemimpinan Digital" in reason(errors, 4)
    assert "pelatihan, seminar, workshop" in reason(errors, 6)
    assert "1.500.000" in reason(errors, 9)
    assert "baris 10" in reason(errors, 11)
    assert await session.scalar(select(Event.id)) is None


async def test_an_events_sheet_from_excel_with_datetime_cells(session: AsyncSession, tmp_path: Path) -> None:
    await _roster_and_standards(session, tmp_path)
    row: list[Any] = [*SEMINAR[:4], datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 10, 12, 0), SEMINAR[6]]
    row += [150, date(2026, 12, 9), 4]

    await load(session, ImportKind.EVENTS, write_xlsx(tmp_path / "kegiatan.xlsx", [EVENT_HEADER[:10], row]))

    event = await session.scalar(select(Event))
    assert event is not None
    assert event.starts_at == datetime(2026, 12, 10, 0, 0, tzinfo=UTC)
    assert event.registration_deadline == datetime(2026, 12, 9, 15, 59, tzinfo=UTC)
