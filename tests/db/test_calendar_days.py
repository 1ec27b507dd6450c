from datetime import date

from db.calendar_days import day_off, holiday_name


def test_national_holidays_have_their_names_in_both_languages() -> None:
    assert holiday_name(date(2026, 12, 25)) == "Hari Raya Natal"
    assert holiday_name(date(2026, 8, 17), "en") == "Independence Day"
    assert holiday_name(date(2026, 12, 3)) is None


def test_sundays_are_days_off_and_weekdays_are_not() -> None:
    assert day_off(date(2026, 12, 6)) == "sunday"
    assert day_off(date(2026, 12, 25)) == "Hari Raya Natal"
    assert day_off(date(2026, 12, 7)) is None
