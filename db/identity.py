"""Civil-servant identifiers: NIP, Indonesian mobile numbers, golongan/ruang ranks, position types."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

RANK_NAMES: dict[str, str] = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tingkat I",
    "I/c": "Juru",
    "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}

POSITION_TYPES: tuple[str, ...] = (
    "JPT Utama",
    "JPT Madya",
    "JPT Pratama",
    "Administrator",
    "Pengawas",
    "Pelaksana",
    "Fungsional",
)

_NIP_SEPARATORS = re.compile(r"[\s.\-]")
_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
_RANK = re.compile(r"^\s*(IV|III|II|I)\s*/\s*([a-eA-E])\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Nip:
    """A parsed NIP: birth date, start of service (year, month), gender and sequence."""

    value: str
    birth_date: date
    service_start: tuple[int, int]
    gender: int
    sequence: int


def nip_digits(raw: str) -> str | None:
    """The 18 digits of a valid NIP (spaces and dots allowed); None when it is malformed or its dates
    impossible. The check of `parse_nip` without building a `Nip`: imports run it on every row."""
    digits = raw if raw.isdigit() else _NIP_SEPARATORS.sub("", raw)
    if not (len(digits) == 18 and digits.isascii() and digits.isdigit()):
        return None
    birth_year = int(digits[0:4])
    try:
        date(birth_year, int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    start_year, start_month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= start_month <= 12 or digits[14] not in "12":
        return None
    if birth_year < 1900 or start_year < birth_year + 14 or start_year > 2100:
        return None
    return digits


def parse_nip(raw: str) -> Nip | None:
    """Parse an 18-digit NIP (spaces and dots allowed); None when it is malformed or its dates impossible."""
    digits = nip_digits(raw)
    if digits is None:
        return None
    birth = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    start = (int(digits[8:12]), int(digits[12:14]))
    return Nip(digits, birth, start, int(digits[14]), int(digits[15:18]))


def normalize_phone(raw: str) -> str | None:
    """One normal form for an Indonesian number: `62` + digits (0812…, 62812…, +62 812… are the same)."""
    digits = raw if raw.isdigit() else _PHONE_SEPARATORS.sub("", raw)
    if digits.startswith("+"):
        digits = digits[1:]
    if not (digits.isascii() and digits.isdigit()):
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not digits.startswith("62") or not 10 <= len(digits) <= 15:
        return None
    return digits


def normalize_rank(raw: str) -> str | None:
    """`iii/b`, `III / B` → `III/b`; None for anything that is not a golongan/ruang."""
    match = _RANK.match(raw)
    if match is None:
        return None
    rank = f"{match.group(1).upper()}/{match.group(2).lower()}"
    return rank if rank in RANK_NAMES else None


def normalize_position_type(raw: str) -> str | None:
    """Case-insensitive match against the jenis jabatan; None when unknown."""
    wanted = " ".join(raw.split()).casefold()
    return next((t for t in POSITION_TYPES if t.casefold() == wanted), None)


def mask_nip(nip: str) -> str:
    """A NIP safe to show to others: first 4 and last 3 digits."""
    return nip[:4] + "•" * (len(nip) - 7) + nip[-3:]
