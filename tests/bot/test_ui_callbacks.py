"""The one callback codec: what a button carries comes back as it went, and anything else —
a stale payload, a forged one, a number no database column holds — decodes to nothing."""

from __future__ import annotations

import pytest

from bot.ui.callbacks import BadCallback, Callback, decode, encode


def test_what_a_button_carries_comes_back_as_it_went() -> None:
    data = encode("reg", "star", 412, 5)
    assert data == "reg:star:412:5"
    assert decode(data) == Callback("reg", "star", (412, 5))
    assert decode(encode("eva", "cx", 12, "speaker")) == Callback("eva", "cx", (12, "speaker"))
    assert decode("adm:ls") == Callback("adm", "ls", ())


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "reg",
        "reg:",
        ":cx",
        "reg:cx:",
        "reg:cx:²",  # passes str.isdigit(), then int() fails
        "reg:cx:１２",  # full-width digits
        "reg:cx:99999999999999999999",  # past 64 bits: OverflowError / DBAPIError in the database
        "reg:cx:-1",
        "reg:cx:1.5",
        "REG:cx:1",
        "reg:cx:1 ",
        "reg:cx:<b>",
        "reg:cx:" + "1" * 60,
    ],
)
def test_garbage_decodes_to_nothing(forged: str | None) -> None:
    assert decode(forged) is None


def test_an_action_asking_for_the_wrong_kind_of_argument_is_refused() -> None:
    press = Callback("reg", "cx", ("open",))
    with pytest.raises(BadCallback):
        press.number(0)
    with pytest.raises(BadCallback):
        press.word(1)
    assert Callback("adm", "ev", (7,)).number(1, default=0) == 0


def test_a_button_telegram_would_refuse_is_never_made() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode("ann", "tu", *range(10_000_000, 10_000_010))
    with pytest.raises(ValueError, match="neither a number nor a word"):
        encode("cat", "p", "Pelayanan Publik")
