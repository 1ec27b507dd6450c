"""The calendar file (.ics) of one event: a VEVENT in the office time zone with its
VTIMEZONE, so Google Calendar and phone calendars place it at the right hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as CalendarEvent

PRODUCT_ID = "-//ASN Karier//Kupang//ID"
UID_DOMAIN = "asn-karier.bot"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """What goes into the calendar: the event as the ASN will see it in their agenda."""

    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    description: str


def entry_uid(event_code: str, registration_id: int) -> str:
    """A UID stable for one registration, so importing the file again updates the entry."""
    return f"{event_code}-{registration_id}@{UID_DOMAIN}"


def build_ics(entry: CalendarEntry, *, timezone: ZoneInfo, stamp: datetime) -> bytes:
    """The `.ics` bytes (UTF-8, CRLF) for one event, times in `timezone` with TZID."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = CalendarEvent()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.starts_at.astimezone(timezone))
    event.add("dtend", entry.ends_at.astimezone(timezone))
    event.add("summary", entry.title)
    event.add("location", entry.location)
    event.add("description", entry.description)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    ics: bytes = calendar.to_ical()
    return ics
