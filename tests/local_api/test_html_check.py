"""Telegram's HTML parse mode: what a person reads, and which markup Telegram refuses."""

import pytest

from bot.local_api.html_check import EntityParseError, parse_html, trim, utf16_len


def test_tags_become_entities_and_text_is_what_a_person_reads() -> None:
    parsed = parse_html(
        '<b>Halo</b>, <i>Maria</i>! <a href="https://bkn.go.id">BKN</a> &lt;3 &amp; &quot;x&quot;'
    )

    assert parsed.text == 'Halo, Maria! BKN <3 & "x"'
    assert parsed.entities == (
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "italic", "offset": 6, "length": 5},
        {"type": "text_link", "offset": 13, "length": 3, "url": "https://bkn.go.id"},
    )


@pytest.mark.parametrize(
    ("source", "entity"),
    [
        ("<strong>x</strong>", {"type": "bold", "offset": 0, "length": 1}),
        ("<em>x</em>", {"type": "italic", "offset": 0, "length": 1}),
        ("<ins>x</ins>", {"type": "underline", "offset": 0, "length": 1}),
        ("<del>x</del>", {"type": "strikethrough", "offset": 0, "length": 1}),
        ("<strike>x</strike>", {"type": "strikethrough", "offset": 0, "length": 1}),
        ('<span class="tg-spoiler">x</span>', {"type": "spoiler", "offset": 0, "length": 1}),
        ("<tg-spoiler>x</tg-spoiler>", {"type": "spoiler", "offset": 0, "length": 1}),
        ("<code>x</code>", {"type": "code", "offset": 0, "length": 1}),
        (
            '<pre><code class="language-python">x</code></pre>',
            {"type": "pre", "offset": 0, "length": 1, "language": "python"},
        ),
        ("<blockquote>x</blockquote>", {"type": "blockquote", "offset": 0, "length": 1}),
        (
            "<blockquote expandable>x</blockquote>",
            {"type": "expandable_blockquote", "offset": 0, "length": 1},
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            {"type": "custom_emoji", "offset": 0, "length": 2, "custom_emoji_id": "5368324170671202286"},
        ),
    ],
)
def test_every_supported_tag(source: str, entity: dict[str, object]) -> None:
    assert parse_html(source).entities == (entity,)


def test_offsets_count_utf16_code_units_and_numeric_entities_decode() -> None:
    parsed = parse_html("😀 &#169;&#x41; <b>x</b>")

    assert parsed.text == "😀 ©A x"
    assert parsed.entities == ({"type": "bold", "offset": 6, "length": 1},)
    assert utf16_len("😀") == 2


def test_surrounding_whitespace_is_trimmed_like_telegram() -> None:
    assert parse_html("\n  <b> hai </b>\n").text == "hai"
    assert trim("  ab  ", ({"type": "bold", "offset": 1, "length": 3},)).entities == (
        {"type": "bold", "offset": 0, "length": 2},
    )


@pytest.mark.parametrize(
    ("source", "description"),
    [
        ("<b>tebal", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
        ("nilai < 5", 'Unsupported start tag "" at byte offset 6'),
        ("é <b", "Unclosed start tag at byte offset 3"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Diklat & Bimtek", 'Character "&" must be escaped as "&amp;" at byte offset 7'),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;" at byte offset 1'),
    ],
)
def test_broken_html_is_refused_with_telegrams_description(source: str, description: str) -> None:
    with pytest.raises(EntityParseError) as error:
        parse_html(source)

    assert str(error.value) == description


def test_lenient_mode_keeps_a_bare_ampersand_as_telegram_does() -> None:
    assert parse_html("Diklat & Bimtek &nbsp;", strict=False).text == "Diklat & Bimtek &nbsp;"
