"""Updates: linked ASN using the bot, against a bare echo bot under the same load.

Each simulated user makes one visit, waiting for each answer before the next step,
`concurrency` users at a time; the visits take turns — `/kompetensi`; `/jp`; `/pelatihan` then
a press on the first button of the list — so the four kinds of update come in equal shares.
Latency is from the update's injection into the server to the last message of the answer
reaching the server (for `/kompetensi` the text and the chart, for a press the edit); the
first-reply latency to its first message (for `/kompetensi` the text, which does not wait for
the chart; for every other step the same as the latency).  The echo bot gets the same users and
the same updates and answers each with one message (a press with an edit), so the difference is
the project's own work.

Like for like: the echo bot the ratio divides by runs on the same request layer as the bot
(`bot/request.py`'s aiohttp request); the same echo on python-telegram-bot's default HTTPX
request is an info figure (`updates.echo_httpx_*`), the ceiling this section used to compare
with.  The bot's peak RSS under this load is `memory.peak_rss_mb`, plus the largest of its chart
worker processes where it draws on processes (on machines of more than two cores, or with
`BENCH_CHART_POOL=processes`; that worker's alone is `memory.chart_workers_rss_mb`).  The CPU
each spends per update (user and system time of all its threads over the warm-up and the timed
visits, divided by their updates) is `updates.bot_cpu_ms` and `updates.echo_cpu_ms`: steadier
than the rates on a shared machine, and what the rates' ratio comes down to."""

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
    first_ms: list[float]
    rss_mb: float
    children_rss_mb: float = 0.0
    #: CPU (user and system, all threads) per update served, warm-up included, in ms.
    cpu_ms: float = 0.0

    @property
    def per_s(self) -> float:
        """Updates answered per second."""
        return self.updates / self.seconds if self.seconds else 0.0

    def p(self, share: float) -> float:
        """A latency percentile in ms."""
        return percentile(self.latencies_ms, share)

    def first_p(self, share: float) -> float:
        """A first-reply latency percentile in ms."""
        return percentile(self.first_ms, share)


async def _step(phone: Phone, step: str, replies: int) -> tuple[float, float]:
    """Send one step; ms to the first message of the answer and to its last."""
    started = time.perf_counter()
    if step == "press":
        data = _first_button(phone)
        await phone.press(data=data)
    else:
        await phone.send(step)
    await phone.wait_replies(1, timeout=120.0)
    first = time.perf_counter()
    if replies > 1:
        await phone.wait_replies(replies - 1, timeout=120.0)
    return (first - started) * 1000, (time.perf_counter() - started) * 1000


def _first_button(phone: Phone) -> str:
    for message in reversed(phone.history):
        for row in message.inline_keyboard or []:
            for button in row:
                data = button.get("callback_data")
                if isinstance(data, str):
                    return data
    raise LookupError(f"user {phone.user_id} has no button to press")


@dataclass(frozen=True, slots=True)
class Echoes:
    """The echo bot's figures on the bot's own request layer (`same`) and on PTB's default."""

    same: Served
    httpx: Served


def updates_for(users: int) -> int:
    """How many updates `users` visits send."""
    return sum(len(VISITS[index % len(VISITS)]) for index in range(users))


async def _visits(
    phones: list[Phone], concurrency: int, replies: dict[str, int]
) -> list[tuple[float, float]]:
    latencies: list[tuple[float, float]] = []
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
            warmup = await _visits(phones[: load.warmup], load.concurrency, replies)
            started = time.perf_counter()
            latencies = await _visits(phones[load.warmup :], load.concurrency, replies)
            seconds = time.perf_counter() - started
            figures = await child.stop()
    served = len(warmup) + len(latencies)
    return Served(
        len(latencies),
        seconds,
        [last for _, last in latencies],
        [first for first, _ in latencies],
        float(figures["rss_mb"]),
        float(figures.get("children_rss_mb", 0.0)),
        1000 * float(figures["cpu_s"]) / served if served else 0.0,
    )


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
    echo: Echoes | None = None,
) -> tuple[Echoes, dict[str, float]]:
    """The section's figures: bot and echo throughput, ratio, p50/p95/p99, first-reply p95,
    the bot's peak RSS; and the echo bots' figures, which a second run (on PostgreSQL) may
    reuse: the echo bot has no database."""
    url, user_ids = await prepare(
        databases, employees=employees, linked=linked, postgres=postgres, timezone=timezone, now=now
    )
    load = Load(user_ids, concurrency, warmup)
    if echo is None:
        echo = Echoes(
            same=await serve("echo", ["--request", "aiohttp"], load, ECHO_REPLIES),
            httpx=await serve("echo", ["--request", "httpx"], load, ECHO_REPLIES),
        )
    bot = await serve("bot", ["--database-url", url], load, BOT_REPLIES)
    same, httpx = echo.same, echo.httpx
    return echo, {
        "updates.bot_per_s": bot.per_s,
        "updates.echo_per_s": same.per_s,
        "updates.ratio": bot.per_s / same.per_s if same.per_s else 0.0,
        "updates.p95_ms": bot.p(0.95),
        "updates.echo_p95_ms": same.p(0.95),
        "updates.first_reply_p95_ms": bot.first_p(0.95),
        "memory.peak_rss_mb": bot.rss_mb + bot.children_rss_mb,
        "updates.p50_ms": bot.p(0.50),
        "updates.p99_ms": bot.p(0.99),
        "updates.first_reply_p50_ms": bot.first_p(0.50),
        "updates.echo_p50_ms": same.p(0.50),
        "updates.echo_p99_ms": same.p(0.99),
        "updates.echo_httpx_per_s": httpx.per_s,
        "updates.echo_httpx_p95_ms": httpx.p(0.95),
        "memory.chart_workers_rss_mb": bot.children_rss_mb,
        "updates.bot_cpu_ms": bot.cpu_ms,
        "updates.echo_cpu_ms": same.cpu_ms,
    }
