"""An ASN is addressed as Bapak or Ibu by the sex digit of the NIP or NI PPPK, and as "Bapak/Ibu"
when the number does not say."""

from __future__ import annotations

import pytest

from db.address import Honorific, honorific


def test_a_man_s_nip_is_addressed_as_bapak() -> None:
    assert honorific("198609262015051001") is Honorific.BAPAK


def test_a_woman_s_nip_is_addressed_as_ibu() -> None:
    assert honorific("199003142015052003") is Honorific.IBU


def test_a_pppk_s_number_gives_the_sex_at_the_same_place() -> None:
    # NI PPPK: birth date, year of appointment, two digits that are not a month, sex, sequence
    assert honorific("199503152023212013") is Honorific.IBU
    assert honorific("198801022022211005") is Honorific.BAPAK


def test_a_nip_written_as_on_a_decree_reads_the_same() -> None:
    assert honorific("19900314 201505 2 003") is Honorific.IBU
    assert honorific("19860926.201505.1.001") is Honorific.BAPAK


@pytest.mark.parametrize(
    "nip",
    [None, "", "198609262015053001", "198609262015050001", "19860926201505100", "1986092620150510011", "abc"],
)
def test_no_number_or_a_sex_digit_other_than_1_or_2_is_bapak_ibu(nip: str | None) -> None:
    assert honorific(nip) is Honorific.UNKNOWN
