"""`asn-bot report jp | gaps | events | rekap | needs | plan --budget RUPIAH [--year YYYY]`:
the same report as `/laporan` (`bot.documents.reports`), its summary as plain text on standard
output, its `.xlsx` (and chart `.png`, where there is one) written to a folder."""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

from bot.cli_texts import CliTexts
from bot.documents.reports import ReportKind, Request, build
from bot.settings import Settings
from db.engine import create_engine, session_factory
from db.types import utcnow
from messages import Renderer

_TAG = re.compile(r"<[^>]+>")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], texts: CliTexts) -> None:
    """The `report` sub-command's arguments, their help in `texts`' language."""
    help_, metavar = texts.help, texts.metavar
    report = commands.add_parser("report", help=help_("report"), description=help_("report"))
    kinds = [kind.value for kind in ReportKind]
    report.add_argument(
        "kind", choices=kinds, metavar=metavar("kind"), help=help_("report_kind", choices=", ".join(kinds))
    )
    report.add_argument("--year", type=int, metavar=metavar("year"), help=help_("report_year"))
    report.add_argument("--budget", type=int, metavar=metavar("rupiah"), help=help_("report_budget"))
    report.add_argument(
        "-o",
        "--output-dir",
        type=Path,
        default=Path("."),
        metavar=metavar("folder"),
        help=help_("report_output_dir"),
    )


def plain(text: str) -> str:
    """A Telegram-HTML summary as terminal text."""
    return html.unescape(_TAG.sub("", text))


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """Build the report, print its summary, write its files; 2 for a plan without a budget."""
    renderer, lang = Renderer(settings.timezone), settings.cli_language
    kind = ReportKind(args.kind)
    if kind is ReportKind.PLAN and (args.budget is None or args.budget <= 0):
        sys.stderr.write(renderer.label("cli.report_budget_missing", lang) + "\n")
        return 2
    now = utcnow()
    request = Request(
        year=args.year or now.astimezone(settings.timezone).year,
        target=settings.jp_target,
        now=now,
        timezone=settings.timezone,
        budget=args.budget or 0,
    )
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            report = await build(session, kind, request, renderer=renderer, lang=lang)
    finally:
        await engine.dispose()
    sys.stdout.write(plain(report.summary).strip() + "\n")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    written = [args.output_dir / report.filename]
    written[0].write_bytes(report.workbook)
    if report.chart is not None:
        written.append(written[0].with_suffix(".png"))
        written[1].write_bytes(report.chart)
    for path in written:
        sys.stdout.write(renderer.label("cli.report_written", lang, path=path) + "\n")
    return 0
