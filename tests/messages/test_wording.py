"""The ASN's own screens read as one formal voice: a waiting-list place is a status with its
place ("Status: daftar tunggu (urutan ke-3)"), a rating is a "penilaian", a file a "berkas"; the
English mirrors each."""

from __future__ import annotations

import pytest

from messages import Renderer
from tests.messages.test_renderer import COMMON, CONTEXTS, WITA


@pytest.fixture
def renderer() -> Renderer:
    return Renderer(WITA)


def _render(renderer: Renderer, name: str, lang: str, **extra: object) -> str:
    return renderer.render(name, lang, **(COMMON | CONTEXTS[name] | extra))


@pytest.mark.parametrize(
    ("lang", "status"),
    [("id", "Status: <b>daftar tunggu</b> (urutan ke-3)"), ("en", "Status: <b>waiting list</b> (number 3)")],
)
def test_a_waitlisted_registration_reads_as_a_status_and_a_place(
    renderer: Renderer, lang: str, status: str
) -> None:
    text = _render(renderer, "reg_item", lang)
    assert status in text
    assert "di daftar tunggu" not in text


@pytest.mark.parametrize(("lang", "place"), [("id", "· urutan ke-3"), ("en", "· number 3")])
def test_the_list_of_registrations_gives_the_waiting_place(renderer: Renderer, lang: str, place: str) -> None:
    assert place in _render(renderer, "reg_list", lang)


def test_the_list_of_registrations_says_berkas_and_penilaian(renderer: Renderer) -> None:
    text = _render(renderer, "reg_list", "id")
    assert "berkas kalender, pembatalan, penilaian, atau sertifikat" in text
    assert "Pendaftaran Anda" in text


@pytest.mark.parametrize(
    ("lang", "status"),
    [("id", "Status: daftar tunggu (urutan ke-2)"), ("en", "Status: waiting list (number 2)")],
)
def test_hr_sees_a_registrant_s_waiting_place_the_same_way(
    renderer: Renderer, lang: str, status: str
) -> None:
    assert status in _render(renderer, "admin_registrants", lang)


@pytest.mark.parametrize(
    ("lang", "saved"),
    [("id", "penilaian <b>4</b> dari 5"), ("en", "your rating of <b>4</b> out of 5")],
)
def test_a_rating_is_a_penilaian(renderer: Renderer, lang: str, saved: str) -> None:
    assert saved in _render(renderer, "reg_rating", lang)
    assert "Bagaimana penilaian Anda" in _render(renderer, "reg_rating", "id", outcome="ask")


def test_the_seat_ranking_calls_its_measure_a_score_not_a_rating(renderer: Renderer) -> None:
    text = _render(renderer, "reg_standing", "id")
    assert "Skor Anda, dibandingkan berurutan" in text
    assert "kesenjangan kompetensi" in text
