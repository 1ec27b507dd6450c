"""Telegram's limits on what the bot sends, and fitting long data inside them.

Telegram counts a message's length after parsing its HTML, in UTF-16 code units: 4,096 for a
message, 1,024 for a caption (callback data, 64 bytes, is `bot.ui.callbacks`' business).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

MESSAGE = 4096
CAPTION = 1024
_TAG = re.compile(r"<[^>]*>")


def visible_length(text: str) -> int:
    """The length Telegram counts for an HTML text: tags dropped, entities read, UTF-16 units."""
    return len(html.unescape(_TAG.sub("", text)).encode("utf-16-le")) // 2


def fit(render: Callable[[str], str], long_text: str, *, limit: int = MESSAGE) -> tuple[str, bool]:
    """`render(part)` for the longest leading part of `long_text` (cut at a space or line end,
    with "…") that keeps the result within `limit`; and whether `long_text` was cut."""
    whole = render(long_text)
    if visible_length(whole) <= limit:
        return whole, False
    room = limit - visible_length(render("…"))
    part = long_text[: max(room, 0)]
    while part and visible_length(render(_cut(part))) > limit:
        part = part[: len(part) - max(1, (visible_length(render(_cut(part))) - limit))]
    return render(_cut(part)), True


def _cut(part: str) -> str:
    """A leading part ended at a word boundary when there is one near the end, with "…"."""
    boundary = max(part.rfind(" "), part.rfind("\n"))
    if boundary > len(part) - 200:
        part = part[:boundary]
    return part.rstrip() + "…"


def units(text: str) -> int:
    """The length of a plain text as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def pieces(text: str, *, size: int = MESSAGE - 700) -> list[str]:
    """`text` in pieces of at most `size` UTF-16 units (as Telegram counts), split at line ends
    or spaces when possible; the room left is for a heading (a title of up to 300 characters)."""
    found: list[str] = []
    rest = text.strip()
    while units(rest) > size:
        head = rest[:size]
        while units(head) > size:
            head = head[: len(head) - (units(head) - size + 1) // 2 - 1]
        size_here = len(head)
        boundary = max(head.rfind("\n"), head.rfind(" "))
        end = boundary if boundary > size_here // 2 else size_here
        found.append(rest[:end].rstrip())
        rest = rest[end:].lstrip()
    if rest:
        found.append(rest)
    return found
