"""HR imports its events from CSV or Excel: office time stored as UTC, targets linked by name,
re-import changes nothing, an update keeps the seats taken, bad rows are reported by line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import ImportKind
from db.models import Competency, Event, EventKind, event_competencies, event_positions
from tests.utils.import_files import (
    load,
    reason,
    rejected,
    roster_and_standards,
    said,
    snapshot,
    where,
    write_csv,
    write_xlsx,
)

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
    await roster_and_standards(session, tmp_path)

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
    await roster_and_standards(session, tmp_path)
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
    assert "12" in said(errors[0])


async def test_bad_event_rows_are_reported_by_line(session: AsyncSession, tmp_path: Path) -> None:
    await roster_and_standards(session, tmp_path)

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
    bad.append(variant(mulai="7 Desember 2026 09:00"))  # 7: a month in words
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
    await roster_and_standards(session, tmp_path)
    row: list[Any] = [*SEMINAR[:4], datetime(2026, 12, 10, 8, 0), datetime(2026, 12, 10, 12, 0), SEMINAR[6]]
    row += [150, date(2026, 12, 9), 4]

    await load(session, ImportKind.EVENTS, write_xlsx(tmp_path / "kegiatan.xlsx", [EVENT_HEADER[:10], row]))

    event = await session.scalar(select(Event))
    assert event is not None
    assert event.starts_at == datetime(2026, 12, 10, 0, 0, tzinfo=UTC)
    assert event.registration_deadline == datetime(2026, 12, 9, 15, 59, tzinfo=UTC)
