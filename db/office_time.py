"""Dates and times as HR types them, in office time (WITA by default), read into aware UTC
datetimes: one parser for every place that asks for a time (a send time, an event's schedule,
a registration deadline).

A date is ``12/12/2026``, ``12-12-2026``, ``12.12.2026`` or ``2026-12-12``; a time is
``08.00`` or ``08:00``. Between them only separators (spaces, commas, dashes) and filler
words are allowed: ``pukul``, ``pkl``, ``jam``, ``at``, ``WITA``, and for a range ``s.d.``,
``sampai``, ``hingga``, ``to``, ``until``. Anything else is refused with a reason:
`OfficeTimeError.reason` is ``format`` (not a date and time as asked) or ``no_such_date``
(31 February, 25.00).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

_DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
_TOKEN = re.compile(rf"(?P<date>{_DATE})|(?P<time>\d{{1,2}}[.:]\d{{2}})")
_SEPARATORS = re.compile(r"[\s,\-–—]+")
_FILLERS = frozenset(
    {
        "",
        "s/d",
        "s.d.",
        "s.d",
        "sd",
        "sampai",
        "hingga",
        "to",
        "until",
        "wita",
        "pukul",
        "pkl",
        "pkl.",
        "jam",
        "at",
    }
)
#: `OfficeTimeError.reason` values.
FORMAT = "format"
NO_SUCH_DATE = "no_such_date"
#: The zone a date alone is read in: only its calendar day is kept.
_DAY_ONLY = ZoneInfo("UTC")


class OfficeTimeError(ValueError):
    """Typed text that is not the date and time asked for; `reason` is `FORMAT` or `NO_SUCH_DATE`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _read(text: str, timezone: ZoneInfo) -> list[datetime | time]:
    """The dates (as midnight office time) and times in the text, in order; refuses other words."""
    leftover = _TOKEN.sub(" ", text)
    if not all(word.casefold() in _FILLERS for word in _SEPARATORS.split(leftover)):
        raise OfficeTimeError(FORMAT)
    found: list[datetime | time] = []
    try:
        for match in _TOKEN.finditer(text):
            if match.group("date"):
                parts = [int(p) for p in re.split(r"[/.-]", match.group("date"))]
                year, month, day = parts if parts[0] > 31 else parts[::-1]
                found.append(datetime(year, month, day, tzinfo=timezone))
            else:
                hour, minute = (int(p) for p in re.split(r"[.:]", match.group("time")))
                found.append(time(hour, minute))
    except ValueError as exc:
        raise OfficeTimeError(NO_SUCH_DATE) from exc
    return found


def _at(day: datetime | time, clock: datetime | time) -> datetime:
    if not isinstance(day, datetime) or isinstance(clock, datetime):
        raise OfficeTimeError(FORMAT)
    return day.replace(hour=clock.hour, minute=clock.minute).astimezone(UTC)


def parse_moment(text: str, *, timezone: ZoneInfo, date_alone: time | None = None) -> datetime:
    """One moment from ``DATE TIME``; ``DATE`` alone means `date_alone` that day, and is
    refused when `date_alone` is None."""
    parts = _read(text, timezone)
    if len(parts) == 1 and date_alone is not None:
        return _at(parts[0], date_alone)
    if len(parts) == 2:
        return _at(parts[0], parts[1])
    raise OfficeTimeError(FORMAT)


def parse_day(text: str) -> date:
    """One date alone (``15/01/2027``, ``15-01-2027``, ``2027-01-15``), as in HR's files."""
    parts = _read(text, _DAY_ONLY)
    if len(parts) == 1 and isinstance(parts[0], datetime):
        return parts[0].date()
    raise OfficeTimeError(FORMAT)


def parse_range(text: str, *, timezone: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end from ``DATE TIME-TIME`` or ``DATE TIME - DATE TIME``."""
    parts = _read(text, timezone)
    if len(parts) == 3:
        day, start, end = parts
        return _at(day, start), _at(day, end)
    if len(parts) == 4:
        first_day, start, last_day, end = parts
        return _at(first_day, start), _at(last_day, end)
    raise OfficeTimeError(FORMAT)
