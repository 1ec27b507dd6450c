"""How the bot addresses an ASN: Bapak or Ibu, read from the NIP.

A NIP and a PPPK's identity number (NI PPPK) are both 18 digits with the sex at the 15th
(index 14): 1 for a man (Bapak), 2 for a woman (Ibu). Anything else, or no number at all,
gives "Bapak/Ibu": a guess would offend more than the neutral form. The words themselves
live in `messages/<lang>/address.toml`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

_SEPARATORS: Final = re.compile(r"[\s.\-]")
_SEX_DIGIT: Final = 14


class Honorific(StrEnum):
    """The form of address; the value is the label's key suffix (`address.bapak`)."""

    BAPAK = "bapak"
    IBU = "ibu"
    UNKNOWN = "unknown"


def honorific(nip: str | None) -> Honorific:
    """Bapak for sex digit 1, Ibu for 2, else (no number, not 18 digits, another digit) unknown."""
    digits = _SEPARATORS.sub("", nip or "")
    if not (len(digits) == 18 and digits.isascii() and digits.isdigit()):
        return Honorific.UNKNOWN
    return {"1": Honorific.BAPAK, "2": Honorific.IBU}.get(digits[_SEX_DIGIT], Honorific.UNKNOWN)
