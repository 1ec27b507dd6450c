"""The calendar file: one event that phones and Google Calendar place at the office hour."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.documents.calendar import CalendarEntry, build_ics, entry_uid

WITA = ZoneInfo("Asia/Makassar")
ENTRY = CalendarEntry(
    uid=entry_uid("PP-01", 42),
    title="Pelatihan Pelayanan Prima, Angkatan I; Kupang",
    starts_at=datetime(2026, 12, 14, 1, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 14, 9, 0, tzinfo=UTC),
    location="Aula BPSDM, Jl. Polisi Militer, Kupang",
    description="Penyelenggara: BPSDM Provinsi NTT\nBobot: 8 JP",
)


def _parse() -> Calendar:
    return Calendar.from_ical(build_ics(ENTRY, timezone=WITA, stamp=datetime(2026, 12, 1, tzinfo=UTC)))


def test_the_event_starts_at_nine_in_kupang_time_with_its_time_zone_described() -> None:
    calendar = _parse()
    (event,) = calendar.walk("VEVENT")
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, end.hour, str(start.tzinfo)) == (9, 17, "Asia/Makassar")
    assert start == ENTRY.starts_at
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Makassar"


def test_text_with_commas_and_newlines_survives_the_round_trip() -> None:
    (event,) = _parse().walk("VEVENT")
    assert str(event["SUMMARY"]) == ENTRY.title
    assert str(event["LOCATION"]) == ENTRY.location
    assert str(event["DESCRIPTION"]) == ENTRY.description
    assert str(event["UID"]) == "PP-01-42@asn-karier.bot"


def test_the_file_uses_crlf_line_endings_as_rfc_5545_requires() -> None:
    data = build_ics(ENTRY, timezone=WITA, stamp=datetime(2026, 12, 1, tzinfo=UTC))
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"DTSTART;TZID=Asia/Makassar:20261214T090000" in data
