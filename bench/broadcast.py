"""Broadcast: the outbox dispatcher against two bare senders, then under Telegram's limit.

(a) Limits off: `recipients` pending outbox rows, one per chat, sent by the project's
`Dispatcher` (rate and per-chat spacing lifted) through the project's bot as `bot.app` builds
it; against a bare loop of python-telegram-bot `send_message` calls with PTB's default
(HTTPX) request, the same loop with `bot.request.AiohttpRequest`, and a plain aiohttp client
posting `sendMessage` — the same number of sends in flight for all (`concurrency`, the
dispatcher's batch).  Each sender runs in its own process against a fresh server.
(b) The server enforces 30 messages/s (and one a second per chat); the dispatcher runs at
Telegram's 30/s for `limited_seconds`: the rate the server accepted (from its first accepted
send to its last, so the child's start-up is not counted as sending) and its 429 answers.
Info figures: the CPU per message of the dispatcher (`broadcast.cpu_us`) and of the plain
aiohttp sender (`broadcast.bare_http_cpu_us`), steadier than the rates on a shared machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.data import add_recipients
from bench.harness import Child, Databases
from bot.local_api import LocalBotApi, RateLimits
from db.engine import create_engine

TOKEN = "123456:BENCH"
FIRST_CHAT = 800_000_000
TEXT = "<b>Pengumuman</b>: pendaftaran Pelatihan Kepemimpinan Pengawas dibuka sampai Jumat."
TELEGRAM_RATE = 30


@dataclass(frozen=True, slots=True)
class Sizes:
    """How much each part sends."""

    recipients: int
    bare: int
    concurrency: int
    limited_seconds: float


async def _sender(
    role: str, *args: str, chats: range, limits: RateLimits | None = None
) -> tuple[int, float, int, float, float]:
    """Run one sender against a fresh server on which `chats` have started the bot: sends
    accepted, seconds, 429 answers, the rate the server saw between its first and last
    accepted send (what a sender achieves once sending, without its start-up), and the
    sender's CPU seconds while sending."""
    async with LocalBotApi(TOKEN, "asn_karier_bot", rate_limits=limits) as server:
        for chat in chats:
            server.user(chat, "ASN", language_code="id")
        async with Child(role, "--base-url", server.base_url, *args) as child:
            figures = await child.go()
        stats = server.stats
        return (
            stats.sends_accepted,
            float(figures["seconds"]),
            stats.too_many_requests,
            stats.send_rate or 0.0,
            float(figures["cpu_s"]),
        )


@dataclass(frozen=True, slots=True)
class Bare:
    """The bare senders' rates (messages/s): no database, so a second run may reuse them."""

    ptb: float
    ptb_aiohttp: float
    http: float
    #: The plain aiohttp sender's CPU per message, in µs.
    http_cpu_us: float


async def bare_senders(sizes: Sizes, chats: range) -> Bare:
    """Time the three bare senders, each against a fresh server."""
    bare = [
        "--count",
        str(sizes.bare),
        "--concurrency",
        str(sizes.concurrency),
        "--first-chat",
        str(chats[0]),
    ]
    ptb_sent, ptb_seconds, *_ = await _sender("ptb-send", *bare, "--request", "httpx", chats=chats)
    aio_sent, aio_seconds, *_ = await _sender("ptb-send", *bare, "--request", "aiohttp", chats=chats)
    http_sent, http_seconds, _, _, http_cpu = await _sender("http-send", *bare, chats=chats)
    return Bare(
        ptb_sent / ptb_seconds, aio_sent / aio_seconds, http_sent / http_seconds, 1e6 * http_cpu / http_sent
    )


async def _enqueue(url: str, *, first: int, count: int, now: datetime) -> None:
    engine = create_engine(url)
    try:
        await add_recipients(engine, first=first, count=count, text=TEXT, due_at=now - timedelta(minutes=1))
    finally:
        await engine.dispose()


async def run(
    databases: Databases, sizes: Sizes, *, postgres: bool, now: datetime, bare: Bare | None = None
) -> tuple[Bare, dict[str, float]]:
    """The section's figures, and the bare senders' (measured unless `bare` is given: they
    use no database, so the PostgreSQL run reuses the SQLite run's)."""
    url = await databases.fresh(postgres=postgres)
    limited_rows = int(sizes.limited_seconds * TELEGRAM_RATE * 2)
    chats = range(FIRST_CHAT, FIRST_CHAT + sizes.recipients + limited_rows)
    await _enqueue(url, first=FIRST_CHAT, count=sizes.recipients, now=now)
    db = ["--database-url", url]
    sent, seconds, _, _, cpu = await _sender("dispatch", *db, chats=chats)
    if sent != sizes.recipients:
        raise RuntimeError(f"the dispatcher sent {sent} of {sizes.recipients} messages")
    if bare is None:
        bare = await bare_senders(sizes, chats)

    await _enqueue(url, first=FIRST_CHAT + sizes.recipients, count=limited_rows, now=now)
    limited = [
        "--rate",
        str(TELEGRAM_RATE),
        "--per-chat-interval",
        "1",
        "--seconds",
        str(sizes.limited_seconds),
    ]
    _, _, too_many, limited_rate, _ = await _sender(
        "dispatch", *db, *limited, chats=chats, limits=RateLimits()
    )
    raw = sent / seconds
    return bare, {
        "broadcast.raw_per_s": raw,
        "broadcast.bare_ptb_per_s": bare.ptb,
        "broadcast.bare_ptb_aiohttp_per_s": bare.ptb_aiohttp,
        "broadcast.bare_http_per_s": bare.http,
        "broadcast.ratio": raw / bare.http,
        "broadcast.limited_per_s": limited_rate,
        "broadcast.limited_429s": float(too_many),
        "broadcast.cpu_us": 1e6 * cpu / sent,
        "broadcast.bare_http_cpu_us": bare.http_cpu_us,
    }
