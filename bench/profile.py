"""`python -m bench.profile FILE`: where the bot's event-loop thread spent its CPU time.

FILE is what a bench run writes with ``BENCH_PROFILE=FILE`` (if FILE does not exist yet): the
profile of the first bot of the run, the updates section's, while it serves the timed load.
Each function's own time is counted for the layer its module belongs to — python-telegram-bot,
the database, message rendering, the chart, HTTP, asyncio — and printed as shares of the total.  Charts drawn
on worker threads or processes are not in it: their cost is the chart section's `chart.ms`.
"""

from __future__ import annotations

import pstats
import sys

#: Layer → path fragments of the modules it holds (the first match wins).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("chart", ("matplotlib", "/documents/", "numpy", "zlib")),
    ("database", ("sqlalchemy", "aiosqlite", "sqlite3", "asyncpg", "/db/")),
    ("rendering", ("jinja2", "markupsafe", "babel", "/messages/")),
    ("telegram (PTB)", ("/telegram/",)),
    ("http", ("aiohttp", "yarl", "multidict", "/bot/request.py")),
    ("the bot's handlers", ("/bot/",)),
    ("asyncio", ("asyncio", "selectors", "select.")),
)


def layer(filename: str) -> str:
    """The layer a function's file (or built-in's name) belongs to."""
    for name, fragments in LAYERS:
        if any(fragment in filename for fragment in fragments):
            return name
    return "other"


def shares(path: str) -> list[tuple[str, float]]:
    """Seconds of own time per layer, largest first."""
    stats = pstats.Stats(path)
    totals: dict[str, float] = {}
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        own = row[2]
        key = layer(f"{filename}:{function}")
        totals[key] = totals.get(key, 0.0) + own
    return sorted(totals.items(), key=lambda pair: -pair[1])


def main(argv: list[str] | None = None) -> None:
    """Print the layers' shares of the profile in FILE."""
    (path,) = argv if argv is not None else sys.argv[1:]
    rows = shares(path)
    total = sum(seconds for _, seconds in rows) or 1.0
    lines = ["| layer | CPU s | share |", "|---|---:|---:|"]
    lines += [f"| {name} | {seconds:.2f} | {seconds / total:.0%} |" for name, seconds in rows]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
