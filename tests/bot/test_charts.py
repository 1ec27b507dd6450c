"""The competency chart an ASN gets with /kompetensi: a PNG small enough for a slow
connection and shaped for a phone screen, drawn onto a kept background exactly as the full
figure would be drawn."""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import pytest
from matplotlib.patches import Rectangle
from PIL import Image

from bot.documents import charts
from bot.documents.charts import competency_chart, competency_figure
from db.competency import CompetencyLine, CompetencyStatus, JpmCategory
from db.models import CompetencyGroup
from messages import Renderer
from tests.utils.png import png_text

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

TEKNIS, MANAJERIAL, SOSIAL = (
    CompetencyGroup.TEKNIS,
    CompetencyGroup.MANAJERIAL,
    CompetencyGroup.SOSIAL_KULTURAL,
)
STANDARD = [
    ("Penyusunan Rekomendasi Kebijakan Publik Daerah", TEKNIS, 3, 2),
    ("Analisis Data dan Informasi Kepegawaian", TEKNIS, 3, 3),
    ("Integritas", MANAJERIAL, 3, 3),
    ("Kerja Sama", MANAJERIAL, 3, 4),
    ("Komunikasi", MANAJERIAL, 3, 2),
    ("Orientasi pada Hasil", MANAJERIAL, 3, 3),
    ("Pelayanan Publik", MANAJERIAL, 3, 1),
    ("Pengembangan Diri dan Orang Lain", MANAJERIAL, 3, 3),
    ("Mengelola Perubahan", MANAJERIAL, 3, None),
    ("Pengambilan Keputusan", MANAJERIAL, 3, 3),
    ("Perekat Bangsa", SOSIAL, 3, 3),
]


def _status(rows: Sequence[tuple[str, CompetencyGroup, int | None, int | None]]) -> CompetencyStatus:
    lines = [
        CompetencyLine(
            competency_id=number,
            name=name,
            group=group,
            required=required,
            assessed=assessed,
            gap=required - assessed if required is not None and assessed is not None else None,
            in_standard=required is not None,
        )
        for number, (name, group, required, assessed) in enumerate(rows, start=1)
    ]
    return CompetencyStatus(
        employee_id=1,
        position_name="Analis Kebijakan Ahli Muda",
        lines=lines,
        jpm=1500 / 21,
        category=JpmCategory.MASIH_MEMENUHI,
        assessed_on=None,
        method=None,
        has_standard=True,
        has_assessment=True,
    )


def _size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which always comes first."""
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _chart(status: CompetencyStatus) -> bytes:
    return competency_chart(
        status,
        title="Kompetensi — Analis Kebijakan Ahli Muda",
        required_label="Standar",
        assessed_label="Hasil penilaian",
    )


def test_a_full_standard_is_a_small_phone_sized_png() -> None:
    png = _chart(_status(STANDARD))

    assert png.startswith(PNG_SIGNATURE)
    assert len(png) < 200_000
    width, height = _size(png)
    assert width == 900
    assert 600 <= height <= 1200  # eleven competencies: scrolls at most a little on a phone


def test_the_chart_grows_with_the_standard_and_stays_readable() -> None:
    small = _size(_chart(_status(STANDARD[:2])))
    large = _size(_chart(_status(STANDARD + STANDARD)))

    assert small[0] == large[0] == 900
    assert 250 <= small[1] < large[1]


def test_a_position_without_a_standard_charts_what_was_assessed() -> None:
    png = _chart(_status([("Integritas", MANAJERIAL, None, 3), ("Komunikasi", MANAJERIAL, None, 2)]))

    assert png.startswith(PNG_SIGNATURE)


def test_an_empty_status_still_gives_an_image() -> None:
    png = _chart(_status([]))

    assert png.startswith(PNG_SIGNATURE)
    assert _size(png)[0] == 900


def test_the_chart_shows_each_competency_of_the_standard_with_both_levels() -> None:
    status = _status(STANDARD)
    figure = competency_figure(status, title="Kompetensi", required_label="Standar", assessed_label="Asesmen")
    (axes,) = figure.axes
    texts = [text.get_text().replace("\n", " ") for text in axes.texts]
    assert texts[: len(STANDARD)] == [name for name, *_ in STANDARD]
    widths = sorted(round(bar.get_width()) for bar in axes.patches if isinstance(bar, Rectangle))
    assert widths == sorted([req for _, _, req, _ in STANDARD] + [a for *_, a in STANDARD if a])


def test_the_png_says_what_it_plots() -> None:
    description = png_text(_chart(_status(STANDARD[:3])))["Description"]
    assert description == (
        "Penyusunan Rekomendasi Kebijakan Publik Daerah 3/2; Analisis Data dan Informasi Kepegawaian 3/3; "
        "Integritas 3/3"
    )


def _pixels(png: bytes) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGBA").tobytes()


ENGLISH = {
    "title": "Competencies: position standard and assessed level",
    "required_label": "Position standard",
    "assessed_label": "Assessed level",
}
INDONESIAN = {
    "title": "Kompetensi: standar jabatan dan hasil asesmen",
    "required_label": "Standar jabatan",
    "assessed_label": "Hasil asesmen",
}
#: Every pair of levels a row can show: unassessed, 0, below, meeting and above the standard,
#: and no standard at all.
LEVELS = [(required, assessed) for required in (None, 1, 3, 5) for assessed in (None, 0, 1, 3, 4, 5)]


def _same(status: CompetencyStatus, texts: dict[str, str]) -> bool:
    reference = charts.reference_chart(status, **texts)
    return _pixels(charts.competency_chart(status, **texts)) == _pixels(reference)


def test_the_chart_put_together_is_the_full_drawing_pixel_for_pixel() -> None:
    charts.clear_kept()
    for texts in (INDONESIAN, ENGLISH):
        for rows in (STANDARD, STANDARD[4:], STANDARD[:6], [("Integritas", MANAJERIAL, None, 3)], []):
            assert _same(_status(rows), texts)
    # another ASN on the same standard, other levels: new tiles for the new pairs of levels only
    names = charts.kept()[0]
    other = _status([(name, group, req, 5 - (assessed or 0)) for name, group, req, assessed in STANDARD])
    assert _same(other, INDONESIAN)
    new_pairs = {(3, 5 - (assessed or 0)) for *_, assessed in STANDARD} - {(3, a) for *_, a in STANDARD}
    assert charts.kept()[0] == names + len(new_pairs)
    # and again: nothing new
    kept = charts.kept()
    assert _same(other, ENGLISH)
    assert charts.kept() == kept


def test_every_pair_of_levels_on_every_row_is_drawn_as_the_full_drawing() -> None:
    charts.clear_kept()
    groups = (TEKNIS, TEKNIS, MANAJERIAL, SOSIAL)
    for start in range(0, len(LEVELS), 8):
        rows = [
            (f"Kompetensi {start + i}", groups[i % len(groups)], required, assessed)
            for i, (required, assessed) in enumerate(LEVELS[start : start + 8])
        ]
        assert _same(_status(rows), ENGLISH)
        assert _same(_status(rows[::-1]), ENGLISH)


def test_long_names_wrapped_over_several_lines_are_drawn_as_the_full_drawing() -> None:
    charts.clear_kept()
    three_lines = "Pengelolaan Sistem Informasi Manajemen Kepegawaian dan Arsip Digital Daerah"
    very_long = "Perumusan " * 12  # more lines than a row holds: drawn by matplotlib instead
    rows = [
        (three_lines, TEKNIS, 4, 2),
        ("Penyusunan Rekomendasi Kebijakan Publik Daerah", TEKNIS, 3, 3),
        (three_lines + " Terpadu", MANAJERIAL, 3, None),
    ]
    assert _same(_status(rows), INDONESIAN)
    assert _same(_status([*rows, (very_long, SOSIAL, 2, 2)]), INDONESIAN)
    assert _same(_status([(very_long, SOSIAL, 2, 2), *rows]), INDONESIAN)


def test_every_number_of_rows_is_drawn_as_the_full_drawing() -> None:
    """Six rows is a figure whose height matplotlib would compute a hair short of its pixels."""
    rows = [(name, group, required, required + 1) for name, group, required, _ in STANDARD]
    for count in range(1, 14):
        assert _same(_status((rows * 2)[:count]), INDONESIAN)


def test_the_pieces_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    charts.clear_kept()
    _chart(_status(STANDARD))
    count, size = charts.kept()
    pairs = {(required, assessed) for *_, required, assessed in STANDARD}
    assert count == 1 + len(STANDARD) + 1 + len(pairs)  # the frame, the names, the rule, the levels
    monkeypatch.setattr(charts, "KEPT_BYTES", size // 2)
    charts.competency_chart(_status(STANDARD), **ENGLISH)  # a second frame
    assert charts.kept()[1] <= size // 2
    monkeypatch.setattr(charts, "KEPT_BYTES", 1)
    png = charts.competency_chart(_status(STANDARD), **INDONESIAN)
    assert charts.kept()[0] == 1  # the piece made last
    assert _pixels(png) == _pixels(charts.reference_chart(_status(STANDARD), **INDONESIAN))


def test_the_png_keeps_a_title_that_is_not_latin_1() -> None:
    png = _chart(_status(STANDARD[:1]))
    with Image.open(io.BytesIO(png)) as image:
        assert image.info["Title"] == "Kompetensi — Analis Kebijakan Ahli Muda"
        assert image.size == _size(png)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_legend_with_the_bot_s_own_labels_fits_in_the_picture(lang: str) -> None:
    renderer = Renderer(ZoneInfo("Asia/Makassar"))
    figure = competency_figure(
        _status(STANDARD),
        title=renderer.label("chart.title", lang),
        required_label=renderer.label("chart.required", lang),
        assessed_label=renderer.label("chart.assessed", lang),
    )
    (axes,) = figure.axes
    legend = axes.get_legend()
    assert legend is not None
    extent = legend.get_window_extent()
    assert extent.x0 >= 0
    assert extent.x1 <= figure.bbox.width
