"""The one codec of callback data: what a button carries decodes back; what a forger sends
(superscripts, numbers past an INTEGER column, non-ASCII, too long) decodes to None."""

from __future__ import annotations

import pytest

from bot.ui.callbacks import MAX_NUMBER, BadCallback, Callback, decode, encode


def test_what_a_button_carries_decodes_back() -> None:
    data = encode("ev", "open", MAX_NUMBER, "p", "c12", 0)
    assert decode(data) == Callback("ev", "open", (MAX_NUMBER, "p", "c12", 0))


@pytest.mark.parametrize(
    "data",
    [
        "reg:cx:²",
        "reg:cx:1²",
        "reg:cx:٣",  # an Arabic-Indic digit: str.isdigit() says yes
        f"reg:cx:{MAX_NUMBER + 1}",
        "reg:cx:999999999999999999",
        "reg:cx:-1",
        "reg:cx:1.5",
        "reg:CX:1",
        "é:cx:1",
        "reg",
        "",
        "reg:cx:" + "1" * 60,
    ],
)
def test_forged_data_decodes_to_nothing(data: str) -> None:
    assert decode(data) is None


def test_an_action_asking_for_a_missing_or_wrong_argument_gets_bad_callback() -> None:
    pressed = decode("reg:cx:x")
    assert pressed is not None
    with pytest.raises(BadCallback):
        pressed.number(0)
    with pytest.raises(BadCallback):
        pressed.word(1)
    assert pressed.number(1, default=0) == 0


@pytest.mark.parametrize("argument", [MAX_NUMBER + 1, "Kata", "a:b", "²"])
def test_a_button_that_could_not_be_decoded_is_never_made(argument: int | str) -> None:
    with pytest.raises(ValueError, match="callback"):
        encode("reg", "cx", argument)
