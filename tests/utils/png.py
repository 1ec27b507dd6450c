"""Reading a PNG the bot sent: its size and its text chunks."""

from __future__ import annotations

import struct

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_text(data: bytes) -> dict[str, str]:
    """The tEXt chunks of a PNG (Title, Description…), as matplotlib writes them."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG")
    texts: dict[str, str] = {}
    offset = len(SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        offset += 12 + length
    return texts
