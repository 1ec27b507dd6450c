"""The one place that builds the application: settings → services → PTB `Application`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import configure_mappers
from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import NetworkError, TelegramError
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot import jobs as scheduled
from bot.context import SERVICES_KEY, BotApplication, Context, Services
from bot.handlers import register
from bot.process import settle_heap
from bot.request import AiohttpRequest
from bot.settings import Settings
from db.engine import create_engine, session_factory
from db.types import utcnow
from messages import LANGUAGES, Renderer

log = logging.getLogger(__name__)

#: The command menu, in the order Telegram shows it (labels live in messages/*/labels.toml).
_SHARED_COMMANDS = ("start", "kompetensi", "jp", "pelatihan", "seminar", "pendaftaran", "hadir", "profil")
MENU_COMMANDS: dict[str, tuple[str, ...]] = {
    "id": (*_SHARED_COMMANDS, "pengaturan", "bantuan", "data_saya", "hapus_data"),
    "en": (*_SHARED_COMMANDS, "settings", "help", "data_saya", "hapus_data"),
}


def file_url(base_url: str) -> str:
    """The file-download base that goes with a Bot API base URL (`…/bot` → `…/file/bot`)."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    return f"{parts.scheme}://{parts.netloc}{head}/file/{last or 'bot'}"


ALLOWED_UPDATES = ["message", "callback_query"]
#: Seconds before the first retry to reach the Bot API at start-up, and the longest wait.
RETRY_FIRST = 1.0
RETRY_CAP = 60.0


async def wait_for_bot_api(
    settings: Settings,
    *,
    on_retry: Callable[[int, float, NetworkError], None],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    request: Callable[[], BaseRequest] = AiohttpRequest,
) -> None:
    """Return once the Bot API answers `getMe`. A network error (server down, no route, a
    proxy's 502) is retried after 1, 2, 4 … seconds, at most `RETRY_CAP`, telling `on_retry`
    (attempt, delay, error) first; a refused token (`InvalidToken`) is raised at once."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    attempt = 0
    while True:
        bot = Bot(
            settings.telegram_bot_token,
            base_url=settings.telegram_api_base_url,
            base_file_url=file_url(settings.telegram_api_base_url),
            request=request(),
        )
        try:
            async with bot:  # initialising a bot asks getMe
                return
        except NetworkError as exc:
            attempt += 1
            delay = min(RETRY_CAP, RETRY_FIRST * 2 ** (attempt - 1))
            on_retry(attempt, delay, exc)
            await sleep(delay)


def build_services(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Services:
    """Engine, session factory and renderer for these settings."""
    engine = create_engine(settings.database_url)
    return Services(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        renderer=Renderer(settings.timezone),
        clock=clock,
    )


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    jobs: bool = True,
) -> BotApplication:
    """The bot: handlers, defaults (HTML, office time zone), start-up/shut-down hooks, and
    (unless `jobs` is off, as in tests that count what handlers do) the outbox dispatcher.
    Requests go through `AiohttpRequest` unless `request` / `get_updates_request` are given."""
    settings = services.settings
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_url(settings.telegram_api_base_url))
        .context_types(ContextTypes(context=Context))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.timezone,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(64)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    # aiohttp rather than PTB's default httpx: several times the requests a second on the same
    # CPU (bench/RESULTS.md); long polling needs one connection.
    builder = builder.request(request or AiohttpRequest())
    builder = builder.get_updates_request(get_updates_request or AiohttpRequest(connection_pool_size=1))
    application: BotApplication = builder.build()
    application.bot_data[SERVICES_KEY] = services
    register(application)
    if jobs:
        scheduled.schedule(application)
    return application


async def set_commands(application: BotApplication) -> None:
    """The command menu in Indonesian (default) and English; a refusal is a warning, not a crash."""
    services: Services = application.bot_data[SERVICES_KEY]
    renderer = services.renderer
    for lang in LANGUAGES:
        commands = [BotCommand(c, renderer.label(f"command.{c}", lang)) for c in MENU_COMMANDS[lang]]
        try:
            await application.bot.set_my_commands(
                commands,
                scope=BotCommandScopeAllPrivateChats(),
                language_code=None if lang == "id" else lang,
            )
        except TelegramError as exc:
            log.warning("the Bot API refused setMyCommands (%s): %s", lang, exc)


def warm_up(services: Services) -> None:
    """Before a long-running bot serves: do now what its first updates would otherwise wait for,
    then settle the heap (`bot.process.settle_heap`).  Every template compiled and every
    language's data loaded (`Renderer.warm`), the ORM's mappers configured (SQLAlchemy does it
    on the first query, 0.25 s): a burst right after a start no longer queues behind them."""
    services.renderer.warm()
    configure_mappers()
    settle_heap()


async def _post_init(application: BotApplication) -> None:
    await set_commands(application)


async def _post_shutdown(application: BotApplication) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await asyncio.to_thread(services.charts.shutdown)
    await services.engine.dispose()


async def start_polling(application: BotApplication, *, poll_timeout: int = 10) -> None:
    """Start the application and poll, as `run_polling` does, for callers that own the loop
    (the demo, end-to-end tests, benchmarks)."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    if application.updater is not None:
        await application.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)


async def stop(application: BotApplication) -> None:
    """Stop what `start_polling` started (idempotent)."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
