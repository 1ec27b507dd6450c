"""Which days are not working days in Indonesia: Sundays and national holidays, from the
well-kept `holidays` package (its Indonesian calendar, with names in Indonesian and English).

Used to keep the sample data off such days and to warn HR when an event they create or import
falls on one; nothing is refused for it, since some trainings do run on a Saturday or a holiday.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays

#: `holidays` language codes per bot language.
_LANGUAGES = {"id": "id", "en": "en_US"}


@cache
def _calendar(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year, language=_LANGUAGES.get(language, "id"))


def holiday_name(day: date, language: str = "id") -> str | None:
    """The national holiday on `day` in `language` ("Hari Raya Natal"), or None."""
    name = _calendar(day.year, language).get(day)
    return str(name) if name else None


def is_sunday(day: date) -> bool:
    return day.isoweekday() == 7


def day_off(day: date, language: str = "id") -> str | None:
    """Why `day` is not a working day: the holiday's name, "sunday" for a Sunday, or None."""
    return holiday_name(day, language) or ("sunday" if is_sunday(day) else None)
