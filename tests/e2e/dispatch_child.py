"""A dispatcher as a process of its own, until the outbox is empty.

test_dispatcher_crash.py starts it and kills it mid-broadcast, again and again.
``python -m tests.e2e.dispatch_child --database-url URL --api-base-url URL --token TOKEN``
(from the repository root) sends every pending row, waiting for retries and for rows left by
a dead dispatcher to be reclaimed, and exits when nothing is pending or being sent.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import timedelta

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.app import build_services
from bot.dispatcher import Dispatcher
from bot.settings import Settings
from db import outbox


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.e2e.dispatch_child", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--api-base-url", required=True, help="Bot API base URL, e.g. http://127.0.0.1:8081/bot"
    )
    parser.add_argument("--token", required=True)
    parser.add_argument("--worker-id", default=None)
    parser.add_argument("--rate", type=float, default=25.0, help="messages per second overall")
    parser.add_argument("--batch", type=int, default=100, help="rows claimed and in flight at once")
    parser.add_argument("--lease", type=float, default=120.0, help="seconds a claim holds")
    parser.add_argument("--backoff", type=float, default=2.0, help="first retry delay after a 5xx, seconds")
    parser.add_argument("--log-level", default="WARNING")
    return parser.parse_args(argv)


async def dispatch_all(args: argparse.Namespace) -> None:
    """Dispatch until the outbox has nothing pending or sending."""
    settings = Settings(
        _env_file=None,
        database_url=args.database_url,
        telegram_api_base_url=args.api_base_url,
        telegram_bot_token=args.token,
    )
    services = build_services(settings)
    request = HTTPXRequest(connection_pool_size=args.batch)
    try:
        async with Bot(args.token, base_url=args.api_base_url, request=request) as bot:
            dispatcher = Dispatcher(
                services,
                bot,
                worker_id=args.worker_id,
                rate=args.rate,
                batch=args.batch,
                lease=timedelta(seconds=args.lease),
                backoff=timedelta(seconds=args.backoff),
            )
            while True:
                await dispatcher.drain()
                async with services.sessions() as session:
                    if await outbox.unfinished(session) == 0:
                        return
                await asyncio.sleep(0.2)
    finally:
        await services.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(dispatch_all(args))


if __name__ == "__main__":
    main()
