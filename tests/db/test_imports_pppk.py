"""PPPK are ASN too: the roster file takes their NI PPPK and grades I–XVII, an optional `status`
column (CPNS, PNS, PPPK) that defaults from the number, and checks each status by its own rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import ImportKind
from db.models import Employee, EmploymentStatus
from tests.utils.import_files import EMPLOYEE_HEADER, MARIA, load, reason, rejected, said, where, write_csv

# The file an HR officer tried: a nurse with an NI PPPK (appointed 2023, `21` where a NIP has its
# TMT month) and PPPK grade IX.
VERONIKA = [
    "199503152023212013",
    "Veronika Seran",
    "Perawat Ahli Pertama",
    "Fungsional",
    "RSUD S. K. Lerik",
    "IX",
    "0812-3770-2013",
    "",
]
HEADER_WITH_STATUS = [*EMPLOYEE_HEADER, "status"]


async def roster(session: AsyncSession) -> dict[str, tuple[EmploymentStatus, str]]:
    rows = await session.execute(select(Employee.nip, Employee.status, Employee.rank))
    return {nip: (status, rank) for nip, status, rank in rows.tuples()}


async def test_the_pppk_file_that_was_refused_is_accepted_with_the_status_taken_from_the_number(
    session: AsyncSession, tmp_path: Path
) -> None:
    report = await load(
        session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", [EMPLOYEE_HEADER, MARIA, VERONIKA])
    )

    assert report.created == 2
    assert await roster(session) == {
        "198609262015052001": (EmploymentStatus.PNS, "III/c"),
        "199503152023212013": (EmploymentStatus.PPPK, "IX"),
    }


@pytest.mark.parametrize(("written", "stored"), [("ix", "IX"), (" 9 ", "IX"), ("XVII", "XVII"), ("1", "I")])
async def test_pppk_grades_are_read_in_roman_or_arabic_numerals(
    session: AsyncSession, tmp_path: Path, written: str, stored: str
) -> None:
    row = [*VERONIKA[:5], written, *VERONIKA[6:], "pppk"]

    await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", [HEADER_WITH_STATUS, row]))

    assert await roster(session) == {"199503152023212013": (EmploymentStatus.PPPK, stored)}


async def test_a_cpns_is_one_only_when_stated_and_the_status_column_is_read_whatever_its_case(
    session: AsyncSession, tmp_path: Path
) -> None:
    cpns = ["200001012025041001", "Yakob Tse", "Penata Kelola Pemerintahan", "Pelaksana", "BKPSDM", "III/a"]
    rows = [
        HEADER_WITH_STATUS,
        [*MARIA, ""],
        [*cpns, "081338001234", "", "Cpns"],
        [*VERONIKA, "PPPK"],
    ]

    await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", rows))

    assert await roster(session) == {
        "198609262015052001": (EmploymentStatus.PNS, "III/c"),
        "200001012025041001": (EmploymentStatus.CPNS, "III/a"),
        "199503152023212013": (EmploymentStatus.PPPK, "IX"),
    }


async def test_a_file_without_the_status_column_keeps_a_stated_cpns(
    session: AsyncSession, tmp_path: Path
) -> None:
    await load(
        session, ImportKind.EMPLOYEES, write_csv(tmp_path / "a.csv", [HEADER_WITH_STATUS, [*MARIA, "CPNS"]])
    )

    report = await load(
        session, ImportKind.EMPLOYEES, write_csv(tmp_path / "b.csv", [EMPLOYEE_HEADER, MARIA])
    )

    assert report.unchanged == 1
    assert await roster(session) == {"198609262015052001": (EmploymentStatus.CPNS, "III/c")}


@pytest.mark.parametrize(
    ("row", "column", "id_words", "en_words"),
    [
        (  # a PNS with an NI PPPK: digits 13–14 are no month
            [*VERONIKA[:5], "III/a", *VERONIKA[6:], "PNS"],
            "nip",
            "bulan TMT CPNS mustahil (2023-21); nomor ini berbentuk NI PPPK",
            "impossible CPNS start month (2023-21); this number is shaped like an NI PPPK",
        ),
        (  # a PPPK with a NIP: its digits 13–14 are a month
            [*MARIA[:5], "IX", *MARIA[6:], "PPPK"],
            "nip",
            "NI PPPK tidak valid: digit ke-13–14 NI PPPK bukan bulan",
            "invalid NI PPPK: digits 13–14 of an NI PPPK are not a month",
        ),
        (  # PPPK, stated, with a PNS golongan
            [*VERONIKA[:5], "III/a", *VERONIKA[6:], "PPPK"],
            "golongan",
            "golongan 'III/a' adalah golongan PNS, sedangkan pegawai ini PPPK",
            "golongan 'III/a' is a PNS rank, but this employee is a PPPK",
        ),
        (  # PPPK by the number alone, with a PNS golongan
            [*VERONIKA[:5], "III/a", *VERONIKA[6:], ""],
            "golongan",
            "golongan 'III/a' adalah golongan PNS, sedangkan pegawai ini PPPK",
            "golongan 'III/a' is a PNS rank, but this employee is a PPPK",
        ),
        (  # a PNS with a PPPK grade
            [*MARIA[:5], "IX", *MARIA[6:], "PNS"],
            "golongan",
            "golongan 'IX' adalah golongan PPPK, sedangkan status pegawai ini PNS",
            "golongan 'IX' is a PPPK grade, but this employee's status is PNS",
        ),
        (
            [*VERONIKA[:5], "XVIII", *VERONIKA[6:], "PPPK"],
            "golongan",
            "golongan PPPK tidak dikenal: 'XVIII'; tulis I sampai XVII",
            "unknown PPPK grade: 'XVIII'; write I to XVII",
        ),
        (
            [*MARIA, "honorer"],
            "status",
            "status kepegawaian tidak dikenal: 'honorer'; tulis salah satu dari CPNS, PNS, PPPK",
            "unknown employment status: 'honorer'; write one of CPNS, PNS, PPPK",
        ),
    ],
)
async def test_each_status_is_checked_by_its_own_rules_with_the_reason_in_both_languages(
    session: AsyncSession, tmp_path: Path, row: list[str], column: str, id_words: str, en_words: str
) -> None:
    errors = await rejected(
        session, ImportKind.EMPLOYEES, write_csv(tmp_path / "p.csv", [HEADER_WITH_STATUS, row])
    )

    assert where(errors) == [(2, column)]
    assert id_words in said(errors[0])
    assert en_words in said(errors[0], "en")
    assert await roster(session) == {}


async def test_a_bad_row_reports_its_status_and_its_golongan_together(
    session: AsyncSession, tmp_path: Path
) -> None:
    row = [*VERONIKA[:5], "III/x", *VERONIKA[6:], "PNS"]

    errors = await rejected(
        session, ImportKind.EMPLOYEES, write_csv(tmp_path / "p.csv", [HEADER_WITH_STATUS, row])
    )

    assert where(errors) == [(2, "nip"), (2, "golongan")]
    assert "III/x" in reason(errors, 2)
