"""HR types dates and times the Indonesian way, in office time (WITA); every place that asks
for one reads it with the same rules and stores it in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from db.office_time import FORMAT, NO_SUCH_DATE, OfficeTimeError, parse_moment, parse_range
from tests.utils.office_time import wita

WITA = ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize(
    "typed",
    [
        "12/12/2026 08.00",
        "12-12-2026 08:00",
        "12.12.2026 pukul 08.00",
        "2026-12-12 08:00 WITA",
        "12/12/2026, jam 8.00",
        "  12/12/2026   8.00 ",
        "12/12/2026 at 08:00",
    ],
)
def test_a_moment_is_read_in_office_time_and_given_in_utc(typed: str) -> None:
    moment = parse_moment(typed, timezone=WITA)
    assert moment == wita(2026, 12, 12, 8)
    assert moment.utcoffset() == timedelta(0)
    assert moment.tzinfo is UTC


def test_a_date_alone_is_refused_unless_the_caller_says_what_time_it_means() -> None:
    with pytest.raises(OfficeTimeError) as refused:
        parse_moment("10/12/2026", timezone=WITA)
    assert refused.value.reason == FORMAT
    assert parse_moment("10/12/2026", timezone=WITA, date_alone=time(23, 59)) == wita(2026, 12, 10, 23, 59)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("besok pagi", FORMAT),
        ("", FORMAT),
        ("12/12/2026 08.00 tolong", FORMAT),
        ("08.00 12/12/2026", FORMAT),
        ("12/12/2026 08.00 09.00", FORMAT),
        ("31/02/2026 08.00", NO_SUCH_DATE),
        ("12/12/2026 25.00", NO_SUCH_DATE),
    ],
)
def test_anything_else_is_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(OfficeTimeError) as refused:
        parse_moment(typed, timezone=WITA)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12/12/2026 08.00-16.00", (wita(2026, 12, 12, 8), wita(2026, 12, 12, 16))),
        ("2026-12-12 08:00 s.d. 16:00 WITA", (wita(2026, 12, 12, 8), wita(2026, 12, 12, 16))),
        ("12.12.2026 pukul 08.00 sampai 16.00", (wita(2026, 12, 12, 8), wita(2026, 12, 12, 16))),
        ("12/12/2026 08.00 – 14/12/2026 12.00", (wita(2026, 12, 12, 8), wita(2026, 12, 14, 12))),
    ],
)
def test_a_range_is_one_date_with_two_times_or_two_dates_with_a_time_each(
    typed: str, expected: tuple[datetime, datetime]
) -> None:
    assert parse_range(typed, timezone=WITA) == expected


@pytest.mark.parametrize(
    "typed", ["12/12/2026", "12/12/2026 08.00", "08.00-16.00", "12/12/2026 08.00 hingga"]
)
def test_a_range_that_is_not_one_is_refused(typed: str) -> None:
    with pytest.raises(OfficeTimeError) as refused:
        parse_range(typed, timezone=WITA)
    assert refused.value.reason == FORMAT
