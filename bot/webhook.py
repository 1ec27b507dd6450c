"""The webhook server: Telegram's calls, checked before they are read.

python-telegram-bot's own server (tornado) reads a whole request body before it looks at the
secret, and answers malformed JSON with 500. This one, on aiohttp, refuses a request without
the right `X-Telegram-Bot-Api-Secret-Token` from its headers alone (the body is never read and
the connection is closed), refuses a body over `WEBHOOK_MAX_BYTES` (413, also when it is sent
chunked), answers what is not an update with 400, and hands updates to the application's
queue as PTB's server does. It listens on `WEBHOOK_LISTEN` (loopback by default: the TLS
reverse proxy in front of it is what faces the internet).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.app import ALLOWED_UPDATES, stop
from bot.context import BotApplication
from bot.settings import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """Where the server listens and what it accepts (the WEBHOOK_* settings)."""

    url: str
    secret: str
    listen: str
    port: int
    max_bytes: int

    @property
    def path(self) -> str:
        """The path Telegram posts to: the path of WEBHOOK_URL."""
        return urlsplit(self.url).path or "/"

    @classmethod
    def of(cls, settings: Settings) -> WebhookConfig:
        """The configuration from the settings (which require a secret with a URL)."""
        if settings.webhook_url is None or settings.webhook_secret is None:
            raise ValueError("WEBHOOK_URL and WEBHOOK_SECRET are not set")
        return cls(
            url=settings.webhook_url,
            secret=settings.webhook_secret,
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            max_bytes=settings.webhook_max_bytes,
        )


class Receiver:
    """The one request handler: secret, size, JSON, then the update to the application's queue."""

    def __init__(self, application: BotApplication, config: WebhookConfig) -> None:
        self.application = application
        self.config = config

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One POST from Telegram (or from someone pretending to be Telegram)."""
        offered = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(offered.encode(), self.config.secret.encode()):
            return _refuse(HTTPStatus.FORBIDDEN)
        if request.content_length is not None and request.content_length > self.config.max_bytes:
            return _refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        update = self._update(body)
        if update is None:
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        await self.application.update_queue.put(update)
        return web.Response()

    def _update(self, body: bytes) -> Update | None:
        try:
            data = json.loads(body)
            is_update = isinstance(data, dict) and isinstance(data.get("update_id"), int)
            update = Update.de_json(data, self.application.bot) if is_update else None
        except (ValueError, TypeError, KeyError, AttributeError):
            update = None
        if update is None:
            log.warning("webhook: a request with the right secret was not an update (%d bytes)", len(body))
        return update


def _refuse(status: HTTPStatus) -> web.Response:
    """An answer after which the connection closes, so an unread body is never read."""
    response = web.Response(status=status)
    response.force_close()
    return response


def web_app(application: BotApplication, config: WebhookConfig) -> web.Application:
    """The aiohttp application: one POST route at the webhook's path."""
    app = web.Application(client_max_size=config.max_bytes)
    app.router.add_post(config.path, Receiver(application, config).handle)
    return app


async def serve(application: BotApplication, config: WebhookConfig) -> web.AppRunner:
    """Start listening; the caller cleans the returned runner up. An unread body is not
    drained after the answer (lingering_time=0): the connection is closed instead."""
    runner = web.AppRunner(web_app(application, config), access_log=None, lingering_time=0)
    await runner.setup()
    await web.TCPSite(runner, config.listen, config.port).start()
    return runner


async def run(
    application: BotApplication, config: WebhookConfig, *, stopping: asyncio.Event | None = None
) -> None:
    """`asn-bot run` in webhook mode: start the bot, register the webhook, serve until
    `stopping` is set (by default: until SIGINT/SIGTERM), then stop everything it started."""
    if stopping is None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    runner = await serve(application, config)
    try:
        await application.bot.set_webhook(
            config.url, secret_token=config.secret, allowed_updates=ALLOWED_UPDATES
        )
        await stopping.wait()
    finally:
        await runner.cleanup()
        await stop(application)
