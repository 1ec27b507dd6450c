"""A file HR sends is read by its header: a column its kind does not know (a misspelt optional
column, above all) refuses the file before anything changes, naming it and the known columns;
dates and times are written as in the chat."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, ImportKind
from db.models import Assessment, Event, LearningRecord
from tests.utils.import_files import (
    MARIA,
    load,
    reason,
    rejected,
    roster_and_standards,
    said,
    snapshot,
    where,
    write_csv,
)

EVENT = {
    "kode": "PRIMA-2027-01",
    "judul": "Pelatihan Pelayanan Prima",
    "jenis": "pelatihan",
    "penyelenggara": "BKPSDM Kota Kupang",
    "mulai": "2027-01-12 08:00",
    "selesai": "2027-01-13 16:00",
    "lokasi": "Aula BKPSDM Kota Kupang",
    "kuota": "30",
    "batas_daftar": "2027-01-08",
    "jp": "16",
}


@pytest.mark.parametrize("kind", list(ImportKind))
async def test_a_file_with_an_unknown_column_is_refused_naming_it_and_the_known_ones(
    session: AsyncSession, tmp_path: Path, kind: ImportKind
) -> None:
    header = [*REQUIRED_COLUMNS[kind], "catatan_internal"]

    errors = await rejected(session, kind, write_csv(tmp_path / "berkas.csv", [header, ["x"] * len(header)]))

    assert [(error.line, error.reason) for error in errors] == [(1, "columns_unknown")]
    indonesian, english = said(errors[0]), said(errors[0], "en")
    assert "kolom tidak dikenal: 'catatan_internal'" in indonesian
    assert "unknown columns: 'catatan_internal'" in english
    for column in (*REQUIRED_COLUMNS[kind], *OPTIONAL_COLUMNS[kind]):
        assert column in indonesian
        assert column in english


async def test_a_misspelt_setting_changes_nothing_in_an_events_file(
    session: AsyncSession, tmp_path: Path
) -> None:
    await roster_and_standards(session, tmp_path)
    await load(
        session, ImportKind.EVENTS, write_csv(tmp_path / "kegiatan.csv", [list(EVENT), list(EVENT.values())])
    )
    before = await snapshot(session)
    misspelt = {**EVENT, "judul": "Pelatihan Pelayanan Prima Angkatan II", "pembagian_kursii": "prioritas"}

    errors = await rejected(
        session,
        ImportKind.EVENTS,
        write_csv(tmp_path / "ubah.csv", [list(misspelt), list(misspelt.values())]),
    )

    assert where(errors) == [(1, None)]
    assert "'pembagian_kursii'" in said(errors[0])
    assert "pembagian_kursi" in said(errors[0]).partition("Kolom pilihan")[2]
    assert await snapshot(session) == before


async def test_missing_and_unknown_columns_are_reported_together(
    session: AsyncSession, tmp_path: Path
) -> None:
    header = ["nip", "nama_lengkap", "jabatan", "jenis_jabatan", "unit_kerja", "golongan", "telepon"]

    errors = await rejected(
        session, ImportKind.EMPLOYEES, write_csv(tmp_path / "pegawai.csv", [header, header])
    )

    assert where(errors) == [(1, "nama"), (1, None)]
    assert "'nama_lengkap'" in reason(errors, 1)


async def test_event_times_are_written_as_in_the_chat(session: AsyncSession, tmp_path: Path) -> None:
    await roster_and_standards(session, tmp_path)
    written = [
        ("A-1", "15/01/2027 08.00", "15/01/2027 16.00", "10/01/2027"),
        ("A-2", "20-01-2027 09:00", "21-01-2027 pukul 12.00", "18-01-2027 12:00"),
        ("A-3", "2027-01-15 08:00", "2027-1-15 16:00", "2027-01-10"),
        ("A-4", "15.01.2027 08.00 WITA", "15.01.2027 16.00 WITA", "10.01.2027"),
    ]
    rows = [list(EVENT)] + [
        list({**EVENT, "kode": code, "mulai": start, "selesai": end, "batas_daftar": deadline}.values())
        for code, start, end, deadline in written
    ]

    await load(session, ImportKind.EVENTS, write_csv(tmp_path / "kegiatan.csv", rows))

    events = {event.code: event for event in await session.scalars(select(Event))}
    assert events["A-1"].starts_at == datetime(2027, 1, 15, 0, 0, tzinfo=UTC)  # 08.00 WITA
    assert events["A-1"].registration_deadline == datetime(2027, 1, 10, 15, 59, tzinfo=UTC)  # 23.59 WITA
    assert events["A-2"].starts_at == datetime(2027, 1, 20, 1, 0, tzinfo=UTC)
    assert events["A-2"].ends_at == datetime(2027, 1, 21, 4, 0, tzinfo=UTC)
    assert events["A-2"].registration_deadline == datetime(2027, 1, 18, 4, 0, tzinfo=UTC)
    assert events["A-3"].ends_at == events["A-1"].ends_at == events["A-4"].ends_at
    assert events["A-4"].registration_deadline == events["A-1"].registration_deadline


async def test_an_event_time_that_cannot_be_read_says_how_to_write_it(
    session: AsyncSession, tmp_path: Path
) -> None:
    await roster_and_standards(session, tmp_path)
    rows = [
        list(EVENT),
        list({**EVENT, "kode": "B-1", "mulai": "15/01/2027"}.values()),  # a start needs its time
        list({**EVENT, "kode": "B-2", "mulai": "31/02/2027 08.00"}.values()),
        list({**EVENT, "kode": "B-3", "batas_daftar": "besok"}.values()),
    ]

    errors = await rejected(session, ImportKind.EVENTS, write_csv(tmp_path / "kegiatan.csv", rows))

    assert where(errors) == [(2, "mulai"), (3, "mulai"), (4, "batas_daftar")]
    assert "15/01/2027 08.00" in reason(errors, 2)
    assert "mustahil: '31/02/2027 08.00'" in reason(errors, 3)
    assert "tanggalnya saja" in reason(errors, 4)
    assert "or the date alone" in said(errors[2], "en")


async def test_history_and_assessment_dates_are_written_as_in_the_chat(
    session: AsyncSession, tmp_path: Path
) -> None:
    await roster_and_standards(session, tmp_path)
    history = [
        ["nip", "judul", "tanggal_selesai", "jp"],
        [MARIA[0], "Bimtek SKP", "15/11/2026", "8"],
        [MARIA[0], "Webinar Merit", "20-10-2026", "2"],
        [MARIA[0], "Diklat Teknis", "2026-09-01", "16"],
    ]
    assessments = [["nip", "kompetensi", "level", "tanggal"], [MARIA[0], "Integritas", "3", "14.03.2025"]]

    await load(session, ImportKind.HISTORY, write_csv(tmp_path / "riwayat.csv", history))
    await load(session, ImportKind.ASSESSMENTS, write_csv(tmp_path / "asesmen.csv", assessments))

    days = set(await session.scalars(select(LearningRecord.completed_on)))
    assert days == {date(2026, 11, 15), date(2026, 10, 20), date(2026, 9, 1)}
    assert await session.scalar(select(Assessment.assessed_on)) == date(2025, 3, 14)


async def test_a_history_date_that_cannot_be_read_says_how_to_write_it(
    session: AsyncSession, tmp_path: Path
) -> None:
    await roster_and_standards(session, tmp_path)
    history = [
        ["nip", "judul", "tanggal_selesai", "jp"],
        [MARIA[0], "Bimtek SKP", "15 November 2026", "8"],
        [MARIA[0], "Webinar Merit", "31/09/2026", "2"],
    ]

    errors = await rejected(session, ImportKind.HISTORY, write_csv(tmp_path / "riwayat.csv", history))

    assert where(errors) == [(2, "tanggal_selesai"), (3, "tanggal_selesai")]
    assert "15/01/2027, 15-01-2027 atau 2027-01-15" in reason(errors, 2)
    assert "tanggal mustahil" in reason(errors, 3)
