"""Office time (WITA) as people in Kupang say it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")


def wita(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An office-time instant, as people in Kupang say it."""
    return datetime(year, month, day, hour, minute, tzinfo=WITA)
