"""`asn-bot report …` on the server: the same summary as the chat's (as plain text), the `.xlsx`
and the chart written to a folder, and a plan refused without a budget."""

from __future__ import annotations

import asyncio
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.documents.reports import ReportKind, Request, build
from bot.report_command import plain
from db.engine import create_engine, session_factory
from db.models import Programme
from db.types import utcnow
from messages import Renderer
from tests.utils.competencies import assess, competency, set_standard
from tests.utils.employees import DEFAULT_POSITION, make_employees
from tests.utils.office_time import WITA
from tests.utils.png import SIGNATURE

SERVICE = "Pelayanan Publik"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    """The CLI configured through the environment, in a scratch folder, over a small office."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)

    async def seed() -> None:
        engine = create_engine(database_url)
        async with session_factory(engine)() as session:
            await set_standard(session, DEFAULT_POSITION, {SERVICE: 3})
            for employee in await make_employees(session, 2):
                await assess(session, employee, {SERVICE: 1}, on=date(2026, 2, 1))
            session.add(
                Programme(
                    title="Bimtek Pelayanan Prima",
                    jp=24,
                    cost_per_batch=5_000_000,
                    cost_per_participant=None,
                    seats_per_batch=30,
                    max_batches=1,
                    competencies=[await competency(session, SERVICE)],
                )
            )
            await session.commit()
        await engine.dispose()

    asyncio.run(seed())
    return tmp_path


def chat_summary(database_url: str, kind: ReportKind, budget: int = 0) -> str:
    async def summary() -> str:
        engine = create_engine(database_url)
        year = utcnow().astimezone(WITA).year
        request = Request(year=year, target=20, now=utcnow(), timezone=WITA, budget=budget)
        async with session_factory(engine)() as session:
            report = await build(session, kind, request, renderer=Renderer(WITA), lang="id")
        await engine.dispose()
        return plain(report.summary).strip()

    return asyncio.run(summary())


def test_the_needs_report_prints_the_chats_summary_and_writes_file_and_chart(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "needs", "-o", "out"]) == 0

    printed = capsys.readouterr().out
    assert printed.startswith(chat_summary(database_url, ReportKind.NEEDS))
    assert "1. Pelayanan Publik: 4 level kesenjangan, 2 ASN" in printed
    book = load_workbook(io.BytesIO((env / "out" / "analisis-kebutuhan.xlsx").read_bytes()))
    assert [tuple(row) for row in book["kebutuhan"].iter_rows(values_only=True)][1:] == [
        (1, "Pelayanan Publik", 2, 4)
    ]
    assert (env / "out" / "analisis-kebutuhan.png").read_bytes().startswith(SIGNATURE)


def test_the_plan_needs_a_budget_and_then_funds_the_batch(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "plan"]) == 2
    assert "--budget" in capsys.readouterr().err

    assert main(["report", "plan", "--budget", "5000000"]) == 0

    printed = capsys.readouterr().out
    assert printed.startswith(chat_summary(database_url, ReportKind.PLAN, budget=5_000_000))
    assert "Bimtek Pelayanan Prima: 1 angkatan, 2 kursi, Rp5.000.000; 4 level kesenjangan" in printed
    year = utcnow().astimezone(WITA).year
    assert (env / f"rencana-anggaran-{year}.xlsx").is_file()
