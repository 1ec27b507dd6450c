"""HR on the server: `asn-bot export registrations` writes an event's registrants as CSV or
XLSX, and `asn-bot verify` says whether a certificate is genuine."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from db import registration
from db.engine import create_engine, session_factory
from db.models import AuditLog, Registration, RegistrationStatus
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import register

CODE = "PKP-2026-01"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    """The CLI configured through the environment, in a scratch folder."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _seed(database_url: str) -> str:
    """Two registrants (one attended, with a certificate); returns the certificate code."""

    async def seed() -> str:
        engine = create_engine(database_url)
        async with session_factory(engine)() as session:
            event = await make_event(
                session, CODE, starts_at=wita(2026, 12, 7), title="Pelatihan Pelayanan Prima"
            )
            first, second = await make_employees(session, 2)
            await register(session, first, event)
            await register(session, second, event, status=RegistrationStatus.WAITLISTED)
            registration_id = await session.scalar(
                select(Registration.id).where(Registration.employee_id == first.id)
            )
            assert registration_id is not None
            await registration.mark_attended(
                session,
                registration_id=registration_id,
                actor=None,
                now=datetime(2026, 12, 7, 2, 0, tzinfo=UTC),
                timezone=WITA,
            )
            certificate = await registration.certificate(
                session, registration_id=registration_id, employee_id=first.id
            )
        await engine.dispose()
        return certificate.code

    return asyncio.run(seed())


def _audited(database_url: str) -> list[str]:
    async def actions() -> list[str]:
        engine = create_engine(database_url)
        async with session_factory(engine)() as session:
            found = list(await session.scalars(select(AuditLog.action)))
        await engine.dispose()
        return found

    return asyncio.run(actions())


def _csv(data: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data, newline=""), delimiter=";"))


def test_export_writes_a_csv_named_after_the_event_by_default(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(database_url)
    assert main(["export", "registrations", CODE.lower()]) == 0
    assert "2 pendaftar" in capsys.readouterr().out
    rows = _csv((env / f"pendaftar-{CODE}.csv").read_text(encoding="utf-8-sig"))
    assert [row["Status"] for row in rows] == ["hadir", "daftar tunggu"]
    assert rows[0]["NIP"] == "199001012015051000"
    assert rows[0]["Waktu Hadir"] == "2026-12-07 10:00"
    assert rows[1]["Urutan Daftar Tunggu"] == "1"
    assert "registrations.exported" in _audited(database_url)


def test_an_english_cli_exports_english_headers_and_statuses(
    env: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(database_url)
    monkeypatch.setenv("CLI_LANGUAGE", "en")
    assert main(["export", "registrations", CODE, "-o", "list.csv"]) == 0
    rows = _csv((env / "list.csv").read_text(encoding="utf-8-sig"))
    assert list(rows[0])[:3] == ["No.", "Name", "NIP"]
    assert [row["Status"] for row in rows] == ["attended", "waiting list"]
    assert main(["export", "registrations", CODE, "--format", "xlsx", "-o", "list.xlsx"]) == 0
    sheet = load_workbook(env / "list.xlsx").active
    assert sheet is not None
    assert next(sheet.iter_rows(values_only=True))[:6] == (
        "No.",
        "Name",
        "NIP",
        "Work Unit",
        "Position",
        "Status",
    )


def test_export_as_xlsx_to_a_chosen_file(env: Path, database_url: str) -> None:
    _seed(database_url)
    assert main(["export", "registrations", CODE, "--format", "xlsx", "-o", "daftar.xlsx"]) == 0
    sheet = load_workbook(env / "daftar.xlsx").active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("No", "Nama", "NIP")
    assert values[1][1] == "ASN Kupang 000"
    assert values[1][5] == "hadir"
    assert len(values) == 3


def test_export_to_standard_output(
    env: Path, database_url: str, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    _seed(database_url)
    assert main(["export", "registrations", CODE, "-o", "-"]) == 0
    out = capfdbinary.readouterr().out.decode("utf-8-sig")
    assert out.splitlines()[0].startswith('"No";"Nama";"NIP";"Unit Kerja"')
    assert not list(env.glob("pendaftar-*"))


def test_an_unknown_event_code_is_an_error(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(database_url)
    assert main(["export", "registrations", "TIDAK-ADA"]) == 1
    assert "TIDAK-ADA" in capsys.readouterr().err
    assert not list(env.glob("pendaftar-*"))


def test_verify_confirms_a_genuine_certificate(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _seed(database_url)
    assert main(["verify", code.lower()]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ASLI: sertifikat {code}")
    assert "ASN Kupang 000" in out
    assert "Pelatihan Pelayanan Prima" in out
    assert "8 JP" in out
    assert "Senin, 7 Desember 2026, 09.00 WITA" in out


def test_verify_says_not_genuine_for_an_unknown_code(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(database_url)
    assert main(["verify", "ABCD2345EFGH6789"]) == 1
    assert "TIDAK ASLI" in capsys.readouterr().err
