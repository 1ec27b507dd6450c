"""The check-in QR code: a PNG of the `t.me/<bot>?start=hadir_<code>` deep link, to show
on a projector at the event (the ASN's `/start hadir_<code>` checks them in)."""

from __future__ import annotations

import io

import segno

#: The `/start` payload prefix `bot.handlers.onboarding` treats as a check-in (same value).
CHECK_IN_PREFIX = "hadir_"


def checkin_link(bot_username: str, code: str) -> str:
    """The deep link that checks the ASN in with `code`."""
    return f"https://t.me/{bot_username}?start={CHECK_IN_PREFIX}{code}"


def qr_png(text: str, *, scale: int = 10) -> bytes:
    """A QR code of `text` as PNG bytes, large enough to scan from the back of a room."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
