"""QR codes of the bot's deep links: the check-in code (`t.me/<bot>?start=hadir_<code>`, shown
on a projector at the event; the ASN's `/start hadir_<code>` checks them in) and a certificate's
number (`t.me/<bot>?start=cek_<code>`, printed on it; anyone opening it sees whether it is
genuine)."""

from __future__ import annotations

import io

import segno

#: The `/start` payload prefix `bot.handlers.onboarding` treats as a check-in (same value).
CHECK_IN_PREFIX = "hadir_"
#: The `/start` payload prefix `bot.handlers.onboarding` treats as a certificate check.
CERTIFICATE_PREFIX = "cek_"


def checkin_link(bot_username: str, code: str) -> str:
    """The deep link that checks the ASN in with `code`."""
    return f"https://t.me/{bot_username}?start={CHECK_IN_PREFIX}{code}"


def certificate_link(bot_username: str, code: str) -> str:
    """The deep link with which anyone checks the certificate numbered `code`."""
    return f"https://t.me/{bot_username}?start={CERTIFICATE_PREFIX}{code}"


def qr_png(text: str, *, scale: int = 10) -> bytes:
    """A QR code of `text` as PNG bytes, large enough to scan from the back of a room."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
