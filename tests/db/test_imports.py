"""HR imports its files from CSV or Excel, all or nothing: a file with bad rows is refused
whole, with every bad row by line. Here: reading files and the roster (standards, assessments and history:
test_imports_records; events: test_imports_events; their shared helpers: tests/utils/import_files)."""

from __future__ import annotations

import string
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import (
    ImportKind,
    ImportReport,
    UnreadableFile,
    read_rows,
)
from db.models import (
    Employee,
    Position,
    Unit,
)
from messages.renderer import label_keys
from tests.utils.import_files import (
    DORKAS,
    EMPLOYEE_HEADER,
    MARIA,
    RENDERER,
    ROSTER,
    YOHANES,
    load,
    reason,
    rejected,
    said,
    snapshot,
    store_whole_numbers,
    where,
    write_csv,
    write_xlsx,
)

# ---------------------------------------------------------------------------------------------
# The reasons HR reads


def test_every_reason_has_the_same_values_to_fill_in_both_languages() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    reasons = sorted(key for key in label_keys("id") if key.startswith("import."))
    assert "import.nip_length" in reasons
    for key in reasons:
        assert fields(RENDERER.label(key, "id")) == fields(RENDERER.label(key, "en")), key


def test_a_reason_reads_in_the_language_asked_for(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_rows(tmp_path / "pegawai.ods")
    error = refused.value.errors[0]
    assert (error.line, error.reason, error.values) == (0, "format_unsupported", {"suffix": ".ods"})
    assert said(error) == "format berkas '.ods' tidak didukung; simpan sebagai .xlsx atau .csv (UTF-8)"
    assert said(error, "en") == "file format '.ods' is not supported; save it as .xlsx or .csv (UTF-8)"


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
    assert ".xls" in said(refused.value.errors[0])
    assert ".xlsx" in said(refused.value.errors[0])


def test_a_csv_saved_in_a_windows_encoding_is_refused_asking_for_utf8(tmp_path: Path) -> None:
    path = tmp_path / "pegawai.csv"
    path.write_bytes("nip;nama\n1;Andr\u00e9\n".encode("cp1252"))
    with pytest.raises(UnreadableFile) as refused:
        read_rows(path)
    assert "UTF-8" in said(refused.value.errors[0])


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
    assert said(errors[0]) == "NIP tidak valid: tanggal lahir mustahil (1986-02-30)"


async def test_a_phone_number_already_on_another_asn_is_refused(
    session: AsyncSession, tmp_path: Path
) -> None:
    await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "lama.csv", [EMPLOYEE_HEADER, YOHANES]))
    newcomer = [*DORKAS[:6], "0813-3912-4470", ""]  # Yohanes's number, written another way

    errors = await rejected(
        session, ImportKind.EMPLOYEES, write_csv(tmp_path / "baru.csv", [EMPLOYEE_HEADER, newcomer])
    )

    assert where(errors) == [(2, "telepon")]
    assert "197204152000031002" in said(errors[0])


async def test_a_file_without_a_required_column_names_it_on_line_1(
    session: AsyncSession, tmp_path: Path
) -> None:
    rows = [
        [cell for cell, name in zip(row, EMPLOYEE_HEADER, strict=True) if name != "telepon"] for row in ROSTER
    ]

    errors = await rejected(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", rows))

    assert where(errors) == [(1, "telepon")]
    assert "telepon" in said(errors[0])


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
    assert "Teks" in said(errors[0])
