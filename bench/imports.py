"""Import: HR's 100,000-row employees file through the project's importer, as `.csv` and as
`.xlsx`, against a bare SQLAlchemy Core bulk insert of the same rows.

Each of the three writes into a fresh migrated database of the same kind.  The importer's time
is `db.imports.import_file` — what `asn-bot import employees FILE` runs: reading the file,
checking every row, upserting the units, positions and employees, one commit.  The bare insert
starts from the rows already in memory and only inserts them (units and positions first, for
their ids): the database's ceiling for these rows.  Writing the files is not timed.
"""

from __future__ import annotations

import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bench.data import employee_rows, write_csv, write_xlsx
from bench.harness import Databases
from db.engine import create_engine, session_factory
from db.imports import ImportKind, import_file
from db.models import Employee, Position, Unit
from db.types import utcnow


async def _import(url: str, path: Path, timezone: ZoneInfo) -> float:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            started = time.perf_counter()
            report = await import_file(session, kind=ImportKind.EMPLOYEES, path=path, timezone=timezone)
            seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    if report.created != report.rows:
        raise RuntimeError(f"{path.name}: {report.created} of {report.rows} rows created")
    return seconds


async def _bare(url: str, rows: list[dict[str, str]]) -> float:
    engine = create_engine(url)
    try:
        started = time.perf_counter()
        async with engine.begin() as conn:
            now = utcnow()
            ids: dict[type[Unit] | type[Position], dict[str, int]] = {}
            for model, column in ((Unit, "unit_kerja"), (Position, "jabatan")):
                names = sorted({row[column] for row in rows})
                await conn.execute(insert(model), [{"name": name} for name in names])
                ids[model] = {name: id_ for id_, name in await conn.execute(select(model.id, model.name))}
            await conn.execute(
                insert(Employee),
                [
                    {
                        "nip": row["nip"],
                        "name": row["nama"],
                        "position_id": ids[Position][row["jabatan"]],
                        "position_type": row["jenis_jabatan"],
                        "unit_id": ids[Unit][row["unit_kerja"]],
                        "rank": row["golongan"],
                        "phone": row["telepon"],
                        "email": row["email"],
                        "updated_at": now,
                    }
                    for row in rows
                ],
            )
        return time.perf_counter() - started
    finally:
        await engine.dispose()


async def run(databases: Databases, *, rows: int, workdir: Path, timezone: ZoneInfo) -> dict[str, float]:
    """The section's figures: rows per second for csv, xlsx and the bare insert."""
    data = employee_rows(rows)
    csv_path, xlsx_path = workdir / "pegawai.csv", workdir / "pegawai.xlsx"
    write_csv(csv_path, data)
    write_xlsx(xlsx_path, data)
    csv_seconds = await _import(await databases.fresh(), csv_path, timezone)
    xlsx_seconds = await _import(await databases.fresh(), xlsx_path, timezone)
    bare_seconds = await _bare(await databases.fresh(), data)
    csv_rate = rows / csv_seconds
    bare_rate = rows / bare_seconds
    return {
        "import.csv_rows_per_s": csv_rate,
        "import.xlsx_rows_per_s": rows / xlsx_seconds,
        "import.bare_rows_per_s": bare_rate,
        "import.ratio": csv_rate / bare_rate,
    }
