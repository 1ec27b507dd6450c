"""What Telegram checks on every send and edit, shared by the message and media methods.

The target chat must exist, the user must not have blocked the bot and the flood limits must
allow one more send (``admit``); text and captions are parsed (HTML, or given entities) and
measured; reply markup and the replied-to message are checked.
"""

import time
from typing import TYPE_CHECKING

from bot.local_api.html_check import Entity, EntityParseError, FormattedText, parse_html, trim
from bot.local_api.markup import check_reply_markup
from bot.local_api.models import ChatState, JSONObject
from bot.local_api.params import ApiError, Params, bad_request

if TYPE_CHECKING:
    from bot.local_api.server import LocalBotApi

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


def target_chat(api: "LocalBotApi", params: Params) -> ChatState:
    """The chat named by ``chat_id``; "chat not found" unless a user registered it."""
    chat_id = params.chat_id()
    if chat_id is not None:
        try:
            return api.chat(chat_id)
        except KeyError:
            pass
    raise bad_request("chat not found")


def admit(api: "LocalBotApi", chat: ChatState, method: str) -> int:
    """Refuse blocked users and floods, count the send and return its date."""
    chat_id = chat.profile.user_id
    refusal = api.faults.refusal(chat_id)
    if refusal is not None:
        raise ApiError(403, refusal)
    now = time.monotonic()
    if api.limiter is not None:
        wait = api.limiter.admit(chat_id, now)
        if wait:
            api.stats.rate_limited += 1
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
    api.stats.record_send(chat_id, method, now)
    return int(time.time())


def message_text(params: Params, *, strict: bool) -> tuple[str, str | None, FormattedText]:
    """The ``text`` of a send or edit, its parse_mode and how it reads: present, not blank, not
    too long."""
    text = params.text("text")
    if text is None:
        raise bad_request("message text is empty")
    parse_mode = params.text("parse_mode")
    formatted = format_text(text, parse_mode, params, "entities", strict=strict)
    if not formatted.text:
        raise bad_request("message text is empty")
    if len(formatted.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text, parse_mode, formatted


def format_text(
    text: str, parse_mode: str | None, params: Params, entities_field: str, *, strict: bool
) -> FormattedText:
    """Plain text and entities of a text or caption, as Telegram would parse them."""
    entities = params.json_list(entities_field, "entities")
    if entities is not None:
        return trim(text, tuple(_check_entity(entity) for entity in entities))
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            return parse_html(text, strict=strict)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from error
    if mode not in ("", "markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    # Markdown is not parsed: the project sends HTML, and the raw text is still readable.
    return trim(text)


def caption(text: str | None, parse_mode: str | None, params: Params, *, strict: bool) -> FormattedText:
    """The caption of a photo or document (empty when there is none), at most 1024 characters."""
    if text is None:
        return FormattedText("", ())
    formatted = format_text(text, parse_mode, params, "caption_entities", strict=strict)
    if len(formatted.text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return formatted


def reply_markup(params: Params) -> JSONObject | None:
    """The checked ``reply_markup``, if any."""
    markup = params.json("reply_markup", "reply keyboard markup")
    return None if markup is None else check_reply_markup(markup)


def edit_markup(params: Params) -> JSONObject | None:
    """The markup of an edit: inline keyboards only; leaving it out removes the keyboard."""
    markup = reply_markup(params)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def reply_to(chat: ChatState, params: Params) -> int | None:
    """The message a send replies to, from reply_parameters (or the legacy parameter)."""
    reply = params.json_object("reply_parameters", "reply parameters")
    if reply is None:
        message_id = params.integer("reply_to_message_id")
        tolerant = params.flag("allow_sending_without_reply")
    else:
        raw_id = reply.get("message_id")
        if not isinstance(raw_id, int):
            raise bad_request("message to be replied not found")
        message_id, tolerant = raw_id, bool(reply.get("allow_sending_without_reply"))
    if message_id is None:
        return None
    if chat.message(message_id) is not None or message_id in chat.user_messages:
        return message_id
    if tolerant:
        return None
    raise bad_request("message to be replied not found")


def _check_entity(entity: object) -> Entity:
    """A MessageEntity from the ``entities`` parameter, as far as Telegram insists."""
    if not isinstance(entity, dict):
        raise bad_request("can't parse entities: MessageEntity must be an Object")
    kind, offset, length = entity.get("type"), entity.get("offset"), entity.get("length")
    if not isinstance(kind, str) or not isinstance(offset, int) or not isinstance(length, int):
        raise bad_request("can't parse entities: MessageEntity needs type, offset and length")
    if offset < 0 or length < 1:
        raise bad_request("can't parse entities: wrong entity offset or length")
    return {key: value for key, value in entity.items() if isinstance(value, str | int)}
