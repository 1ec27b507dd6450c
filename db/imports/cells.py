"""Checking one cell: each parser returns the value or raises CellError with a reason code.

The codes and their values are rendered for HR from `messages/<lang>/imports.toml`
(label `import.<reason>`). The parsers run on every row of 100,000-row files: patterns are
compiled once, and `memo` remembers the cells that repeat.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo

from db.identity import POSITION_TYPES, nip_digits, normalize_phone, normalize_position_type, normalize_rank
from db.imports.contract import Values
from db.imports.reading import ImpreciseNumber
from db.models import CompetencyGroup, EventKind
from db.office_time import NO_SUCH_DATE, OfficeTimeError, parse_day, parse_moment

T = TypeVar("T")

_INTEGER = re.compile(r"-?[0-9]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
_RUPIAH = re.compile(r"(?:rp\.?\s*)?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,0{1,2})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{1,2})[:.]([0-9]{2})(?::[0-9]{2})?")


class CellError(Exception):
    """A cell breaks a rule: `reason` says which, `values` fill in the words HR reads."""

    def __init__(self, reason: str, **values: str | int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values: Values = values


def collapse(text: str) -> str:
    """The text with runs of white space as one space, trimmed."""
    return " ".join(text.split())


def fold(name: str) -> str:
    """A name as it is matched: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def text(max_length: int) -> Callable[[str], str]:
    """A required text of at most `max_length` characters, white space collapsed."""

    def parse(raw: str) -> str:
        collapsed = collapse(raw)
        if not collapsed:
            raise CellError("required")
        if len(collapsed) > max_length:
            raise CellError("too_long", length=len(collapsed), limit=max_length)
        return collapsed

    return parse


def memo(parse: Callable[[str], T]) -> Callable[[str], T]:
    """`parse` remembering its results: positions, units and ranks repeat on every other row."""
    results: dict[str, T] = {}

    def remembered(raw: str) -> T:
        try:
            return results[raw]
        except KeyError:
            result = results[raw] = parse(raw)
            return result

    return remembered


def optional_text(max_length: int, *, keep_lines: bool = False) -> Callable[[str], str | None]:
    """A text that may be empty (None), white space collapsed unless `keep_lines`."""

    def parse(raw: str) -> str | None:
        written = raw.strip() if keep_lines else collapse(raw)
        if len(written) > max_length:
            raise CellError("too_long", length=len(written), limit=max_length)
        return written or None

    return parse


def integer(low: int, high: int) -> Callable[[str], int]:
    """A required whole number from `low` to `high`."""

    def parse(raw: str) -> int:
        if not raw:
            raise CellError("required")
        if not _INTEGER.fullmatch(raw):
            raise CellError("not_integer", low=low, high=high, raw=raw)
        number = int(raw)
        if not low <= number <= high:
            raise CellError("out_of_range", low=low, high=high, number=number)
        return number

    return parse


LEVEL = integer(1, 5)
JP = integer(0, 1000)
QUOTA = integer(0, 1_000_000)


def nip(raw: str) -> str:
    """An 18-digit NIP or NI PPPK as written on an SK or a contract, spaces and dots allowed."""
    if isinstance(raw, ImpreciseNumber):
        raise CellError("nip_rounded")
    if not raw:
        raise CellError("required")
    digits = nip_digits(raw)
    if digits is None:
        reason, values = _why_nip_invalid(raw)
        raise CellError(reason, **values)
    return digits


def _why_nip_invalid(raw: str) -> tuple[str, Values]:
    """Why nip_digits refused a NIP, as the check an HR officer makes against an SK."""
    digits = re.sub(r"[\s.\-]", "", raw)
    if not re.fullmatch(r"[0-9]+", digits):
        return "nip_not_digits", {"raw": raw}
    if len(digits) != 18:
        return "nip_length", {"digits": len(digits)}
    birth_year, birth_month, birth_day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    try:
        date(birth_year, birth_month, birth_day)
    except ValueError:
        return "nip_birth_date", {"birth": f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}"}
    if birth_year < 1900:
        return "nip_birth_year", {"year": birth_year}
    # Digits 13–14 are either a TMT month (a NIP) or not (an NI PPPK): both are numbers.
    start_year = int(digits[8:12])
    if digits[14] not in "12":
        return "nip_sex", {"digit": digits[14]}
    if start_year < birth_year + 14 or start_year > 2100:
        return "nip_start_year", {"start": start_year, "birth": birth_year}
    return "nip_unrecognized", {}


def phone(raw: str) -> str:
    """A mobile number (Telegram shares it when an ASN links), as 628…."""
    if not raw:
        raise CellError("phone_required")
    number = normalize_phone(raw)
    if number is None or not number.isascii():
        raise CellError("phone_invalid", raw=raw)
    if not number.startswith("628"):
        raise CellError("phone_not_mobile", raw=raw)
    return number


def rank(raw: str) -> str:
    """A golongan/ruang such as III/a."""
    found = normalize_rank(raw)
    if found is None:
        raise CellError("rank_unknown", raw=raw)
    return found


def position_type(raw: str) -> str:
    """One of the position types, however it is capitalised."""
    found = normalize_position_type(raw)
    if found is None:
        raise CellError("position_type_unknown", raw=raw, allowed=", ".join(POSITION_TYPES))
    return found


def email(raw: str) -> str | None:
    """An e-mail address, or None when empty."""
    if not raw:
        return None
    if len(raw) > 200 or not _EMAIL.fullmatch(raw):
        raise CellError("email_invalid", raw=raw)
    return raw


def group(raw: str) -> CompetencyGroup:
    """A competency group: teknis, manajerial or sosial_kultural."""
    key = re.sub(r"[\s\-]+", "_", raw.strip().casefold())
    try:
        return CompetencyGroup(key)
    except ValueError:
        allowed = ", ".join(member.value for member in CompetencyGroup)
        raise CellError("group_unknown", raw=raw, allowed=allowed) from None


def event_kind(raw: str) -> EventKind:
    """A kind of event: pelatihan, seminar, …."""
    try:
        return EventKind(raw.strip().casefold())
    except ValueError:
        allowed = ", ".join(kind.value for kind in EventKind)
        raise CellError("event_kind_unknown", raw=raw, allowed=allowed) from None


def code(raw: str) -> str:
    """An event code: letters, digits, `-` and `_`."""
    if not raw:
        raise CellError("required")
    if not _CODE.fullmatch(raw):
        raise CellError("code_invalid", raw=raw)
    return raw


def rupiah(raw: str) -> int | None:
    """`1.500.000`, `1500000`, `Rp 1.500.000,00`; empty means no cost stated."""
    if not raw:
        return None
    match = _RUPIAH.fullmatch(raw.casefold())
    if match is None:
        raise CellError("cost_invalid", raw=raw)
    return int(match.group(1).replace(".", ""))


def day(raw: str) -> date:
    """A required date, written as in the chat: `2026-03-15`, `15/03/2026`, `15-03-2026`."""
    if not raw:
        raise CellError("required")
    if _DATE.fullmatch(raw):  # the common case, and how Excel's date cells read
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise CellError("date_impossible", raw=raw) from None
    try:
        return parse_day(raw)
    except OfficeTimeError as refused:
        reason = "date_impossible" if refused.reason == NO_SUCH_DATE else "date_format"
        raise CellError(reason, raw=raw) from None


def past_day(today: date) -> Callable[[str], date]:
    """A date that is not after `today`."""

    def parse(raw: str) -> date:
        found = day(raw)
        if found > today:
            raise CellError("date_future", day=found.isoformat(), today=today.isoformat())
        return found

    return parse


def office_time(timezone: ZoneInfo, *, date_alone: time | None = None) -> Callable[[str], datetime]:
    """A date and time in office time, as a UTC instant, written as in the chat: `2027-01-15 08:00`,
    `15/01/2027 08.00`, `15-01-2027 pukul 08.00`; a date alone means `date_alone` that day, when given."""
    format_reason = "datetime_format" if date_alone is None else "datetime_or_date_format"

    def parse(raw: str) -> datetime:
        if not raw:
            raise CellError("required")
        if date_alone is not None and _DATE.fullmatch(raw):
            return datetime.combine(day(raw), date_alone, tzinfo=timezone).astimezone(UTC)
        match = _DATETIME.fullmatch(raw)  # the common case, and how Excel's date-time cells read
        if match is None:
            try:
                return parse_moment(raw, timezone=timezone, date_alone=date_alone)
            except OfficeTimeError as refused:
                if refused.reason == NO_SUCH_DATE:
                    raise CellError("datetime_impossible", raw=raw) from None
                raise CellError(format_reason, raw=raw) from None
        on = day(match.group(1))
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise CellError("time_impossible", hour=hour, minute=minute)
        return datetime.combine(on, time(hour, minute), tzinfo=timezone).astimezone(UTC)

    return parse
