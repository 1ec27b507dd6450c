"""Every text exists in Indonesian and English and renders; dates read the Indonesian way."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError

from messages import LANGUAGES, Renderer
from messages.renderer import ROOT, label_keys, template_names

WITA = ZoneInfo("Asia/Makassar")
EMPLOYEE = SimpleNamespace(
    name="Maria Goreti Bria",
    nip="198609262015051001",
    position=SimpleNamespace(name="Analis Kebijakan Ahli Muda"),
    unit=SimpleNamespace(name="BKPSDM Kota Kupang"),
)
#: Enough context for every template; a template needing more fails the test (StrictUndefined).
CONTEXT: dict[str, object] = {
    "name": "Maria <Bria> & Co",
    "employee": EMPLOYEE,
    "attempts_left": 3,
    "until": datetime(2026, 12, 7, 1, 30, tzinfo=UTC),
    "linked": True,
    "lang": "id",
}


@pytest.fixture
def renderer() -> Renderer:
    return Renderer(WITA)


def test_both_languages_have_the_same_templates_and_labels() -> None:
    assert template_names("id") == template_names("en")
    assert label_keys("id") == label_keys("en")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", sorted(template_names("id")))
def test_every_template_renders_in_both_languages(renderer: Renderer, name: str, lang: str) -> None:
    text = renderer.render(name, lang, **CONTEXT)
    assert text.strip()
    assert "<Bria>" not in text  # autoescape is on


def test_a_missing_value_is_an_error_not_a_blank(renderer: Renderer) -> None:
    with pytest.raises(UndefinedError):
        renderer.render("linked", "id")


def test_dates_read_the_indonesian_way_in_office_time(renderer: Renderer) -> None:
    moment = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert renderer.format_datetime(moment, "id") == "Senin, 7 Desember 2026, 09.00 WITA"
    assert renderer.format_datetime(moment, "en") == "Monday, 7 December 2026, 09.00 WITA"
    assert renderer.format_date(date(2026, 8, 17), "id") == "Senin, 17 Agustus 2026"


def test_late_evening_utc_is_already_tomorrow_in_kupang(renderer: Renderer) -> None:
    assert renderer.format_date(datetime(2026, 12, 31, 16, 30, tzinfo=UTC), "id") == "Jumat, 1 Januari 2027"


def test_label_files_are_valid_toml_with_string_values() -> None:
    for lang in LANGUAGES:
        data = tomllib.loads(Path(ROOT / lang / "labels.toml").read_text(encoding="utf-8"))
        assert all(isinstance(value, str) and value for value in data.values())
