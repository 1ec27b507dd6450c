"""What the benchmark runs in a process of its own, against the Bot API server of the parent.

``python -m bench.child ROLE …`` starts one of:

* ``bot``       the project's bot (`bot.app.build_application`), polling;
* ``echo``      a bare python-telegram-bot application that answers every message with its text;
* ``dispatch``  the project's outbox `Dispatcher` over a database;
* ``ptb-send``  a bare loop of PTB `send_message` calls;
* ``http-send`` a bare aiohttp loop posting `sendMessage`.

The protocol on stdin/stdout is one line each way: the child prints ``ready`` when it is set
up; a polling bot then serves until stdin closes, a sender starts on a ``go`` line; at the end
the child prints one JSON line with its figures, always including its peak RSS (and the
largest of its ended children's, the chart worker processes where there are any).  The parent
(the load generator and the server) and the child so run on separate cores, as a bot and
Telegram do.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import json
import logging
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from datetime import timedelta
from typing import Any

import aiohttp
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, HTTPXRequest

from bot.process import tune_gc
from bot.request import AiohttpRequest
from bot.settings import Settings

TOKEN = "123456:BENCH"
REQUESTS = ("default", "httpx", "aiohttp")


def _high_water_mb(pid: int | str = "self") -> float | None:
    """A process's peak resident set size in MiB (`VmHWM`); None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB.  Linux keeps `ru_maxrss` across `exec`, so
    a child of a large harness would report the harness's peak (tests/bench/test_child_memory.py):
    `VmHWM` belongs to this program's own memory; `ru_maxrss` only where there is no /proc."""
    own = _high_water_mb()
    return own if own is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """The largest peak RSS of this process's live children (chart worker processes), in MiB:
    read while they run, as their `ru_maxrss` would hold this process's own peak."""
    peaks = [_high_water_mb(child.pid) for child in multiprocessing.active_children() if child.pid]
    return max((peak for peak in peaks if peak is not None), default=0.0)


def make_request(kind: str, *, get_updates: bool = False) -> BaseRequest | None:
    """A request object of that kind (None: whatever the code under test uses by default)."""
    pool = 1 if get_updates else 256
    if kind == "httpx":
        return HTTPXRequest(connection_pool_size=pool)
    if kind == "aiohttp":
        return AiohttpRequest(connection_pool_size=pool)
    return None


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def _line() -> str:
    line: str = await asyncio.to_thread(sys.stdin.readline)
    return line.strip()


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=args.base_url,
        database_url=args.database_url or "sqlite+aiosqlite:///:memory:",
    )


@contextlib.contextmanager
def _profiled(path: str | None) -> Iterator[None]:
    """With a `path`, the CPU time of this (the event loop's) thread profiled into it."""
    if path is None:
        yield
        return
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(path)


async def run_bot(args: argparse.Namespace) -> dict[str, Any]:
    """The project's bot, polling until stdin closes."""
    # imported here, not at the top: the bare senders start without the bot (and matplotlib)
    from bot.app import build_application, build_services, start_polling, stop, warm_up
    from bot.documents.drawing import ChartPool

    services = build_services(_settings(args))
    if args.chart_pool != "auto":
        services.charts.shutdown()
        services = dataclasses.replace(services, charts=ChartPool(args.chart_pool))
    application = build_application(
        services,
        request=make_request(args.request),
        get_updates_request=make_request(args.request, get_updates=True),
        jobs=False,
    )
    await start_polling(application, poll_timeout=1)
    warm_up(services)  # as `asn-bot run` does before it serves
    _say("ready")
    started = time.process_time()
    with _profiled(args.profile):
        await _line()
    cpu_s = time.process_time() - started
    children_rss_mb = children_peak_rss_mb()  # the chart workers end with the application
    await stop(application)
    return {"cpu_s": cpu_s, "children_rss_mb": children_rss_mb}


async def _echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("echo", callback_data="echo")]])
        await message.reply_text(message.text, reply_markup=keyboard)


async def _echo_press(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_text(f"echo: {query.data}")


async def run_echo(args: argparse.Namespace) -> dict[str, Any]:
    """The framework's ceiling: a bare PTB application that echoes, polling until stdin closes."""
    builder = Application.builder().token(TOKEN).base_url(args.base_url).concurrent_updates(64)
    request, get_updates_request = make_request(args.request), make_request(args.request, get_updates=True)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    application.add_handler(CallbackQueryHandler(_echo_press))
    await application.initialize()
    await application.start()
    if application.updater is None:
        raise RuntimeError("no updater")
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    _say("ready")
    started = time.process_time()
    await _line()
    cpu_s = time.process_time() - started
    await application.updater.stop()
    await application.stop()
    await application.shutdown()
    return {"cpu_s": cpu_s}


async def _timed(send: Callable[[], Awaitable[int]]) -> dict[str, Any]:
    _say("ready")
    await _line()
    started, cpu = time.perf_counter(), time.process_time()
    sent = await send()
    return {"sent": sent, "seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu}


async def run_dispatch(args: argparse.Namespace) -> dict[str, Any]:
    """The outbox dispatcher on the bot `bot.app` builds: drain everything due, or run for `--seconds`."""
    from bot.app import build_application, build_services
    from bot.dispatcher import Dispatcher

    services = build_services(_settings(args))
    application = build_application(services, request=make_request(args.request), jobs=False)
    async with application:
        dispatcher = Dispatcher(
            services,
            application.bot,
            rate=args.rate,
            per_chat_interval=args.per_chat_interval,
            lease=timedelta(minutes=10),
        )

        async def send() -> int:
            if args.seconds is None:
                return await dispatcher.drain()
            stop_event = asyncio.Event()
            asyncio.get_running_loop().call_later(args.seconds, stop_event.set)
            await dispatcher.run_forever(stop_event)
            return 0

        with _profiled(args.profile):
            result = await _timed(send)
    await services.engine.dispose()
    return result


async def _workers(count: int, concurrency: int, one: Callable[[int], Awaitable[None]]) -> int:
    queue = iter(range(count))

    async def worker() -> None:
        for index in queue:
            await one(index)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count


async def run_ptb_send(args: argparse.Namespace) -> dict[str, Any]:
    """`count` send_message calls through a bare PTB `Bot`, `concurrency` at a time."""
    request = make_request(args.request)
    bot = (
        Bot(TOKEN, base_url=args.base_url, request=request) if request else Bot(TOKEN, base_url=args.base_url)
    )
    async with bot:

        async def one(index: int) -> None:
            await bot.send_message(chat_id=args.first_chat + index, text=args.text)

        return await _timed(lambda: _workers(args.count, args.concurrency, one))


async def run_http_send(args: argparse.Namespace) -> dict[str, Any]:
    """`count` sendMessage POSTs from a plain aiohttp client, `concurrency` at a time."""
    url = f"{args.base_url}{TOKEN}/sendMessage"
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(index: int) -> None:
            payload = {"chat_id": args.first_chat + index, "text": args.text}
            async with session.post(url, json=payload) as response:
                body = await response.read()
                if response.status != 200:
                    raise RuntimeError(f"sendMessage answered {response.status}: {body[:200]!r}")

        return await _timed(lambda: _workers(args.count, args.concurrency, one))


ROLES: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, dict[str, Any]]]] = {
    "bot": run_bot,
    "echo": run_echo,
    "dispatch": run_dispatch,
    "ptb-send": run_ptb_send,
    "http-send": run_http_send,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of a child."""
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    parser.add_argument("role", choices=sorted(ROLES))
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--request", choices=REQUESTS, default="default")
    # the bot's chart workers; BENCH_CHART_POOL=threads|processes compares them in a whole run
    parser.add_argument(
        "--chart-pool",
        choices=("auto", "threads", "processes"),
        default=os.environ.get("BENCH_CHART_POOL", "auto"),
    )
    # BENCH_PROFILE=FILE: the event-loop thread of a bot while it serves, or of a dispatcher while
    # it sends, profiled (its CPU time)
    parser.add_argument("--profile", default=os.environ.get("BENCH_PROFILE"))
    parser.add_argument("--rate", type=float, default=1_000_000.0)
    parser.add_argument("--per-chat-interval", type=float, default=0.0)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--first-chat", type=int, default=0)
    parser.add_argument("--text", default="Pengumuman: pelatihan baru dibuka.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the role, then report its figures and peak RSS as one JSON line."""
    args = parse_args(argv)
    if args.profile and os.path.exists(args.profile):
        args.profile = None  # the first bot of a run (the updates section's) keeps the profile
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    tune_gc()  # as `asn-bot` does, in every role: the echo bot and the bare senders alike
    result: dict[str, Any] = asyncio.run(ROLES[args.role](args))
    _say(json.dumps({"children_rss_mb": 0.0, **result, "rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
