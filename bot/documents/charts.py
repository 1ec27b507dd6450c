"""The competency chart: required vs assessed level per competency, as a PNG for a phone.

Built on `matplotlib.figure.Figure` without pyplot, so no global figure state is touched
and charts can be drawn in worker threads (`asyncio.to_thread`) — drawing takes a
noticeable fraction of a second and must not block the event loop. Every text on it
comes from the caller, already translated.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from db.competency import CompetencyLine, CompetencyStatus

WIDTH_INCHES = 9.0
DPI = 100  # 900 px wide: sharp on a phone, small over a slow connection
ROW_INCHES = 0.62
# Fixed margins rather than matplotlib's constrained layout, which draws every chart twice
# (once to measure it) and more than doubled the time to make one (bench/RESULTS.md). The
# names are wrapped at NAME_WIDTH characters, so their width is known well enough in advance.
NAME_CHAR_INCHES = 0.1  # a generous average character width at FONT_SIZE
LABEL_PAD_INCHES = 0.2
RIGHT_INCHES = 0.3
BOTTOM_INCHES = 0.45
TOP_INCHES = 0.55  # the legend; plus TITLE_LINE_INCHES per line of the title
TITLE_LINE_INCHES = 0.3
TITLE_WIDTH = 60
MAX_LEVEL = 5
FONT_SIZE = 12
NAME_WIDTH = 24  # characters per line of a wrapped competency name

REQUIRED_COLOR = "#9aa5b1"
MET_COLOR = "#2e9e5b"
GAP_COLOR = "#d64545"
TEXT_COLOR = "#1f2933"
BAR_HEIGHT = 0.36


def _plotted(status: CompetencyStatus) -> list[CompetencyLine]:
    """The standard's competencies; without a standard, whatever was assessed."""
    in_standard = [line for line in status.lines if line.in_standard]
    return in_standard or [line for line in status.lines if line.assessed is not None]


def chart_key(status: CompetencyStatus) -> tuple[tuple[str, str, int | None, int | None], ...]:
    """Everything of `status` the chart draws: two statuses with equal keys give equal charts
    (with the same texts), so a chart can be sent again instead of drawn again."""
    return tuple((line.name, line.group.value, line.required, line.assessed) for line in _plotted(status))


def competency_chart(
    status: CompetencyStatus, *, title: str, required_label: str, assessed_label: str
) -> bytes:
    """The chart as a PNG; its Description text lists what it plots (name required/assessed),
    for screen readers and for checking what an ASN was shown."""
    figure = competency_figure(
        status, title=title, required_label=required_label, assessed_label=assessed_label
    )
    description = "; ".join(
        f"{line.name} {line.required if line.required is not None else '–'}/"
        f"{line.assessed if line.assessed is not None else '–'}"
        for line in _plotted(status)
    )
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", metadata={"Software": None, "Title": title, "Description": description}
    )
    return buffer.getvalue()


def competency_figure(
    status: CompetencyStatus, *, title: str, required_label: str, assessed_label: str
) -> Figure:
    """Horizontal grouped bars, one pair per competency: required (grey) and assessed (green
    when it meets the standard, red when below). Levels 0–5; 900 px wide."""
    lines = _plotted(status)
    heading = textwrap.fill(title, TITLE_WIDTH)
    names = [textwrap.fill(line.name, NAME_WIDTH) for line in lines]
    figure, axes = _canvas(heading, names)
    _draw_bars(axes, lines)
    _style(axes, lines, names, heading)
    axes.legend(
        handles=[
            Patch(color=REQUIRED_COLOR, label=required_label),
            Patch(color=MET_COLOR, label=assessed_label),
            Patch(color=GAP_COLOR, label=f"{assessed_label} < {required_label}"),
        ],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=3,
        frameon=False,
        fontsize=FONT_SIZE - 1,
        handlelength=1.2,
        borderaxespad=0.2,
    )
    return figure


def _canvas(heading: str, names: list[str]) -> tuple[Figure, Axes]:
    """A figure sized for this many rows and this long a title, with fixed margins (drawn once,
    unlike a constrained layout) wide enough for the longest competency name."""
    rows = max(len(names), 1)
    top = TOP_INCHES + TITLE_LINE_INCHES * (heading.count("\n") + 1)
    height = top + BOTTOM_INCHES + ROW_INCHES * rows
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    longest = max((len(part) for name in names for part in name.splitlines()), default=0)
    figure.subplots_adjust(
        left=(LABEL_PAD_INCHES + NAME_CHAR_INCHES * longest) / WIDTH_INCHES,
        right=1 - RIGHT_INCHES / WIDTH_INCHES,
        bottom=BOTTOM_INCHES / height,
        top=1 - top / height,
    )
    return figure, figure.add_subplot()


def _draw_bars(axes: Axes, lines: list[CompetencyLine]) -> None:
    """The required and assessed bar of each competency, each with its value beside it."""
    rows = max(len(lines), 1)
    # First competency at the top: row i is drawn at y = rows - 1 - i.
    for i, line in enumerate(lines):
        y = rows - 1 - i
        below = line.required is not None and (line.assessed or 0) < line.required
        if line.required is not None:
            axes.barh(y + BAR_HEIGHT / 2, line.required, height=BAR_HEIGHT, color=REQUIRED_COLOR)
            axes.text(
                line.required + 0.08,
                y + BAR_HEIGHT / 2,
                str(line.required),
                va="center",
                fontsize=FONT_SIZE - 1,
                color=TEXT_COLOR,
            )
        color = GAP_COLOR if below else MET_COLOR
        assessed = line.assessed or 0
        if assessed:
            axes.barh(y - BAR_HEIGHT / 2, assessed, height=BAR_HEIGHT, color=color)
        axes.text(
            assessed + 0.08,
            y - BAR_HEIGHT / 2,
            str(line.assessed) if line.assessed is not None else "–",
            va="center",
            fontsize=FONT_SIZE - 1,
            color=GAP_COLOR if below else TEXT_COLOR,
            fontweight="bold" if below else "normal",
        )


def _style(axes: Axes, lines: list[CompetencyLine], names: list[str], heading: str) -> None:
    """Names on the left, levels 0–5 below, rules between the competency groups, the title."""
    rows = max(len(lines), 1)
    # A thin rule between the groups (teknis / manajerial / sosial kultural).
    for i in range(1, len(lines)):
        if lines[i].group is not lines[i - 1].group:
            axes.axhline(rows - i - 0.5, color="#cbd2d9", linewidth=1)
    axes.set_yticks([rows - 1 - i for i in range(len(lines))], names)
    axes.set_ylim(-0.6, rows - 0.4)
    axes.set_xlim(0, MAX_LEVEL + 0.5)
    axes.set_xticks(range(MAX_LEVEL + 1))
    axes.tick_params(labelsize=FONT_SIZE, colors=TEXT_COLOR, length=0)
    axes.grid(axis="x", color="#e4e7eb", linewidth=1)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.set_title(heading, fontsize=FONT_SIZE + 3, color=TEXT_COLOR, loc="left", pad=36)
