"""The one codec of callback data: `prefix:action[:arg…]`, at most 64 bytes (Telegram's limit).

Arguments are whole numbers (ids, pages) or short lowercase words (a language, a reason key).
Anything else — a forged payload, a superscript digit, a number past an INTEGER column (ids
are 32-bit on PostgreSQL) — decodes to None or raises `BadCallback` when an action asks for
it, and is answered like an expired button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Telegram refuses callback data longer than this (in bytes).
MAX_BYTES = 64
_NUMBER = re.compile(r"[0-9]{1,10}")  # ASCII digits only
#: The largest number decoded: every id column is an INTEGER, 32 bits on PostgreSQL.
MAX_NUMBER = 2**31 - 1
_WORD = re.compile(r"[a-z_][a-z0-9_]{0,31}")

Arg = int | str


class BadCallback(ValueError):
    """The callback data lacks an argument the action needs, or has one of the wrong kind."""


@dataclass(frozen=True, slots=True)
class Callback:
    """Decoded callback data."""

    prefix: str
    action: str
    args: tuple[Arg, ...] = ()

    def number(self, index: int = 0, *, default: int | None = None) -> int:
        """The `index`-th argument as a whole number (or `default` when there is none)."""
        if index >= len(self.args) and default is not None:
            return default
        value = self.args[index] if index < len(self.args) else None
        if not isinstance(value, int):
            raise BadCallback(f"{self.prefix}:{self.action} needs a number at {index}")
        return value

    def word(self, index: int = 0) -> str:
        """The `index`-th argument as a word."""
        value = self.args[index] if index < len(self.args) else None
        if not isinstance(value, str):
            raise BadCallback(f"{self.prefix}:{self.action} needs a word at {index}")
        return value


def is_number(text: str) -> bool:
    """Is `text` a whole number the codec decodes (ASCII digits, at most `MAX_NUMBER`)?"""
    return bool(_NUMBER.fullmatch(text)) and int(text) <= MAX_NUMBER


def encode(prefix: str, action: str, *args: Arg) -> str:
    """Callback data for a button; refuses anything Telegram or `decode` would reject."""
    parts = [prefix, action, *(str(arg) for arg in args)]
    for part in parts[2:]:
        if not (is_number(part) or _WORD.fullmatch(part)):
            raise ValueError(f"callback argument neither a number nor a word: {part!r}")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """Decode callback data; None for anything malformed (a stale or forged button)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2:
        return None
    prefix, action, *rest = parts
    if not (_WORD.fullmatch(prefix) and _WORD.fullmatch(action)):
        return None
    args: list[Arg] = []
    for part in rest:
        if is_number(part):
            args.append(int(part))
        elif _WORD.fullmatch(part):
            args.append(part)
        else:
            return None
    return Callback(prefix, action, tuple(args))
