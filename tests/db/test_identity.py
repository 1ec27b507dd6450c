"""NIPs and NI PPPK, phone numbers, ranks and PPPK grades are read the way Indonesian HR writes them."""

from __future__ import annotations

from datetime import date

import pytest

from db.identity import (
    NumberKind,
    mask_nip,
    nip_digits,
    normalize_grade,
    normalize_phone,
    normalize_position_type,
    normalize_pppk_grade,
    normalize_rank,
    parse_nip,
    rank_name,
    status_of_number,
)
from db.models import EmploymentStatus


def test_a_nip_is_read_into_birth_date_start_gender_and_sequence() -> None:
    nip = parse_nip("198609262015051001")
    assert nip is not None
    assert nip.birth_date == date(1986, 9, 26)
    assert nip.service_start == (2015, 5)
    assert nip.gender == 1
    assert nip.sequence == 1
    assert nip.kind is NumberKind.NIP


def test_an_ni_pppk_is_read_into_birth_date_year_of_appointment_gender_and_sequence() -> None:
    number = parse_nip("19950315 2023 21 2 013")
    assert number is not None
    assert number.kind is NumberKind.NI_PPPK
    assert number.value == "199503152023212013"
    assert number.birth_date == date(1995, 3, 15)
    assert number.service_start == (2023, None)
    assert (number.gender, number.sequence) == (2, 13)


def test_digits_13_and_14_tell_a_nip_from_an_ni_pppk_both_ways() -> None:
    assert nip_digits("199503152023212013", NumberKind.NI_PPPK) == "199503152023212013"
    assert nip_digits("199503152023212013", NumberKind.NIP) is None  # 21 is no TMT month
    assert nip_digits("198609262015051001", NumberKind.NIP) == "198609262015051001"
    assert nip_digits("198609262015051001", NumberKind.NI_PPPK) is None  # 05 is a month
    assert status_of_number("199503152023212013") is EmploymentStatus.PPPK
    assert status_of_number("198609262015051001") is EmploymentStatus.PNS


@pytest.mark.parametrize(
    "raw",
    [
        "199502302023212013",  # 30 February
        "199503152023213013",  # sex digit 3
        "199503152005212013",  # appointed at 10
        "189903152023212013",  # born in the 19th century
    ],
)
def test_impossible_ni_pppk_are_refused(raw: str) -> None:
    assert parse_nip(raw) is None


def test_a_nip_written_with_spaces_as_on_an_sk_is_the_same_nip() -> None:
    nip = parse_nip("19860926 201505 1 001")
    assert nip is not None
    assert nip.value == "198609262015051001"


@pytest.mark.parametrize(
    "raw",
    [
        "19860926201505100",  # 17 digits
        "1986092620150510011",  # 19 digits
        "19860926201505100A",
        "198602302015051001",  # 30 February
        "198609262015053001",  # gender digit 3
        "198609261990051001",  # started work at 3
        "١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١",  # Arabic-Indic digits
    ],
)
def test_impossible_nips_are_refused(raw: str) -> None:
    assert parse_nip(raw) is None
    assert nip_digits(raw) is None


def test_a_nip_with_month_13_of_service_is_no_nip_and_reads_as_an_ni_pppk() -> None:
    assert parse_nip("198609262015131001", NumberKind.NIP) is None
    number = parse_nip("198609262015131001")
    assert number is not None
    assert number.kind is NumberKind.NI_PPPK


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("198609262015051001", "198609262015051001"),
        ("19860926 201505 1 001", "198609262015051001"),
        ("19860926.201505.1.001", "198609262015051001"),
        ("200002292020122999", "200002292020122999"),  # 29 February of a leap year, December
    ],
)
def test_the_import_check_accepts_what_parse_nip_accepts(raw: str, digits: str) -> None:
    nip = parse_nip(raw)
    assert nip is not None
    assert nip_digits(raw) == nip.value == digits


@pytest.mark.parametrize("raw", ["081234567890", "6281234567890", "+62 812-3456-7890", "+62 (812) 3456 7890"])
def test_the_same_mobile_number_written_four_ways_is_one_number(raw: str) -> None:
    assert normalize_phone(raw) == "6281234567890"


@pytest.mark.parametrize(
    "raw", ["", "12345", "phone", "+1 555 0100 2000", "0812-abc", "０８１２３４５６７８９０"]
)
def test_things_that_are_not_indonesian_numbers_are_refused(raw: str) -> None:
    assert normalize_phone(raw) is None


def test_ranks_and_position_types_are_normalized() -> None:
    assert normalize_rank(" iii / b ") == "III/b"
    assert normalize_rank("IV/e") == "IV/e"
    assert normalize_rank("I/e") is None
    assert normalize_position_type("jpt pratama") == "JPT Pratama"
    assert normalize_position_type("Kepala") is None


@pytest.mark.parametrize(
    ("raw", "grade"), [("IX", "IX"), (" vii ", "VII"), ("10", "X"), ("17", "XVII"), ("1", "I")]
)
def test_pppk_grades_are_roman_numerals_one_to_seventeen(raw: str, grade: str) -> None:
    assert normalize_pppk_grade(raw) == grade
    assert normalize_grade(raw, EmploymentStatus.PPPK) == grade
    assert normalize_grade(raw, EmploymentStatus.PNS) is None


@pytest.mark.parametrize("raw", ["XVIII", "18", "0", "III/a", "IIX", ""])
def test_what_is_no_pppk_grade_is_refused(raw: str) -> None:
    assert normalize_pppk_grade(raw) is None


def test_a_pppk_grade_has_no_pns_rank_name() -> None:
    assert rank_name("III/a", EmploymentStatus.PNS) == "Penata Muda"
    assert rank_name("III/a", EmploymentStatus.CPNS) == "Penata Muda"
    assert rank_name("IX", EmploymentStatus.PPPK) is None
    assert rank_name("III/a", EmploymentStatus.PPPK) is None


def test_a_masked_nip_hides_the_birth_date() -> None:
    assert mask_nip("198609262015051001") == "1986•••••••••••001"
