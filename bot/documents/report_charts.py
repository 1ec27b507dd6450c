"""HR's report charts as PNGs for a phone, drawn like the competency chart (`charts`): the
object API without pyplot (so they can be drawn in a worker thread), 900 px wide, large type,
every text from the caller already translated, and a Description text in the PNG listing what
is plotted, for screen readers.

- `jp_chart`: per work unit, ASN at target / below / with none (stacked bars);
- `gap_heatmap`: work units × competencies, gap levels summed (darker is more);
- `needs_chart`: competencies by total gap levels.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bot.documents.charts import DPI, FONT_SIZE, GAP_COLOR, MET_COLOR, TEXT_COLOR, WIDTH_INCHES
from db.reports import GapReport, JpCompliance, Need

BELOW_COLOR = "#f0b429"
ROW_INCHES = 0.55
NAME_WIDTH = 26
HEAT_NAME_WIDTH = 14
MOST_ROWS = 15  # rows beyond this are in the .xlsx, not on a phone screen


def _png(figure: Figure, title: str, description: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", metadata={"Software": None, "Title": title, "Description": description}
    )
    return buffer.getvalue()


def _figure(rows: int, left: float, extra_top: float = 0.0) -> tuple[Figure, Axes]:
    height = 1.4 + extra_top + ROW_INCHES * max(rows, 1)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    figure.subplots_adjust(left=left, right=0.96, bottom=0.7 / height, top=1 - (0.8 + extra_top) / height)
    return figure, figure.add_subplot()


def _style(axes: Axes, title: str) -> None:
    axes.tick_params(labelsize=FONT_SIZE, colors=TEXT_COLOR, length=0)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.set_title(textwrap.fill(title, 60), fontsize=FONT_SIZE + 3, color=TEXT_COLOR, loc="left", pad=30)


def jp_chart(report: JpCompliance, *, title: str, labels: Sequence[str]) -> bytes:
    """Stacked bars per unit: `labels` are (at target, below, none)."""
    units = report.units[:MOST_ROWS]
    names = [textwrap.fill(u.unit, NAME_WIDTH) for u in units]
    figure, axes = _figure(len(units), left=0.36)
    rows = range(len(units) - 1, -1, -1)
    left = [0] * len(units)
    for values, color, label in zip(
        ([u.reached for u in units], [u.below for u in units], [u.none for u in units]),
        (MET_COLOR, BELOW_COLOR, GAP_COLOR),
        labels,
        strict=True,
    ):
        axes.barh(list(rows), values, left=left, color=color, label=label, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, unit in zip(rows, units, strict=True):
        axes.text(unit.employees, y, f" {round(unit.share * 100)}%", va="center", fontsize=FONT_SIZE - 1)
    axes.set_yticks(list(rows), names)
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False, fontsize=FONT_SIZE - 1)
    _style(axes, title)
    description = "; ".join(
        f"{u.unit}: {labels[0]} {u.reached}, {labels[1]} {u.below}, {labels[2]} {u.none}" for u in units
    )
    return _png(figure, title, description)


def gap_heatmap(report: GapReport, *, title: str, scale_label: str) -> bytes:
    """Units (rows) × competencies (columns), colour and number = gap levels summed."""
    units, competencies = report.units[:MOST_ROWS], report.competencies[:8]
    levels = [[(c.levels if (c := report.cell(u, k)) else 0) for k in competencies] for u in units]
    figure, axes = _figure(len(units), left=0.3, extra_top=1.2)
    image = axes.imshow(levels or [[0]], cmap="Reds", aspect="auto", vmin=0)
    for row, values in enumerate(levels):
        for column, value in enumerate(values):
            dark = value > 0.6 * max(max(v) for v in levels)
            axes.text(column, row, str(value), ha="center", va="center", fontsize=FONT_SIZE - 1,
                      color="white" if dark else TEXT_COLOR)  # fmt: skip
    axes.set_yticks(range(len(units)), [textwrap.fill(u, NAME_WIDTH) for u in units])
    axes.set_xticks(range(len(competencies)), [textwrap.fill(k, HEAT_NAME_WIDTH) for k in competencies])
    axes.xaxis.tick_top()
    axes.tick_params(axis="x", labelsize=FONT_SIZE - 3)
    figure.colorbar(image, ax=axes, label=scale_label, shrink=0.8)
    _style(axes, title)
    description = "; ".join(
        f"{u} - {k}: {value}" for u, row in zip(units, levels, strict=True)
        for k, value in zip(competencies, row, strict=True) if value
    )  # fmt: skip
    return _png(figure, title, description)


def needs_chart(needs: Sequence[Need], *, title: str, label: str) -> bytes:
    """Horizontal bars: total gap levels per competency, the largest at the top."""
    shown = list(needs[:MOST_ROWS])
    figure, axes = _figure(len(shown), left=0.36)
    rows = list(range(len(shown) - 1, -1, -1))
    axes.barh(rows, [n.levels for n in shown], color=GAP_COLOR, height=0.6, label=label)
    for y, need in zip(rows, shown, strict=True):
        axes.text(
            need.levels, y, f" {need.levels} ({need.employees} ASN)", va="center", fontsize=FONT_SIZE - 1
        )
    axes.set_yticks(rows, [textwrap.fill(n.competency, NAME_WIDTH) for n in shown])
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=FONT_SIZE - 1)
    _style(axes, title)
    description = "; ".join(f"{n.competency}: {n.levels} level, {n.employees} ASN" for n in shown)
    return _png(figure, title, description)
