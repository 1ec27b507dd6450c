"""`asn-bot admin` as HR's server operator uses it for roles: grant (an organizer always names
its organizer), list, revoke, and an organizer's certificate signer and review setting."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select

from bot.cli import main
from db.engine import create_engine, session_factory
from db.models import AuditLog, Base, Organizer, RoleGrant

M = TypeVar("M", bound=Base)

UNDANA = "Universitas Nusa Cendana"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    """The CLI configured through the environment, in a scratch folder; 777 is HR by configuration."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_ADMIN_IDS", "777")
    monkeypatch.setenv("CLI_LANGUAGE", "id")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _rows(database_url: str, model: type[M]) -> list[M]:
    async def read() -> list[M]:
        engine = create_engine(database_url)
        async with session_factory(engine)() as session:
            found = list(await session.scalars(select(model)))
        await engine.dispose()
        return found

    return asyncio.run(read())


def test_an_organizer_role_without_its_organizer_is_refused(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "grant", "5151", "organizer"]) == 1
    assert "--organizer" in capsys.readouterr().err
    assert main(["admin", "grant", "5151", "organizer", "--organizer", "   "]) == 1
    assert _rows(database_url, RoleGrant) == []


def test_granting_an_organizer_registers_the_organizer(env: Path, database_url: str) -> None:
    assert main(["admin", "grant", "5151", "organizer", "--organizer", f"  {UNDANA} "]) == 0
    (grant,) = _rows(database_url, RoleGrant)
    assert grant.organizer == UNDANA
    assert [o.name for o in _rows(database_url, Organizer)] == [UNDANA]


def test_the_list_shows_who_holds_which_role_with_organizer_names(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "grant", "4242", "hr"]) == 0
    assert main(["admin", "grant", "5151", "organizer", "--organizer", UNDANA]) == 0
    capsys.readouterr()
    assert main(["admin", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "Pemegang peran (3)" in lines[0]
    hr_line = next(line for line in lines if "4242" in line)
    organizer_line = next(line for line in lines if "5151" in line)
    configured_line = next(line for line in lines if "777" in line)
    assert "HR" in hr_line
    assert "Penyelenggara" in organizer_line
    assert UNDANA in organizer_line
    assert "BOT_ADMIN_IDS" in configured_line


def test_an_empty_list_says_how_to_grant(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_ADMIN_IDS", "")
    assert main(["admin", "list"]) == 0
    assert "asn-bot admin grant" in capsys.readouterr().out


def test_revoking_takes_one_role_or_all_and_is_audited(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "grant", "4242", "hr"]) == 0
    assert main(["admin", "grant", "4242", "organizer", "--organizer", UNDANA]) == 0
    assert main(["admin", "revoke", "4242", "organizer"]) == 0
    assert "Peran Penyelenggara dicabut dari pengguna Telegram 4242" in capsys.readouterr().out
    assert [g.role.value for g in _rows(database_url, RoleGrant)] == ["hr"]
    assert main(["admin", "revoke", "4242"]) == 0
    assert _rows(database_url, RoleGrant) == []
    assert main(["admin", "revoke", "4242"]) == 1
    assert "tidak memegang peran" in capsys.readouterr().err
    audited = _rows(database_url, AuditLog)
    assert [a.subject for a in audited if a.action == "role.revoked"] == ["tg:4242", "tg:4242"]


def test_revoking_a_configured_admin_says_the_configuration_still_makes_them_hr(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "grant", "777", "hr"]) == 0
    assert main(["admin", "revoke", "777", "hr"]) == 0
    assert "BOT_ADMIN_IDS" in capsys.readouterr().out


def test_organizer_settings_are_set_shown_and_audited(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin", "organizer", UNDANA]) == 1
    assert "belum terdaftar" in capsys.readouterr().err
    args = ["admin", "organizer", UNDANA, "--signer-name", "Dr. Agustina Seran, M.Si."]
    assert main([*args, "--signer-title", "Dekan FISIP", "--review"]) == 0
    out = capsys.readouterr().out
    assert "Dr. Agustina Seran, M.Si." in out
    assert "Dekan FISIP" in out
    assert "ya, kegiatannya diterbitkan setelah disetujui HR" in out
    assert main(["admin", "organizer", UNDANA, "--no-review"]) == 0
    out = capsys.readouterr().out
    assert "tidak, kegiatannya langsung diterbitkan" in out
    assert "Dekan FISIP" in out  # what was not given stays
    (organizer,) = _rows(database_url, Organizer)
    assert (organizer.signer_name, organizer.signer_title, organizer.review_required) == (
        "Dr. Agustina Seran, M.Si.",
        "Dekan FISIP",
        False,
    )
    audited = _rows(database_url, AuditLog)
    changes = [a.details for a in audited if a.action == "organizer.configured"]
    assert changes == [
        {"changed": ["review_required", "signer_name", "signer_title"], "review_required": True},
        {"changed": ["review_required"], "review_required": False},
    ]
    assert all("Agustina" not in str(a.details) for a in audited)  # no names in the audit log
