"""Requests Telegram would refuse are refused with its status and description, as PTB exceptions."""

from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.local_api import LocalBotApi, Phone
from tests.local_api.conftest import MARIA
from tests.local_api.factories import png

Call = Callable[[Bot], Awaitable[object]]


def _keyboard(**button: str) -> dict[str, object]:
    return {"inline_keyboard": [[{"text": "Daftar", **button}]]}


@pytest.mark.parametrize(
    ("call", "description"),
    [
        (lambda bot: bot.send_message(MARIA, ""), "Message text is empty"),
        (lambda bot: bot.send_message(MARIA, "<b></b> ", parse_mode="HTML"), "Message text is empty"),
        (lambda bot: bot.send_message(MARIA, "x" * 4097), "Message is too long"),
        (lambda bot: bot.send_message(9999, "halo"), "Chat not found"),
        (lambda bot: bot.send_message("@maria", "halo"), "Chat not found"),
        (
            lambda bot: bot.send_message(MARIA, "<b>tebal", parse_mode="HTML"),
            "Can't parse entities: can't find end tag corresponding to start tag \"b\"",
        ),
        (
            lambda bot: bot.send_message(MARIA, "JP < 20", parse_mode="HTML"),
            'Can\'t parse entities: unsupported start tag "" at byte offset 3',
        ),
        (
            lambda bot: bot.send_message(MARIA, "<p>x</p>", parse_mode="HTML"),
            'Can\'t parse entities: unsupported start tag "p" at byte offset 0',
        ),
        (lambda bot: bot.send_photo(MARIA, png(), caption="c" * 1025), "Message caption is too long"),
        (lambda bot: bot.send_photo(MARIA, b"not an image"), "Image_process_failed"),
        (lambda bot: bot.send_photo(MARIA, "no-such-file-id"), "Wrong file identifier/http url specified"),
        (lambda bot: bot.edit_message_text("x", MARIA, 77), "Message to edit not found"),
        (
            lambda bot: bot.answer_callback_query("12345"),
            "Query is too old and response timeout expired or query id is invalid",
        ),
        (lambda bot: bot.get_file("nope"), "Invalid file_id"),
        (lambda bot: bot.delete_message(MARIA, 77), "Message to delete not found"),
    ],
)
@pytest.mark.usefixtures("maria")
async def test_bad_requests(bot: Bot, call: Call, description: str) -> None:
    with pytest.raises(BadRequest) as error:
        await call(bot)

    # PTB drops Telegram's "Bad Request: " prefix and capitalises the rest.
    assert error.value.message == description


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        (_keyboard(callback_data=""), "Bad Request: BUTTON_DATA_INVALID"),
        (_keyboard(callback_data="x" * 65), "Bad Request: BUTTON_DATA_INVALID"),
        (_keyboard(callback_data="é" * 33), "Bad Request: BUTTON_DATA_INVALID"),
        (
            _keyboard(),
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            _keyboard(callback_data="a", url="https://bkn.go.id"),
            "Bad Request: can't parse inline keyboard button: only one of the fields url, callback_data "
            "can be used in a button",
        ),
        (_keyboard(url="bkn go id"), "Bad Request: BUTTON_URL_INVALID"),
        ({"keyboard": [[{"text": ""}]]}, "Bad Request: can't parse keyboard button: Text must be non-empty"),
        (
            {"inline_keyboard": [{"text": "x"}]},
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
        ),
    ],
)
async def test_invalid_keyboards(
    server: LocalBotApi, maria: Phone, markup: dict[str, object], description: str
) -> None:
    answer = await _raw_send(server, {"chat_id": MARIA, "text": "Pilih", "reply_markup": markup})

    assert answer == {"ok": False, "error_code": 400, "description": description}
    assert maria.history == []


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"text": "halo"}, "Bad Request: chat_id is empty"),
        ({"chat_id": MARIA}, "Bad Request: message text is empty"),
        ({"chat_id": MARIA, "text": "x", "parse_mode": "BBCode"}, "Bad Request: unsupported parse_mode"),
        (
            {"chat_id": MARIA, "text": "x", "reply_markup": "{not json"},
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
    ],
)
async def test_missing_or_malformed_parameters(
    server: LocalBotApi, maria: Phone, params: dict[str, object], description: str
) -> None:
    answer = await _raw_send(server, params)

    assert answer == {"ok": False, "error_code": 400, "description": description}
    assert maria.history == []


async def test_64_bytes_of_callback_data_are_fine(bot: Bot, maria: Phone) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="é" * 32)]])

    await bot.send_message(MARIA, "x", reply_markup=keyboard)

    assert len(maria.history) == 1


async def test_4096_characters_after_stripping_tags_are_fine(bot: Bot, maria: Phone) -> None:
    await bot.send_message(MARIA, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")

    assert len(maria.history[0].plain_text) == 4096


async def test_an_identical_edit_is_not_modified(bot: Bot, maria: Phone) -> None:
    sent = await bot.send_message(MARIA, "<b>Tetap</b>", parse_mode="HTML")

    with pytest.raises(BadRequest, match=r"^Message is not modified: specified new message content"):
        await bot.edit_message_text("<b>Tetap</b>", MARIA, sent.message_id, parse_mode="HTML")
    await bot.edit_message_text("Tetap", MARIA, sent.message_id)

    assert maria.history[0].entities == ()


async def test_a_callback_query_can_be_answered_only_once(bot: Bot, maria: Phone) -> None:
    await bot.send_message(
        MARIA, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="y")]])
    )
    update = await maria.press("Ya")
    query_id = update["callback_query"]["id"]

    assert await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)


async def _raw_send(server: LocalBotApi, params: dict[str, object]) -> object:
    async with aiohttp.ClientSession() as session:
        response = await session.post(f"{server.base_url}{server.token}/sendMessage", json=params)
        return await response.json()
