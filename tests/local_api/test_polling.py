"""Long polling: injected updates wake getUpdates at once, and a real PTB Application answers."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram import Bot, KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.local_api import LocalBotApi, Phone
from tests.local_api.conftest import MARIA, TOKEN


async def test_an_injected_update_wakes_a_waiting_poll_immediately(bot: Bot, maria: Phone) -> None:
    loop = asyncio.get_running_loop()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    started = loop.time()

    await maria.send("halo")
    updates = await poll

    assert loop.time() - started < 0.5
    assert [u.message.text for u in updates if u.message] == ["halo"]


async def test_a_poll_without_updates_waits_for_its_timeout(bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()

    assert await bot.get_updates(timeout=1) == ()
    assert loop.time() - started >= 0.9


async def test_confirmed_updates_are_dropped(server: LocalBotApi, bot: Bot, maria: Phone) -> None:
    for text in ("satu", "dua", "tiga"):
        await maria.send(text)

    first = await bot.get_updates(limit=2)
    again = await bot.get_updates(limit=2)
    rest = await bot.get_updates(offset=first[-1].update_id + 1)

    assert [u.update_id for u in first] == [u.update_id for u in again]
    assert [u.message.text for u in rest if u.message] == ["tiga"]
    assert server.pending_update_count == 1
    await bot.get_updates(offset=-1)
    assert server.pending_update_count == 1


async def test_allowed_updates_filters_later_updates(server: LocalBotApi, bot: Bot, maria: Phone) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])

    await maria.send("diabaikan")

    assert server.pending_update_count == 0


async def test_a_second_poll_terminates_the_first(server: LocalBotApi, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)

    # PTB gives getUpdates a pool of one connection, so the rival needs its own Bot.
    async with Bot(TOKEN, base_url=server.base_url) as rival:
        await rival.get_updates(timeout=0)

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [CODE] — greet, echoing a deep-link code."""
    assert update.effective_message is not None
    assert update.effective_user is not None
    code = f" (kode {context.args[0]})" if context.args else ""
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Bagikan nomor HP", request_contact=True)]])
    await update.effective_message.reply_html(
        f"Halo <b>{update.effective_user.first_name}</b>{code}!", reply_markup=keyboard
    )


async def _contact(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared contact — confirm whose number it is."""
    assert update.effective_message is not None
    assert update.effective_message.contact is not None
    contact = update.effective_message.contact
    own = contact.user_id == update.effective_message.chat_id
    await update.effective_message.reply_text(
        f"{contact.phone_number} {'milik Anda' if own else 'orang lain'}"
    )


@pytest_asyncio.fixture
async def application(server: LocalBotApi) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """The bot's Application polling the local server."""
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(MessageHandler(filters.CONTACT, _contact))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        yield app
        await app.updater.stop()
        await app.stop()


@pytest.mark.usefixtures("application")
async def test_the_application_answers_start_and_a_shared_contact(maria: Phone) -> None:
    await maria.send("/start")
    [greeting] = await maria.wait_replies()
    await maria.send("/start UNDANGAN42")
    [with_code] = await maria.wait_replies()
    await maria.share_contact("+6281234567890")
    await maria.share_contact("6289900001111", user_id=3003)
    own, other = await maria.wait_replies(2)

    assert greeting.plain_text == "Halo Maria!"
    assert greeting.entities == ({"type": "bold", "offset": 5, "length": 5},)
    assert with_code.plain_text == "Halo Maria (kode UNDANGAN42)!"
    assert maria.last_reply_keyboard is not None
    assert (own.plain_text, other.plain_text) == ("+6281234567890 milik Anda", "6289900001111 orang lain")


@pytest.mark.usefixtures("application")
async def test_many_users_are_answered_in_their_own_chats(server: LocalBotApi) -> None:
    phones = [server.user(5000 + n, f"ASN {n}") for n in range(20)]

    await asyncio.gather(*(phone.send("/start") for phone in phones))
    replies = await asyncio.gather(*(phone.wait_replies() for phone in phones))

    assert [reply.plain_text for [reply] in replies] == [f"Halo ASN {n}!" for n in range(20)]


async def test_wait_replies_times_out_with_what_arrived(bot: Bot, maria: Phone) -> None:
    await bot.send_message(MARIA, "satu")

    with pytest.raises(TimeoutError, match=r"expected 2 replies within 0.1s, got 1: \['satu'\]"):
        await maria.wait_replies(2, timeout=0.1)
    assert [reply.plain_text for reply in await maria.wait_replies()] == ["satu"]
