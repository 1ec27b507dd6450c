"""The command line as an HR officer uses it: migrations, sample data, imports, roles and
one-time link codes."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import logs
from bot.cli import main
from db.engine import create_engine, session_factory
from db.models import Base, Employee, LinkCode, Role, RoleGrant

HEADER = "nip,nama,jabatan,jenis_jabatan,unit_kerja,golongan,telepon,email\n"
UNIT = "BKPSDM Kota Kupang"
GOOD = (
    HEADER
    + f"198609262015052001,Maria Goreti Bria,Analis Kebijakan Ahli Muda,Fungsional,{UNIT},III/c,"
    + "0812-3456-7890,maria@example.go.id\n"
    + f"197805172005011003,Yohanes Nahak,Kepala Bidang Mutasi,Administrator,{UNIT},IV/a,+62 813 5555 0101,\n"
)
BAD = (
    HEADER
    + f"198609262015052001,Maria Goreti Bria,Analis Kebijakan Ahli Muda,Fungsional,{UNIT},III/c,"
    + "081234567890,\n"
    + f"12345,Tanpa NIP,Pelaksana Umum,Pelaksana,{UNIT},II/a,081234567891,\n"
    + f"197805172005011003,Yohanes Nahak,Kepala Bidang,Administrator,{UNIT},V/a,081234567892,\n"
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    """The CLI configured through the environment, as an operator would, in a scratch folder."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _count(database_url: str, model: type[Base]) -> int:
    async def count() -> int:
        engine = create_engine(database_url)
        async with session_factory(engine)() as session:
            total = await session.scalar(select(func.count()).select_from(model))
        await engine.dispose()
        return total or 0

    return asyncio.run(count())


def test_db_upgrade_is_idempotent(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0
    assert "versi terbaru" in capsys.readouterr().out


def test_importing_the_roster_twice_changes_nothing_the_second_time(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = env / "pegawai.csv"
    roster.write_text(GOOD, encoding="utf-8")
    assert main(["import", "employees", str(roster)]) == 0
    assert "2 baru" in capsys.readouterr().out
    assert main(["import", "employees", str(roster)]) == 0
    assert "2 tidak berubah" in capsys.readouterr().out
    assert _count(database_url, Employee) == 2


def test_a_bad_file_is_refused_whole_with_every_bad_line(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = env / "pegawai.csv"
    roster.write_text(BAD, encoding="utf-8")
    assert main(["import", "employees", str(roster)]) == 1
    errors = capsys.readouterr().err
    assert "tidak ada data yang diubah" in errors
    assert "baris 3 (nip): NIP tidak valid: harus 18 digit, tertulis 5 digit" in errors
    assert "baris 4" in errors
    assert "baris 2" not in errors
    assert _count(database_url, Employee) == 0


def test_a_bad_file_reported_in_english_gives_the_reasons_in_english(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLI_LANGUAGE", "en")
    roster = env / "pegawai.csv"
    roster.write_text(BAD, encoding="utf-8")
    assert main(["import", "employees", str(roster)]) == 1
    errors = capsys.readouterr().err
    assert "nothing was changed" in errors
    assert "line 3 (nip): invalid NIP: must be 18 digits, written 5 digits" in errors
    assert "line 4 (golongan): unknown rank (golongan): 'V/a'" in errors
    assert "tidak" not in errors


def test_a_missing_file_is_named(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "employees", "tidak-ada.xlsx"]) == 1
    assert "tidak-ada.xlsx" in capsys.readouterr().err


def test_hr_prints_a_one_time_link_code(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = env / "pegawai.csv"
    roster.write_text(GOOD, encoding="utf-8")
    main(["import", "employees", str(roster)])
    capsys.readouterr()
    assert main(["admin", "link-code", "19860926 201505 2 001"]) == 0
    out = capsys.readouterr().out
    match = re.search(r"/start ([A-Z2-9]{8})", out)
    assert match is not None
    assert _count(database_url, LinkCode) == 1
    assert main(["admin", "link-code", "198701012015052001"]) == 1
    assert "tidak ada di data kepegawaian" in capsys.readouterr().err
    assert main(["admin", "link-code", "12345"]) == 1


def test_granting_a_role_is_recorded_once(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "grant", "4242", "hr"]) == 0
    assert main(["admin", "grant", "4242", "hr"]) == 0
    assert "sudah memiliki peran hr" in capsys.readouterr().out
    assert main(["admin", "grant", "5151", "organizer", "--organizer", "Universitas Nusa Cendana"]) == 0
    assert _count(database_url, RoleGrant) == 2
    assert Role.ORGANIZER.value == "organizer"


def test_seed_demo_twice_gives_the_same_database(env: Path, database_url: str) -> None:
    assert main(["seed-demo"]) == 0
    employees = _count(database_url, Employee)
    assert employees >= 40
    assert main(["seed-demo"]) == 0
    assert _count(database_url, Employee) == employees


def test_a_bad_setting_stops_the_cli_with_the_variable_named(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BROADCAST_RATE", "cepat")
    assert main(["db", "upgrade"]) == 2
    assert "BROADCAST_RATE" in capsys.readouterr().err


def test_a_broadcast_time_is_read_like_everywhere_else_and_refused_when_past(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    text = ["broadcast", "--text", "Rapat koordinasi"]

    assert main([*text, "--at", "besok pagi"]) == 1
    assert "Waktu tidak dikenali: besok pagi" in capsys.readouterr().err
    assert main([*text, "--at", "31/02/2099 08.00"]) == 1
    assert "Waktu tidak dikenali" in capsys.readouterr().err
    assert main([*text, "--at", "1/12/2020 08.00"]) == 1
    assert "1 Desember 2020" in (err := capsys.readouterr().err)
    assert "sudah lewat" in err

    # accepted: on to the count (nobody is linked in this database, so nothing is queued)
    assert main([*text, "--at", "1/12/2099 pukul 08.00"]) == 0
    assert "Tidak ada ASN dengan akun terhubung pada sasaran ini" in capsys.readouterr().out


def test_a_huge_bad_file_prints_the_first_hundred_problems_and_counts_the_rest(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_row = f"12345,Tanpa NIP,Pelaksana Umum,Pelaksana,{UNIT},V/a,abc,\n"  # three problems a row
    roster = env / "besar.csv"
    roster.write_text(HEADER + bad_row * 200_000, encoding="utf-8")
    assert main(["import", "employees", str(roster)]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == "Impor dibatalkan, tidak ada data yang diubah. 102 masalah di 34 baris:"
    assert len([line for line in errors if line.startswith("  baris ")]) == 100
    assert errors[-2] == "  … dan 2 masalah lain (perbaiki yang di atas, lalu impor lagi)."
    assert errors[-1] == "Pemeriksaan berhenti setelah 100 masalah: 199966 baris sesudahnya belum diperiksa."
    assert len(errors) == 103
    assert _count(database_url, Employee) == 0


def test_verbose_logging_redacts_through_every_root_handler(
    env: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    token = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    root = logging.getLogger()
    level = root.level
    try:
        assert main(["-v", "db", "upgrade"]) == 0
        assert root.level == logging.DEBUG
        assert all(any(isinstance(f, logs.Redactor) for f in handler.filters) for handler in root.handlers)
        logging.getLogger("telegram.Bot").debug("Set Bot API URL: https://api.telegram.org/bot%s", token)
        assert "api.telegram.org/bot<secret>" in caplog.text
        assert token not in caplog.text
    finally:
        for handler in root.handlers:
            for redactor in [f for f in handler.filters if isinstance(f, logs.Redactor)]:
                handler.removeFilter(redactor)
        root.setLevel(level)
