"""Civil-servant identifiers: the NIP of a PNS or CPNS and the NI PPPK of a PPPK, Indonesian
mobile numbers, golongan/ruang ranks and PPPK grades, position types.

Both numbers are 18 digits: birth date (8), then a NIP has the TMT CPNS year and month (6) where
an NI PPPK has the year of first appointment (4) and two digits that are not a month (e.g. `21`),
then the sex digit (1 male, 2 female) and a 3-digit sequence. Digits 13–14 tell them apart.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from db.enums import EmploymentStatus

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

#: PPPK grades (golongan PPPK), I–XVII; they carry no PNS rank name.
PPPK_GRADES: tuple[str, ...] = (
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
)

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
_GRADES = {grade: grade for grade in PPPK_GRADES} | {str(n): grade for n, grade in enumerate(PPPK_GRADES, 1)}
_MONTHS = frozenset(f"{month:02d}" for month in range(1, 13))


class NumberKind(enum.StrEnum):
    """Which identity number an ASN holds: a NIP (PNS and CPNS) or an NI PPPK."""

    NIP = "nip"
    NI_PPPK = "ni_pppk"


@dataclass(frozen=True, slots=True)
class Nip:
    """A parsed NIP or NI PPPK: birth date, start of service (year, and the TMT month of a NIP;
    None for an NI PPPK), gender and sequence."""

    value: str
    kind: NumberKind
    birth_date: date
    service_start: tuple[int, int | None]
    gender: int
    sequence: int


def number_kind(digits: str) -> NumberKind:
    """A NIP when digits 13–14 are a month (TMT CPNS), else an NI PPPK."""
    return NumberKind.NIP if digits[12:14] in _MONTHS else NumberKind.NI_PPPK


def nip_digits(raw: str, kind: NumberKind | None = None) -> str | None:
    """The 18 digits of a valid NIP or NI PPPK (spaces and dots allowed; only that `kind` when
    given); None when it is malformed or its dates impossible. The check of `parse_nip` without
    building a `Nip`: imports run it on every row."""
    digits = raw if raw.isdigit() else _NIP_SEPARATORS.sub("", raw)
    if not (len(digits) == 18 and digits.isascii() and digits.isdigit()):
        return None
    birth_year = int(digits[0:4])
    try:
        date(birth_year, int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    start_year = int(digits[8:12])
    if (kind is not None and number_kind(digits) is not kind) or digits[14] not in "12":
        return None
    if birth_year < 1900 or start_year < birth_year + 14 or start_year > 2100:
        return None
    return digits


def parse_nip(raw: str, kind: NumberKind | None = None) -> Nip | None:
    """Parse an 18-digit NIP or NI PPPK (spaces and dots allowed; only that `kind` when given);
    None when it is malformed or its dates impossible."""
    digits = nip_digits(raw, kind)
    if digits is None:
        return None
    birth = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    found = number_kind(digits)
    month = int(digits[12:14]) if found is NumberKind.NIP else None
    return Nip(digits, found, birth, (int(digits[8:12]), month), int(digits[14]), int(digits[15:18]))


def status_of_number(digits: str) -> EmploymentStatus:
    """The status a number implies when none is stated: PPPK for an NI PPPK, else PNS (a CPNS
    holds a NIP too, so CPNS is only ever stated)."""
    return EmploymentStatus.PPPK if number_kind(digits) is NumberKind.NI_PPPK else EmploymentStatus.PNS


def kind_for(status: EmploymentStatus) -> NumberKind:
    """The number an ASN of that status holds."""
    return NumberKind.NI_PPPK if status is EmploymentStatus.PPPK else NumberKind.NIP


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


def normalize_pppk_grade(raw: str) -> str | None:
    """`ix`, ` IX `, `9` → `IX`; None for anything that is not a PPPK grade I–XVII."""
    return _GRADES.get(raw.strip().upper())


def normalize_grade(raw: str, status: EmploymentStatus) -> str | None:
    """The golongan of an ASN of that status: a PPPK grade for PPPK, a golongan/ruang otherwise."""
    return normalize_pppk_grade(raw) if status is EmploymentStatus.PPPK else normalize_rank(raw)


def rank_name(rank: str, status: EmploymentStatus) -> str | None:
    """The PNS rank name of a golongan/ruang (`III/a` → Penata Muda); None for a PPPK grade."""
    return None if status is EmploymentStatus.PPPK else RANK_NAMES.get(rank)


def normalize_position_type(raw: str) -> str | None:
    """Case-insensitive match against the jenis jabatan; None when unknown."""
    wanted = " ".join(raw.split()).casefold()
    return next((t for t in POSITION_TYPES if t.casefold() == wanted), None)


def mask_nip(nip: str) -> str:
    """A NIP safe to show to others: first 4 and last 3 digits."""
    return nip[:4] + "•" * (len(nip) - 7) + nip[-3:]
