"""NIPs, phone numbers and ranks are read the way Indonesian HR writes them."""

from __future__ import annotations

from datetime import date

import pytest

from db.identity import (
    mask_nip,
    nip_digits,
    normalize_phone,
    normalize_position_type,
    normalize_rank,
    parse_nip,
)


def test_a_nip_is_read_into_birth_date_start_gender_and_sequence() -> None:
    nip = parse_nip("198609262015051001")
    assert nip is not None
    assert nip.birth_date == date(1986, 9, 26)
    assert nip.service_start == (2015, 5)
    assert nip.gender == 1
    assert nip.sequence == 1


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
        "198609262015131001",  # month 13 of service
        "198609262015053001",  # gender digit 3
        "198609261990051001",  # started work at 3
        "١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١",  # Arabic-Indic digits
    ],
)
def test_impossible_nips_are_refused(raw: str) -> None:
    assert parse_nip(raw) is None
    assert nip_digits(raw) is None


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


def test_a_masked_nip_hides_the_birth_date() -> None:
    assert mask_nip("198609262015051001") == "1986•••••••••••001"
