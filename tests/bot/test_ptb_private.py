"""python-telegram-bot's private names in bot.ptb_private still look the way the bot uses them.

These fail on a PTB upgrade that moves or reshapes them, before the dispatcher or the aiohttp
request layer misbehave at run time.  Each test names the code that relies on what it checks.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.request import BaseRequest, RequestData

from bot.delivery import _encoded
from bot.ptb_private import DefaultValue, ODVInput, RequestParameter

TIMEOUTS = ("read_timeout", "write_timeout", "connect_timeout", "pool_timeout")


def test_request_parameter_is_built_from_name_value_and_input_files() -> None:
    """bot.delivery._post: RequestParameter(name=, value=, input_files=None)."""
    assert list(inspect.signature(RequestParameter).parameters) == ["name", "value", "input_files"]
    parameter = RequestParameter(name="chat_id", value=1001, input_files=None)
    assert (parameter.name, parameter.value, parameter.input_files) == ("chat_id", 1001, None)


def test_a_text_value_is_posted_as_it_is_and_matches_ptb_s_own_encoding() -> None:
    """bot.delivery._encoded encodes a value to JSON text once, which PTB then posts as it is:
    the same as PTB's own `from_input` would post for the keyboard and link preview options."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Daftar", callback_data="reg:join:7")]])
    preview = LinkPreviewOptions(is_disabled=True)
    for name, value in (("reply_markup", keyboard), ("link_preview_options", preview)):
        encoded = RequestParameter(name=name, value=_encoded(value.to_dict()), input_files=None)
        own = RequestParameter.from_input(name, value)
        assert encoded.json_value == own.json_value


def test_request_data_posts_the_parameters_as_telegram_reads_them() -> None:
    """bot.delivery._post posts RequestData(parameters) through a request layer not the project's."""
    data = RequestData(
        [
            RequestParameter(name="chat_id", value=1001, input_files=None),
            RequestParameter(name="text", value="<b>Halo</b>", input_files=None),
            RequestParameter(name="allow_paid_broadcast", value=True, input_files=None),
        ]
    )

    assert data.json_parameters == {"chat_id": "1001", "text": "<b>Halo</b>", "allow_paid_broadcast": "true"}
    assert data.multipart_data == {}


def test_default_none_is_a_default_value_holding_none() -> None:
    """bot.request._value: a timeout left out arrives as a DefaultValue."""
    assert isinstance(BaseRequest.DEFAULT_NONE, DefaultValue)
    assert BaseRequest.DEFAULT_NONE.value is None
    assert DefaultValue(5.0).value == 5.0


@pytest.mark.parametrize("method", [BaseRequest.post, BaseRequest.do_request])
def test_timeouts_left_out_default_to_a_default_value(method: Callable[..., object]) -> None:
    """bot.request.AiohttpRequest.do_request uses its own timeouts for those PTB did not give."""
    parameters = inspect.signature(method).parameters
    for name in TIMEOUTS:
        assert isinstance(parameters[name].default, DefaultValue), name


def _timeout(value: ODVInput[float]) -> None:
    """Annotated as AiohttpRequest.do_request annotates its timeouts."""


def test_odv_input_is_a_value_none_or_a_default_value() -> None:
    """bot.request.AiohttpRequest.do_request's timeout annotations, as BaseRequest has them."""
    arguments = typing.get_args(typing.get_type_hints(_timeout)["value"])
    assert float in arguments
    assert type(None) in arguments
    assert any(typing.get_origin(argument) is DefaultValue for argument in arguments)
