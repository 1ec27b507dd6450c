"""Fixtures: a running local Bot API server, a python-telegram-bot ``Bot`` on it, and a user."""

from collections.abc import AsyncIterator

import pytest_asyncio
from telegram import Bot

from bot.local_api import LocalBotApi, Phone

TOKEN = "123456:TEST"
MARIA = 1001


@pytest_asyncio.fixture
async def server() -> AsyncIterator[LocalBotApi]:
    """A started server for the test bot."""
    async with LocalBotApi(token=TOKEN, bot_username="asn_karier_bot") as api:
        yield api


@pytest_asyncio.fixture
async def bot(server: LocalBotApi) -> AsyncIterator[Bot]:
    """A real PTB Bot talking to the server."""
    async with Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url) as telegram_bot:
        yield telegram_bot


@pytest_asyncio.fixture
async def maria(server: LocalBotApi) -> Phone:
    """Maria Bria, an ASN who writes in Indonesian."""
    return server.user(user_id=MARIA, first_name="Maria", last_name="Bria", language_code="id")
