"""Checks on ``reply_markup``: inline keyboards, reply keyboards, keyboard removal, force reply.

The descriptions are Telegram's where they are known (``BUTTON_DATA_INVALID``,
``BUTTON_URL_INVALID``, "Text buttons are unallowed in the inline keyboard"); the rest follow
the same "can't parse ..." pattern.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from bot.local_api.models import JSONObject
from bot.local_api.params import ApiError, bad_request

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_KEYBOARD_REQUESTS = (
    "request_contact",
    "request_location",
    "request_poll",
    "request_users",
    "request_chat",
    "web_app",
)
_URL_SCHEMES = frozenset({"http", "https", "tg"})
MAX_BUTTONS = 100
MAX_CALLBACK_DATA_BYTES = 64


def check_reply_markup(markup: object) -> JSONObject:
    """Return ``markup`` if Telegram would accept it, else raise its 400 answer."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_rows(markup["inline_keyboard"], "inline_keyboard", "InlineKeyboardMarkup", _check_inline)
    elif "keyboard" in markup:
        _check_rows(markup["keyboard"], "keyboard", "ReplyKeyboardMarkup", _check_keyboard_button)
    elif markup.get("remove_keyboard") is not True and markup.get("force_reply") is not True:
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _check_rows(rows: object, field: str, kind: str, check_button: Callable[[object], None]) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field}" of the {kind} must be an Array of Arrays')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            check_button(button)


def _check_inline(button: object) -> None:
    if not isinstance(button, dict):
        raise _inline_error("InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise _inline_error('Field "text" must be of type String')
    if not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in _INLINE_ACTIONS if name in button]
    if not actions:
        raise _inline_error("Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _inline_error(f"only one of the fields {', '.join(actions)} can be used in a button")
    data = button.get("callback_data")
    if "callback_data" in button and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not _is_button_url(button["url"]):
        raise bad_request("BUTTON_URL_INVALID")


def _is_button_url(url: object) -> bool:
    if not isinstance(url, str) or not url or any(char.isspace() for char in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in _URL_SCHEMES and bool(parts.netloc)


def _check_keyboard_button(button: object) -> None:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict):
        raise _keyboard_error("KeyboardButton must be a String or an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise _keyboard_error('Field "text" must be of type String')
    if not text.strip():
        raise _keyboard_error("Text must be non-empty")
    if sum(1 for name in _KEYBOARD_REQUESTS if button.get(name)) > 1:
        raise _keyboard_error("only one of the request fields can be used in a button")


def _inline_error(reason: str) -> ApiError:
    return bad_request(f"can't parse inline keyboard button: {reason}")


def _keyboard_error(reason: str) -> ApiError:
    return bad_request(f"can't parse keyboard button: {reason}")
