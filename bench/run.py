"""`python -m bench [--quick | --full] [--json FILE] [--database-url URL]`: every section, one table.

By default (and with `--quick`) the sizes are small enough to finish in about a minute on
2 cores; `--full` uses issue #6's sizes (100,000 employees, recipients and rows), which take
a quarter of an hour or more.

The figures are read as ratios measured in the same run (the machines are shared and noisy);
each goal (issues #6 and #16) is printed beside its figure as met or not met.  With `--json`
the figures go to FILE under the issues' keys; with `--database-url` (PostgreSQL) the updates
and broadcast sections run again on a database of their own on that server, under `pg.` keys.

The sections after updates and broadcast are listed in `SECTIONS`: a new one is a function of
the run (`Run`: sizes, databases, work directory, clock) returning its figures, and one line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import broadcast, charts, imports, memory, plan, updates
from bench.harness import Databases

TIMEZONE = ZoneInfo("Asia/Makassar")


@dataclass(frozen=True, slots=True)
class Sizes:
    """How big each section is."""

    employees: int
    linked: int
    warmup: int
    concurrency: int
    broadcast: broadcast.Sizes
    import_rows: int
    memory_small: int
    memory_large: int
    memory_visits: int
    chart: charts.Sizes


SIZES: dict[str, Sizes] = {
    # issue #6: 100,000 employees, recipients and rows; 1,000 linked users; memory after
    # 1,000 updates (750 visits); the bare senders send 5,000 each (a rate, not a total)
    "full": Sizes(
        100_000,
        1_000,
        60,
        32,
        broadcast.Sizes(100_000, 5_000, 100, 60.0),
        100_000,
        1_000,
        100_000,
        750,
        charts.Sizes(100, 64),
    ),
    "quick": Sizes(
        2_000,
        90,
        9,
        16,
        broadcast.Sizes(3_000, 1_000, 100, 5.0),
        3_000,
        1_000,
        10_000,
        45,
        charts.Sizes(30, 32),
    ),
    # for the smoke test: every code path, no meaningful figures
    "tiny": Sizes(100, 6, 3, 3, broadcast.Sizes(60, 30, 10, 0.5), 60, 100, 150, 3, charts.Sizes(3, 4)),
}

#: The keys of issues #6 and #16, in the order the JSON file lists them.
KEYS = (
    "updates.bot_per_s",
    "updates.echo_per_s",
    "updates.ratio",
    "updates.p95_ms",
    "updates.echo_p95_ms",
    "updates.first_reply_p95_ms",
    "memory.peak_rss_mb",
    "broadcast.raw_per_s",
    "broadcast.bare_ptb_per_s",
    "broadcast.bare_http_per_s",
    "broadcast.ratio",
    "broadcast.limited_per_s",
    "broadcast.limited_429s",
    "import.csv_rows_per_s",
    "import.xlsx_rows_per_s",
    "import.bare_rows_per_s",
    "import.ratio",
    "memory.rss_mb_1k",
    "memory.rss_mb_100k",
    "chart.ms",
    "chart.reference_ms",
    "chart.speedup",
)
#: What the PostgreSQL run measures again (key prefixes).
PG_SECTIONS = ("updates.", "broadcast.", "memory.peak_rss_mb")

Figures = dict[str, float]


@dataclass(frozen=True, slots=True)
class Goal:
    """A goal of issue #6 or #16: what it says, and whether the figures meet it."""

    text: str
    met: Callable[[Figures], bool]


def goals(prefix: str = "") -> dict[str, Goal]:
    """The goals, by the key they are printed beside (with `prefix` for the PostgreSQL figures)."""

    def f(figures: Figures, key: str) -> float:
        return figures[prefix + key]

    # issue #16: against the echo bot on the bot's own request layer (issue #6 asked 0.9 of an
    # echo on a slower HTTP client, and the full answer's p95 within 2 × echo p95)
    updates_goals = {
        "updates.ratio": Goal("≥ 0.1", lambda x: f(x, "updates.ratio") >= 0.1),
        "updates.first_reply_p95_ms": Goal(
            "≤ 10 × echo p95",
            lambda x: f(x, "updates.first_reply_p95_ms") <= 10 * f(x, "updates.echo_p95_ms"),
        ),
        "memory.peak_rss_mb": Goal("≤ 300", lambda x: f(x, "memory.peak_rss_mb") <= 300),
        "broadcast.ratio": Goal("≥ 0.5", lambda x: f(x, "broadcast.ratio") >= 0.5),
        "broadcast.raw_per_s": Goal("≥ 1000", lambda x: f(x, "broadcast.raw_per_s") >= 1000),
        "broadcast.limited_per_s": Goal("≥ 29", lambda x: f(x, "broadcast.limited_per_s") >= 29),
        "broadcast.limited_429s": Goal("= 0", lambda x: f(x, "broadcast.limited_429s") == 0),
    }
    result = {prefix + key: goal for key, goal in updates_goals.items()}
    if not prefix:
        result["import.ratio"] = Goal("≥ 0.5", lambda x: x["import.ratio"] >= 0.5)
        result["memory.rss_mb_100k"] = Goal(
            "− rss_mb_1k ≤ 20", lambda x: x["memory.rss_mb_100k"] - x["memory.rss_mb_1k"] <= 20
        )
        result["chart.speedup"] = Goal("≥ 5", lambda x: x["chart.speedup"] >= 5)
    return result


def keys(figures: Figures) -> list[str]:
    """The issue's keys present in `figures`, `pg.` ones after the SQLite ones."""
    plain = [key for key in KEYS if key in figures]
    return plain + [f"pg.{key}" for key in KEYS if f"pg.{key}" in figures]


def _number(value: float) -> str:
    if math.isnan(value):
        return "–"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def table(figures: Figures) -> str:
    """The figures as a Markdown table: key, value, goal, met / not met."""
    all_goals = {**goals(), **goals("pg.")}
    lines = ["| figure | value | goal | |", "|---|---:|---|---|"]
    shown = [key for key in figures if key in KEYS or key.removeprefix("pg.") in KEYS]
    extra = [key for key in figures if key not in shown]
    for key in [*keys(figures), *extra]:
        goal = all_goals.get(key)
        verdict = "" if goal is None else ("met" if goal.met(figures) else "**not met**")
        text = "" if goal is None else goal.text
        name = key if key in shown else f"{key} (info)"
        lines.append(f"| {name} | {_number(figures[key])} | {text} | {verdict} |")
    return "\n".join(lines)


def machine() -> str:
    """Where the figures were measured: CPUs, CPU model, RAM, Python."""
    model = "unknown CPU"
    memory_kib = 0
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line)
        meminfo = Path("/proc/meminfo").read_text()
        memory_kib = int(
            next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal"))
        )
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} CPUs ({model}), {memory_kib / 1024 / 1024:.1f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


@dataclass(frozen=True, slots=True)
class Run:
    """What every section gets: the sizes, fresh databases, a work directory and the clock."""

    size: Sizes
    databases: Databases
    workdir: Path
    now: datetime
    timezone: ZoneInfo = TIMEZONE


async def _imports(run: Run) -> Figures:
    return await imports.run(
        run.databases, rows=run.size.import_rows, workdir=run.workdir, timezone=run.timezone
    )


async def _memory(run: Run) -> Figures:
    size = run.size
    return await memory.run(
        run.databases,
        small=size.memory_small,
        large=size.memory_large,
        visits=size.memory_visits,
        concurrency=size.concurrency,
        timezone=run.timezone,
        now=run.now,
    )


async def _charts(run: Run) -> Figures:
    return await charts.run(run.size.chart)


async def _plan(run: Run) -> Figures:
    return await plan.run(run.databases, employees=run.size.employees, timezone=run.timezone)


#: The sections after updates and broadcast, in the order they run: (name, figures of the run).
SECTIONS: tuple[tuple[str, Callable[[Run], Awaitable[Figures]]], ...] = (
    ("import", _imports),
    ("memory", _memory),
    ("chart", _charts),
    ("plan", _plan),
)


async def measure(
    size: Sizes, *, workdir: Path, postgres_url: str | None, log: Callable[[str], None]
) -> Figures:
    """Run every section; the figures under their keys (info figures included)."""
    databases = Databases(workdir, postgres_url)
    run = Run(size, databases, workdir, datetime.now(UTC))
    figures: Figures = {}
    try:
        echo: updates.Echoes | None = None
        bare: broadcast.Bare | None = None
        for postgres in [False, True] if postgres_url else [False]:
            prefix, where = ("pg.", " (PostgreSQL)") if postgres else ("", "")
            log(f"updates{where}…")
            echo, section = await updates.run(
                databases,
                employees=size.employees,
                linked=size.linked,
                concurrency=size.concurrency,
                warmup=size.warmup,
                postgres=postgres,
                timezone=run.timezone,
                now=run.now,
                echo=echo,
            )
            figures.update({prefix + key: value for key, value in section.items()})
            log(f"broadcast{where}…")
            bare, section = await broadcast.run(
                databases, size.broadcast, postgres=postgres, now=run.now, bare=bare
            )
            figures.update({prefix + key: value for key, value in section.items()})
        for name, section_of in SECTIONS:
            log(f"{name}…")
            figures.update(await section_of(run))
    finally:
        await databases.close()
    return figures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument("--quick", action="store_true", help="small sizes, about a minute (default)")
    sizes.add_argument("--full", action="store_true", help="issue #6's sizes (100,000 rows)")
    parser.add_argument("--size", choices=sorted(SIZES), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    parser.add_argument("--database-url", help="also run updates and broadcast on this PostgreSQL server")
    return parser.parse_args(argv)


def _log(text: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {text}\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> Figures:
    """Run the benchmark, print the table, write the JSON; returns the figures."""
    args = parse_args(argv)
    size_name = args.size or ("full" if args.full else "quick")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="asn-bench-") as workdir:
        figures = asyncio.run(
            measure(SIZES[size_name], workdir=Path(workdir), postgres_url=args.database_url, log=_log)
        )
    seconds = time.perf_counter() - started
    header = f"ASN Karier bench — {size_name} run, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {seconds:.0f} s\n"
    sys.stdout.write(f"{header}{machine()}\n\n{table(figures)}\n")
    if args.json is not None:
        args.json.write_text(json.dumps({key: figures[key] for key in keys(figures)}, indent=2) + "\n")
    return figures
