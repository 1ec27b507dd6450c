"""Webhook mode: updates are POSTed with the secret header, retried, and getUpdates is refused."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bot.local_api import LocalBotApi, Phone
from tests.local_api.conftest import MARIA, TOKEN

SECRET = "rahasia-123"


class Receiver:
    """A webhook endpoint that records what arrives and can fail the first few deliveries."""

    def __init__(self) -> None:
        self.deliveries: asyncio.Queue[tuple[dict[str, Any], str | None]] = asyncio.Queue()
        self.failures_left = 0

    async def handle(self, request: web.Request) -> web.Response:
        """Accept (or fail) one delivery."""
        if self.failures_left:
            self.failures_left -= 1
            return web.Response(status=500)
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.deliveries.put_nowait((await request.json(), secret))
        return web.Response()


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    """A running webhook receiver and its URL."""
    endpoint = Receiver()
    app = web.Application()
    app.router.add_post("/webhook", endpoint.handle)
    async with TestServer(app, host="127.0.0.1") as http:
        yield endpoint, str(http.make_url("/webhook"))


async def test_updates_are_posted_with_the_secret_and_polling_is_refused(
    server: LocalBotApi, bot: Bot, maria: Phone, receiver: tuple[Receiver, str]
) -> None:
    endpoint, url = receiver
    assert await bot.set_webhook(url, secret_token=SECRET)

    await maria.send("/start")
    update, secret = await asyncio.wait_for(endpoint.deliveries.get(), 2)

    assert update["message"]["text"] == "/start"
    assert secret == SECRET
    with pytest.raises(Conflict) as error:
        await bot.get_updates()
    assert error.value.message == (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (url, 0)
    assert server.stats.webhook_deliveries == 1


async def test_a_failing_webhook_is_retried(receiver: tuple[Receiver, str]) -> None:
    endpoint, url = receiver
    endpoint.failures_left = 2
    async with LocalBotApi(TOKEN, webhook_retry_delay=0.01) as server:
        phone = server.user(MARIA, "Maria")
        async with Bot(TOKEN, base_url=server.base_url) as own_bot:
            await own_bot.set_webhook(url)
            await phone.send("halo")
            update, secret = await asyncio.wait_for(endpoint.deliveries.get(), 2)
            info = await own_bot.get_webhook_info()

    assert update["message"]["text"] == "halo"
    assert secret is None
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_deleting_the_webhook_returns_to_polling(server: LocalBotApi, bot: Bot, maria: Phone) -> None:
    await bot.set_webhook("http://127.0.0.1:9/unreachable", drop_pending_updates=True)
    assert server.webhook_url == "http://127.0.0.1:9/unreachable"

    assert await bot.delete_webhook()
    await maria.send("lagi")

    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.text == "lagi"
    assert (await bot.get_webhook_info()).url == ""


async def _start(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    """/start — greet."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("Halo dari webhook")


async def test_an_application_fed_by_the_webhook_answers(server: LocalBotApi, maria: Phone) -> None:
    app = ApplicationBuilder().token(TOKEN).base_url(server.base_url).updater(None).build()
    app.add_handler(CommandHandler("start", _start))

    async def feed(request: web.Request) -> web.Response:
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    webhook_app = web.Application()
    webhook_app.router.add_post("/telegram", feed)
    async with app, TestServer(webhook_app, host="127.0.0.1") as http:
        await app.start()
        await app.bot.set_webhook(str(http.make_url("/telegram")), secret_token=SECRET)
        await maria.send("/start")
        [reply] = await maria.wait_replies()
        await app.stop()

    assert reply.plain_text == "Halo dari webhook"
