"""Run the local Bot API server as a process: ``python -m bot.local_api --port 8081``.

It listens on 127.0.0.1 only, logs its URLs once at start, and stops cleanly on Ctrl-C or
SIGTERM.  Drive it with the ``/_control`` HTTP API (see ``bot.local_api.control``).
"""

import argparse
import asyncio
import logging
import signal

from bot.local_api.limits import RateLimits
from bot.local_api.server import LocalBotApi

_LOGGER = logging.getLogger("bot.local_api")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(prog="python -m bot.local_api", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--token", default="123456:TEST", help="the only bot token accepted")
    parser.add_argument("--bot-username", default="asn_karier_bot")
    parser.add_argument("--rate-limit", action="store_true", help="enforce Telegram's flood limits")
    defaults = RateLimits()
    parser.add_argument("--global-per-second", type=int, default=defaults.global_per_second)
    parser.add_argument("--per-chat-per-second", type=float, default=defaults.per_chat_per_second)
    parser.add_argument("--per-chat-burst", type=int, default=defaults.per_chat_burst)
    parser.add_argument(
        "--lenient-html", action="store_true", help="keep a bare & literally, as Telegram does"
    )
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Run the server until SIGINT or SIGTERM."""
    limits = (
        RateLimits(args.global_per_second, args.per_chat_per_second, args.per_chat_burst)
        if args.rate_limit
        else None
    )
    server = LocalBotApi(
        args.token,
        args.bot_username,
        port=args.port,
        rate_limits=limits,
        strict_html=not args.lenient_html,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        _LOGGER.info(
            "Bot API at %s (base_file_url %s), control at %s/_control",
            server.base_url,
            server.base_file_url,
            server.url,
        )
        await stop.wait()
        _LOGGER.info("Stopping; %s", server.stats.as_dict())


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
