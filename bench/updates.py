"""Updates: linked ASN using the bot, against a bare echo bot under the same load.

Each simulated user makes one visit, waiting for each answer before the next step,
`concurrency` users at a time; the visits take turns — `/kompetensi`; `/jp`; `/pelatihan` then
a press on the first button of the list — so the four kinds of update come in equal shares.
Latency is from the update's injection into the server to the last message of the answer
reaching the server (for `/kompetensi` the chart and the text, for a press the edit).  The
echo bot gets the same users and the same updates and answers each with one message (a press
with an edit), so the difference is the project's own work."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.data import populate
from bench.harness import Child, Databases, percentile
from bot.local_api import LocalBotApi, Phone
from db.engine import create_engine

TOKEN = "123456:BENCH"
VISITS = (("/kompetensi",), ("/jp",), ("/pelatihan", "press"))
STEPS = tuple(step for visit in VISITS for step in visit)
#: Messages each step of a visit gets: the bot's chart comes with its text.
BOT_REPLIES = {"/kompetensi": 2, "/jp": 1, "/pelatihan": 1, "press": 1}
ECHO_REPLIES = dict.fromkeys(STEPS, 1)


@dataclass(frozen=True, slots=True)
class Load:
    """Who sends what: users (visits), how many at a time, and warm-up visits before timing."""

    user_ids: list[int]
    concurrency: int
    warmup: int


@dataclass(frozen=True, slots=True)
class Served:
    """One side's figures."""

    updates: int
    seconds: float
    latencies_ms: list[float]
    rss_mb: float

    @property
    def per_s(self) -> float:
        """Updates answered per second."""
        return self.updates / self.seconds if self.seconds else 0.0

    def p(self, share: float) -> float:
        """A latency percentile in ms."""
        return percentile(self.latencies_ms, share)


async def _step(phone: Phone, step: str, replies: int) -> float:
    started = time.perf_counter()
    if step == "press":
        data = _first_button(phone)
        await phone.press(data=data)
    else:
        await phone.send(step)
    await phone.wait_replies(replies, timeout=120.0)
    return (time.perf_counter() - started) * 1000


def _first_button(phone: Phone) -> str:
    for message in reversed(phone.history):
        for row in message.inline_keyboard or []:
            for button in row:
                data = button.get("callback_data")
                if isinstance(data, str):
                    return data
    raise LookupError(f"user {phone.user_id} has no button to press")


def updates_for(users: int) -> int:
    """How many updates `users` visits send."""
    return sum(len(VISITS[index % len(VISITS)]) for index in range(users))


async def _visits(phones: list[Phone], concurrency: int, replies: dict[str, int]) -> list[float]:
    latencies: list[float] = []
    queue = iter(enumerate(phones))

    async def user() -> None:
        for index, phone in queue:
            for step in VISITS[index % len(VISITS)]:
                latencies.append(await _step(phone, step, replies[step]))

    await asyncio.gather(*(user() for _ in range(concurrency)))
    return latencies


async def serve(role: str, base_args: list[str], load: Load, replies: dict[str, int]) -> Served:
    """Start `role` (bot or echo) against a fresh server, warm it up, and time the load."""
    async with LocalBotApi(TOKEN, "asn_karier_bot") as server:
        phones = [
            server.user(user_id=user_id, first_name="ASN", language_code="id") for user_id in load.user_ids
        ]
        async with Child(role, "--base-url", server.base_url, *base_args) as child:
            await _visits(phones[: load.warmup], load.concurrency, replies)
            started = time.perf_counter()
            latencies = await _visits(phones[load.warmup :], load.concurrency, replies)
            seconds = time.perf_counter() - started
            figures = await child.stop()
    return Served(len(latencies), seconds, latencies, float(figures["rss_mb"]))


async def prepare(
    databases: Databases, *, employees: int, linked: int, postgres: bool, timezone: ZoneInfo, now: datetime
) -> tuple[str, list[int]]:
    """A fresh database with the roster and linked users; its URL and the users' ids."""
    url = await databases.fresh(postgres=postgres)
    engine = create_engine(url)
    try:
        population = await populate(
            engine,
            employees=employees,
            linked=linked,
            today=now.astimezone(timezone).date(),
            timezone=timezone,
        )
    finally:
        await engine.dispose()
    return url, population.user_ids


async def run(
    databases: Databases,
    *,
    employees: int,
    linked: int,
    concurrency: int,
    warmup: int,
    postgres: bool,
    timezone: ZoneInfo,
    now: datetime,
    echo: Served | None = None,
) -> tuple[Served, dict[str, float]]:
    """The section's figures: bot and echo throughput, ratio, p50/p95/p99; and the echo bot's
    figures, which a second run (on PostgreSQL) may reuse: the echo bot has no database."""
    url, user_ids = await prepare(
        databases, employees=employees, linked=linked, postgres=postgres, timezone=timezone, now=now
    )
    load = Load(user_ids, concurrency, warmup)
    if echo is None:
        echo = await serve("echo", [], load, ECHO_REPLIES)
    bot = await serve("bot", ["--database-url", url], load, BOT_REPLIES)
    return echo, {
        "updates.bot_per_s": bot.per_s,
        "updates.echo_per_s": echo.per_s,
        "updates.ratio": bot.per_s / echo.per_s if echo.per_s else 0.0,
        "updates.p50_ms": bot.p(0.50),
        "updates.p95_ms": bot.p(0.95),
        "updates.p99_ms": bot.p(0.99),
        "updates.echo_p50_ms": echo.p(0.50),
        "updates.echo_p95_ms": echo.p(0.95),
        "updates.echo_p99_ms": echo.p(0.99),
    }
