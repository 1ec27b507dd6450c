"""A real python-telegram-bot ``Bot`` against the server: each method and what the phone sees."""

import json

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest

from bot.local_api import LocalBotApi, Phone
from tests.local_api.conftest import MARIA, TOKEN
from tests.local_api.factories import png


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (123456, "asn_karier_bot", True)


async def test_an_html_message_reaches_the_phone_as_plain_text(bot: Bot, maria: Phone) -> None:
    sent = await bot.send_message(
        MARIA,
        "<b>Selamat datang</b>, Maria &amp; tim!",
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        disable_notification=True,
        protect_content=True,
    )

    [reply] = await maria.wait_replies()
    assert sent.text == reply.plain_text == "Selamat datang, Maria & tim!"
    assert sent.entities[0].type == "bold"
    assert sent.from_user is not None
    assert sent.from_user.is_bot
    assert reply.text == "<b>Selamat datang</b>, Maria &amp; tim!"
    assert (reply.parse_mode, reply.method, reply.message_id) == ("HTML", "sendMessage", sent.message_id)
    assert reply.disable_notification
    assert reply.protect_content
    assert reply.link_preview_options == {"is_disabled": True}


async def test_message_ids_increase_per_chat(server: LocalBotApi, bot: Bot, maria: Phone) -> None:
    budi = server.user(2002, "Budi")
    await maria.send("halo")
    ids = [(await bot.send_message(chat, "x")).message_id for chat in (MARIA, 2002, MARIA, 2002)]

    assert ids == [2, 1, 3, 2]
    assert [m.message_id for m in budi.history] == [1, 2]


async def test_keyboards_are_kept_and_the_reply_keyboard_can_be_removed(bot: Bot, maria: Phone) -> None:
    share = ReplyKeyboardMarkup(
        [[KeyboardButton("Bagikan nomor", request_contact=True)]], one_time_keyboard=True
    )
    inline = InlineKeyboardMarkup([[InlineKeyboardButton("Daftar", callback_data="reg:1")]])
    await bot.send_message(MARIA, "Nomor HP?", reply_markup=share)
    keyboard = maria.last_reply_keyboard
    sent = await bot.send_message(MARIA, "Pilih", reply_markup=inline)
    await bot.send_message(MARIA, "Terima kasih", reply_markup=ReplyKeyboardRemove())

    assert keyboard is not None
    assert keyboard["keyboard"] == [[{"text": "Bagikan nomor", "request_contact": True}]]
    assert sent.reply_markup == inline
    assert maria.history[1].inline_keyboard == [[{"text": "Daftar", "callback_data": "reg:1"}]]
    assert maria.last_reply_keyboard is None


async def test_a_reply_quotes_the_users_message(bot: Bot, maria: Phone) -> None:
    update = await maria.send("/jp")
    asked = update["message"]

    sent = await bot.send_message(MARIA, "20 JP", reply_parameters=ReplyParameters(asked["message_id"]))

    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "/jp"
    assert maria.history[0].reply_to_message_id == asked["message_id"]


async def test_a_png_photo_keeps_its_bytes_name_and_size(bot: Bot, maria: Phone) -> None:
    image = png(40, 30)

    sent = await bot.send_photo(
        MARIA, image, caption="<i>Sertifikat</i>", parse_mode="HTML", filename="cert.png"
    )

    [reply] = await maria.wait_replies()
    assert reply.photo == image
    assert reply.document is None
    assert reply.file is not None
    assert reply.file.filename == "cert.png"
    assert reply.file.mime_type == "image/png"
    assert (sent.photo[-1].width, sent.photo[-1].height, sent.photo[-1].file_size) == (40, 30, len(image))
    assert sent.caption == reply.plain_text == "Sertifikat"
    assert reply.caption == "<i>Sertifikat</i>"


async def test_a_photo_can_be_resent_by_file_id_or_given_as_url(bot: Bot, maria: Phone) -> None:
    first = await bot.send_photo(MARIA, png())
    again = await bot.send_photo(MARIA, first.photo[-1].file_id)
    await bot.send_photo(MARIA, "https://example.org/poster.jpg")

    assert again.photo[-1].file_id == first.photo[-1].file_id
    assert maria.history[1].photo == png()
    assert maria.history[2].file is not None
    assert maria.history[2].file.url == "https://example.org/poster.jpg"


async def test_a_document_is_sent_and_downloadable(bot: Bot, maria: Phone) -> None:
    data = b"nip;nama\n1990;Maria\n"

    sent = await bot.send_document(MARIA, InputFile(data, filename="rekap.csv"), caption="Rekap")

    assert sent.document is not None
    assert sent.document.file_name == "rekap.csv"
    assert maria.history[0].document == data
    assert maria.history[0].plain_text == "Rekap"
    telegram_file = await bot.get_file(sent.document.file_id)
    assert await telegram_file.download_as_bytearray() == data


async def test_a_document_the_user_uploaded_is_downloadable(bot: Bot, maria: Phone) -> None:
    content = b"PK\x03\x04 fake xlsx"
    update = await maria.upload("pegawai.xlsx", content, caption="data pegawai")
    document = update["message"]["document"]

    telegram_file = await bot.get_file(document["file_id"])

    assert document["file_name"] == "pegawai.xlsx"
    assert document["mime_type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert telegram_file.file_size == len(content)
    assert await telegram_file.download_as_bytearray() == content


async def test_editing_text_replaces_history_and_counts_as_a_reply(bot: Bot, maria: Phone) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Batal", callback_data="reg:cancel:4")]])
    sent = await bot.send_message(MARIA, "Terdaftar", reply_markup=keyboard)

    edited = await bot.edit_message_text("<b>Dibatalkan</b>", MARIA, sent.message_id, parse_mode="HTML")

    original, change = await maria.wait_replies(2)
    assert (original.plain_text, original.edited) == ("Terdaftar", False)
    assert (change.plain_text, change.edited, change.method) == ("Dibatalkan", True, "editMessageText")
    assert isinstance(edited, Message)
    assert edited.edit_date is not None
    # Like Telegram, an edit without reply_markup removes the inline keyboard.
    assert maria.history == [change]
    assert change.reply_markup is None


@pytest.mark.usefixtures("maria")
async def test_editing_a_caption(server: LocalBotApi, bot: Bot) -> None:
    sent = await bot.send_document(MARIA, b"data", filename="rekap.csv", caption="Draf")

    await bot.edit_message_caption(MARIA, sent.message_id, caption="<b>Final</b>", parse_mode="HTML")

    [current] = server.chat_history(MARIA)
    assert (current.plain_text, current.caption, current.edited) == ("Final", "<b>Final</b>", True)
    assert current.document == b"data"
    assert current.document_name == "rekap.csv"


async def test_editing_only_the_keyboard(bot: Bot, maria: Phone) -> None:
    sent = await bot.send_message(
        MARIA, "Pilih", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    )
    new_keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("B", callback_data="b")]])

    await bot.edit_message_reply_markup(MARIA, sent.message_id, reply_markup=new_keyboard)

    assert maria.history[0].inline_keyboard == [[{"text": "B", "callback_data": "b"}]]
    assert maria.history[0].text == "Pilih"


async def test_a_button_press_is_answered(bot: Bot, maria: Phone) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Daftar", callback_data="reg:1")]])
    await bot.send_message(MARIA, "Diklat PIM", reply_markup=keyboard)
    update = await maria.press(data="reg:1")

    [received] = await bot.get_updates()
    assert received.callback_query is not None
    assert received.callback_query.data == "reg:1"
    assert received.callback_query.message is not None
    assert await bot.answer_callback_query(received.callback_query.id, text="Terdaftar", show_alert=True)

    [answer] = maria.callback_answers
    assert answer.query_id == update["callback_query"]["id"]
    assert (answer.text, answer.show_alert, answer.data) == ("Terdaftar", True, "reg:1")


async def test_pressing_a_missing_button_says_what_is_there(bot: Bot, maria: Phone) -> None:
    with pytest.raises(LookupError, match="no bot message with an inline keyboard"):
        await maria.press("Daftar")
    await bot.send_message(
        MARIA, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="y")]])
    )

    with pytest.raises(LookupError, match="'Ya'"):
        await maria.press("Tidak")


async def test_commands_are_kept_per_scope_and_language(server: LocalBotApi, bot: Bot) -> None:
    commands = [BotCommand("start", "Mulai"), BotCommand("jp", "Jam pelajaran")]

    assert await bot.set_my_commands(commands, language_code="id")
    assert await bot.set_my_commands([BotCommand("start", "Start")], scope=BotCommandScopeAllPrivateChats())

    assert await bot.get_my_commands(language_code="id") == tuple(commands)
    assert server.commands[("all_private_chats", "")] == [{"command": "start", "description": "Start"}]
    assert await bot.get_my_commands() == ()
    assert await bot.delete_my_commands(language_code="id")
    assert ("default", "id") not in server.commands


async def test_delete_get_chat_and_chat_action(bot: Bot, maria: Phone) -> None:
    sent = await bot.send_message(MARIA, "sementara")

    assert await bot.delete_message(MARIA, sent.message_id)
    assert await bot.send_chat_action(MARIA, ChatAction.TYPING)
    chat = await bot.get_chat(MARIA)

    assert maria.history[0].deleted
    assert maria.chat_actions == ["typing"]
    assert (chat.first_name, chat.last_name, chat.type) == ("Maria", "Bria", "private")
    assert await bot.close()
    assert await bot.log_out()


@pytest.mark.parametrize("encoding", ["json", "form", "query"])
async def test_parameters_are_read_from_json_form_or_query(
    server: LocalBotApi, maria: Phone, encoding: str
) -> None:
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    params = {"chat_id": MARIA, "text": "hai", "reply_markup": markup}
    url = f"{server.base_url}{TOKEN}/sendMessage"
    async with aiohttp.ClientSession() as session:
        if encoding == "json":
            response = await session.post(url, json=params)
        else:
            flat = {"chat_id": str(MARIA), "text": "hai", "reply_markup": json.dumps(markup)}
            if encoding == "form":
                response = await session.post(url, data=flat)
            else:
                response = await session.get(url, params=flat)
        body = await response.json()

    assert response.status == 200
    assert body["ok"] is True
    assert body["result"]["reply_markup"] == markup
    assert maria.history[0].reply_markup == markup


async def test_wrong_token_and_unknown_method(server: LocalBotApi) -> None:
    async with aiohttp.ClientSession() as session:
        wrong = await session.post(f"{server.base_url}999:NOPE/getMe")
        unknown = await session.post(f"{server.base_url}{TOKEN}/sendSticker")
        wrong_body, unknown_body = await wrong.json(), await unknown.json()

    assert (wrong.status, wrong_body) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (unknown.status, unknown_body) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


async def test_a_photo_the_user_sent_can_be_sent_on_by_its_file_id(
    server: LocalBotApi, bot: Bot, maria: Phone
) -> None:
    image = png(40, 30)
    update = await maria.send_photo(image, caption="Poster <rapat>")
    [size] = update["message"]["photo"]
    budi = server.user(2002, "Budi")

    sent = await bot.send_photo(2002, size["file_id"], caption="<b>Rapat</b>", parse_mode=ParseMode.HTML)

    [received] = await budi.wait_replies()
    assert update["message"]["caption"] == "Poster <rapat>"
    assert (size["width"], size["height"], size["file_size"]) == (40, 30, len(image))
    assert received.photo == image
    assert received.plain_text == "Rapat"
    assert sent.photo[-1].file_id == size["file_id"]
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await bot.send_document(2002, size["file_id"])
