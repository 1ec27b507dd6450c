"""HR imports position standards, assessment results and JP history: each upserted by its
natural key, all or nothing, and a file with bad rows is refused whole with every bad row."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import ImportKind
from db.models import Assessment, Competency, CompetencyGroup, LearningRecord, Position, PositionStandard
from tests.utils.import_files import (
    DORKAS,
    MARIA,
    STANDARD_HEADER,
    STANDARDS,
    load,
    reason,
    rejected,
    roster_and_standards,
    snapshot,
    where,
    write_csv,
    write_xlsx,
)


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


ASSESSMENT_HEADER = ["nip", "kompetensi", "level", "tanggal", "metode"]


async def test_assessment_results_are_imported_for_the_roster(session: AsyncSession, tmp_path: Path) -> None:
    await roster_and_standards(session, tmp_path)
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
    await roster_and_standards(session, tmp_path)
    rows: list[list[Any]] = [ASSESSMENT_HEADER[:4], [MARIA[0], "Integritas", 3, date(2025, 3, 14)]]

    await load(session, ImportKind.ASSESSMENTS, write_xlsx(tmp_path / "asesmen.xlsx", rows))

    assert await session.scalar(select(Assessment.assessed_on)) == date(2025, 3, 14)


async def test_bad_assessment_rows_are_reported_by_line(session: AsyncSession, tmp_path: Path) -> None:
    await roster_and_standards(session, tmp_path)
    bad = [
        ASSESSMENT_HEADER,
        ["198806062014031004", "Integritas", "3", "2025-03-14", ""],  # not on the roster
        [MARIA[0], "Kepemimpinan", "3", "2025-03-14", ""],
        [MARIA[0], "Integritas", "0", "2025-03-14", ""],
        [MARIA[0], "Integritas", "3", "2999-01-01", ""],
        [MARIA[0], "Integritas", "3", "14 Maret 2025", ""],
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
    assert "15/01/2027" in reason(errors, 6)
    assert "baris 7" in reason(errors, 8)
    assert await session.scalar(select(Assessment.id)) is None


HISTORY_HEADER = ["nip", "judul", "tanggal_selesai", "jp", "penyelenggara"]


async def test_jp_history_is_imported_and_reimported_without_change(
    session: AsyncSession, tmp_path: Path
) -> None:
    await roster_and_standards(session, tmp_path)
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
    await roster_and_standards(session, tmp_path)
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
