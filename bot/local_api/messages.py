"""The bot's text messages: sendMessage, the three edits and deleteMessage, and the Bot API
Message object every send and edit answers with.

Edits are checked like Telegram checks them: only the bot's own, undeleted messages, only
inline keyboards, and an edit that changes nothing is refused as "message is not modified".
"""

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.local_api import checks
from bot.local_api.checks import admit, target_chat
from bot.local_api.files import document_dict
from bot.local_api.models import BotMessage, ChatState, JSONObject
from bot.local_api.params import Params, ServerMethod, bad_request

if TYPE_CHECKING:
    from bot.local_api.server import LocalBotApi

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)


async def send_message(api: "LocalBotApi", params: Params) -> object:
    """sendMessage: a text with optional keyboard, reply and link preview options."""
    chat = target_chat(api, params)
    text, parse_mode, formatted = checks.message_text(params, strict=api.strict_html)
    markup = checks.reply_markup(params)
    reply_to = checks.reply_to(chat, params)
    preview = params.json_object("link_preview_options", "link preview options")
    now = admit(api, chat, "sendMessage")
    message = BotMessage(
        message_id=chat.next_message_id(),
        chat_id=chat.profile.user_id,
        date=now,
        method="sendMessage",
        text=text,
        plain_text=formatted.text,
        parse_mode=parse_mode,
        entities=formatted.entities,
        reply_markup=markup,
        reply_to_message_id=reply_to,
        link_preview_options=preview,
        disable_notification=params.flag("disable_notification"),
        protect_content=params.flag("protect_content"),
        allow_paid_broadcast=params.flag("allow_paid_broadcast"),
    )
    chat.add(message)
    return api.message_dict(chat, message)


async def edit_message_text(api: "LocalBotApi", params: Params) -> object:
    """editMessageText: new text (and inline keyboard) for one of the bot's text messages."""
    chat, message = _message_to_edit(api, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, parse_mode, formatted = checks.message_text(params, strict=api.strict_html)
    markup = checks.edit_markup(params)
    if (formatted.text, formatted.entities, markup) == (
        message.plain_text,
        message.entities,
        message.reply_markup,
    ):
        raise bad_request(NOT_MODIFIED)
    preview = params.json_object("link_preview_options", "link preview options")
    now = admit(api, chat, "editMessageText")
    edited = replace(
        message,
        method="editMessageText",
        text=text,
        plain_text=formatted.text,
        parse_mode=parse_mode,
        entities=formatted.entities,
        reply_markup=markup,
        link_preview_options=preview,
        edited=True,
        edit_date=now,
    )
    chat.replace(edited, publish=True)
    return api.message_dict(chat, edited)


async def edit_message_caption(api: "LocalBotApi", params: Params) -> object:
    """editMessageCaption: new caption (and inline keyboard) for a photo or document."""
    chat, message = _message_to_edit(api, params)
    if message.media is None:
        raise bad_request("there is no caption in the message to edit")
    caption = params.text("caption")
    parse_mode = params.text("parse_mode")
    formatted = checks.caption(caption, parse_mode, params, strict=api.strict_html)
    markup = checks.edit_markup(params)
    if (formatted.text, formatted.entities, markup) == (
        message.plain_text,
        message.entities,
        message.reply_markup,
    ):
        raise bad_request(NOT_MODIFIED)
    now = admit(api, chat, "editMessageCaption")
    edited = replace(
        message,
        method="editMessageCaption",
        caption=caption,
        plain_text=formatted.text,
        parse_mode=parse_mode,
        entities=formatted.entities,
        reply_markup=markup,
        edited=True,
        edit_date=now,
    )
    chat.replace(edited, publish=True)
    return api.message_dict(chat, edited)


async def edit_message_reply_markup(api: "LocalBotApi", params: Params) -> object:
    """editMessageReplyMarkup: another inline keyboard, or none."""
    chat, message = _message_to_edit(api, params)
    markup = checks.edit_markup(params)
    if markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    now = admit(api, chat, "editMessageReplyMarkup")
    edited = replace(
        message, method="editMessageReplyMarkup", reply_markup=markup, edited=True, edit_date=now
    )
    chat.replace(edited, publish=True)
    return api.message_dict(chat, edited)


async def delete_message(api: "LocalBotApi", params: Params) -> object:
    """deleteMessage: the bot's message stays in the history, marked deleted."""
    chat = target_chat(api, params)
    message_id = params.integer("message_id")
    message = chat.message(message_id) if message_id is not None else None
    if message is not None:
        chat.replace(replace(message, deleted=True), publish=False)
    elif message_id is None or chat.user_messages.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    return True


METHODS: dict[str, ServerMethod] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
}


def _message_to_edit(api: "LocalBotApi", params: Params) -> tuple[ChatState, BotMessage]:
    if "inline_message_id" in params:
        raise bad_request("message to edit not found")
    chat = target_chat(api, params)
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.message(message_id)
    if message is None:
        if message_id in chat.user_messages:
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")
    return chat, message


def message_dict(
    bot_user: JSONObject, chat: ChatState, message: BotMessage, *, with_reply: bool = True
) -> JSONObject:
    """The Bot API Message object for a message the bot sent."""
    answer: JSONObject = {
        "message_id": message.message_id,
        "from": bot_user,
        "chat": chat.profile.chat_dict(),
        "date": message.date,
    }
    if message.edit_date is not None:
        answer["edit_date"] = message.edit_date
    if with_reply and message.reply_to_message_id is not None:
        replied = chat.message(message.reply_to_message_id)
        if replied is not None:
            answer["reply_to_message"] = message_dict(bot_user, chat, replied, with_reply=False)
        elif message.reply_to_message_id in chat.user_messages:
            answer["reply_to_message"] = chat.user_messages[message.reply_to_message_id]
    if message.text is not None:
        answer["text"] = message.plain_text
        if message.entities:
            answer["entities"] = list(message.entities)
    _add_media(answer, message)
    if message.inline_keyboard is not None:
        answer["reply_markup"] = message.reply_markup
    if message.link_preview_options is not None:
        answer["link_preview_options"] = message.link_preview_options
    if message.protect_content:
        answer["has_protected_content"] = True
    return answer


def _add_media(answer: JSONObject, message: BotMessage) -> None:
    """The photo or document of a message and its caption."""
    stored = message.file
    if stored is not None and message.media == "photo":
        answer["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": stored.width,
                "height": stored.height,
                "file_size": stored.size,
            }
        ]
    elif stored is not None:
        answer["document"] = document_dict(stored)
    if message.caption is not None and message.plain_text:
        answer["caption"] = message.plain_text
        if message.entities:
            answer["caption_entities"] = list(message.entities)
