"""Memory: the bot's peak RSS after serving the same updates with a small and a large roster.

Two bot processes, each over a fresh database — `small` employees, then `large` — serve the
same number of visits (four updates each, as in the updates section, no warm-up); the figure
is each process's own peak resident set size (`getrusage(RUSAGE_SELF).ru_maxrss`, reported by
the child as it exits).  The roster must not be what the bot's memory grows with.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bench import updates
from bench.harness import Databases


async def _peak(
    databases: Databases, *, employees: int, visits: int, concurrency: int, timezone: ZoneInfo, now: datetime
) -> float:
    url, user_ids = await updates.prepare(
        databases, employees=employees, linked=visits, postgres=False, timezone=timezone, now=now
    )
    load = updates.Load(user_ids, concurrency, warmup=0)
    served = await updates.serve("bot", ["--database-url", url], load, updates.BOT_REPLIES)
    return served.rss_mb


async def run(
    databases: Databases,
    *,
    small: int,
    large: int,
    visits: int,
    concurrency: int,
    timezone: ZoneInfo,
    now: datetime,
) -> dict[str, float]:
    """The section's figures: peak RSS in MiB with the small and the large roster."""
    small_mb = await _peak(
        databases, employees=small, visits=visits, concurrency=concurrency, timezone=timezone, now=now
    )
    large_mb = await _peak(
        databases, employees=large, visits=visits, concurrency=concurrency, timezone=timezone, now=now
    )
    return {"memory.rss_mb_1k": small_mb, "memory.rss_mb_100k": large_mb}
