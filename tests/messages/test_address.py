"""The bot greets an ASN as Bapak or Ibu in Indonesian, Mr or Ms in English, by the NIP's sex
digit; "Bapak/Ibu" (in English, the name alone) when it does not say."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from messages import Renderer

WITA = ZoneInfo("Asia/Makassar")
YOSEFINA = "199003142015052003"
YOHANES = "198609262015051001"


@pytest.fixture
def renderer() -> Renderer:
    return Renderer(WITA)


@pytest.mark.parametrize(
    ("lang", "nip", "greeting"),
    [
        ("id", YOSEFINA, "Selamat datang kembali, Ibu Yosefina Lango."),
        ("id", YOHANES, "Selamat datang kembali, Bapak Yosefina Lango."),
        ("id", None, "Selamat datang kembali, Bapak/Ibu Yosefina Lango."),
        ("en", YOSEFINA, "Welcome back, Ms Yosefina Lango."),
        ("en", YOHANES, "Welcome back, Mr Yosefina Lango."),
        ("en", "199003142015059003", "Welcome back, Yosefina Lango."),
    ],
)
def test_an_asn_who_starts_again_is_greeted_by_title_and_name(
    renderer: Renderer, lang: str, nip: str | None, greeting: str
) -> None:
    text = renderer.render("already_linked", lang, name="Yosefina Lango", nip=nip)
    assert text.startswith(greeting)


def test_a_name_is_escaped_after_its_title(renderer: Renderer) -> None:
    text = renderer.render("already_linked", "id", name="Maria <Bria> & {nip}", nip=YOSEFINA)
    assert text.startswith("Selamat datang kembali, Ibu Maria &lt;Bria&gt; &amp; {nip}.")


def test_before_linking_nobody_is_known_so_the_welcome_says_bapak_ibu(renderer: Renderer) -> None:
    assert "Selamat datang di ASN Karier, Bapak/Ibu." in renderer.render("welcome", "id")
    assert "Welcome to ASN Karier." in renderer.render("welcome", "en")
