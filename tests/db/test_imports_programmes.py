"""HR imports the training programmes it could commission (the budget plan's candidates): a good
file is imported and re-importing it changes nothing; a file with a row without any cost, a
competency nobody has heard of or a title twice changes nothing and names each line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import ImportKind
from db.models import Programme
from tests.utils.import_files import load, reason, rejected, roster_and_standards, where, write_csv

HEADER = [
    "judul",
    "kompetensi",
    "jp",
    "biaya_per_angkatan",
    "biaya_per_peserta",
    "kursi_per_angkatan",
    "maks_angkatan",
]
PRIMA = ["Pelatihan Pelayanan Prima", "Pelayanan Publik;Integritas", "24", "15.000.000", "250.000", "30", "4"]


async def test_programmes_are_imported_and_reimported_without_change(
    session: AsyncSession, tmp_path: Path
) -> None:
    await roster_and_standards(session, tmp_path)
    file = write_csv(tmp_path / "program.csv", [HEADER, PRIMA])

    first = await load(session, ImportKind.PROGRAMMES, file)
    again = await load(session, ImportKind.PROGRAMMES, file)

    assert (first.created, again.created, again.updated, again.unchanged) == (1, 0, 0, 1)
    programme = await session.scalar(select(Programme))
    assert programme is not None
    assert (programme.cost_per_batch, programme.cost_per_participant) == (15_000_000, 250_000)
    assert (programme.seats_per_batch, programme.max_batches, programme.jp) == (30, 4, 24)


async def test_bad_programme_rows_are_reported_by_line(session: AsyncSession, tmp_path: Path) -> None:
    await roster_and_standards(session, tmp_path)
    bad = [
        HEADER,
        PRIMA,
        ["Bimtek Tanpa Biaya", "Integritas", "8", "", "", "20", "1"],
        ["Bimtek Kepemimpinan", "Kepemimpinan Visioner", "8", "5.000.000", "", "20", "1"],
        ["Pelatihan Pelayanan Prima", "Integritas", "16", "", "100.000", "20", "1"],
    ]

    errors = await rejected(session, ImportKind.PROGRAMMES, write_csv(tmp_path / "buruk.csv", bad))

    assert [line for line, _ in where(errors)] == [3, 4, 5]
    assert "biaya per angkatan, biaya per peserta, atau keduanya" in reason(errors, 3)
    assert "Kepemimpinan Visioner" in reason(errors, 4)
    assert "baris 2" in reason(errors, 5)
    assert await session.scalar(select(Programme.id)) is None
