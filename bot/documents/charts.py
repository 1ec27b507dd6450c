"""The competency chart: required vs assessed level per competency, as a PNG for a phone.

Built on `matplotlib.figure.Figure` without pyplot, so no global figure state is touched and
charts can be drawn off the event loop (`bot.documents.drawing`). Every text on it comes
from the caller, already translated.

Drawn by redrawing only what changes (matplotlib's blitting): everything but the bars and
their values — axes, competency names, rules, legend, title — depends only on the standard
and the language, so it is rendered once per `Background` key and kept (a bounded cache);
an ASN's chart restores that background and draws only their bars onto it
(`copy_from_bbox` / `restore_region` / `draw_artist` on the Agg canvas), then encodes the
pixels with Pillow at a low compression level.  `reference_chart` draws the same picture
the straightforward way (the whole figure each time): the tests compare the two pixel for
pixel and the bench times one against the other.
"""

from __future__ import annotations

import io
import struct
import textwrap
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, cast

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

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
#: zlib level of the PNG: 1 is several times faster than matplotlib's default and the file
#: stays well under 100 KB (a chart is flat colours on white).
PNG_COMPRESS_LEVEL = 1
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Bytes of pixels the kept backgrounds may hold, the least recently used dropped first.  One
#: holds twice its pixels × 4 bytes (the kept copy and the canvas drawn on): 5.8 MB, about
#: 6.8 MB of RSS with its figure, for a standard of eleven competencies, so about eleven of
#: those.  The bot itself is ~150 MB; with 80 MB here it peaked at 290–300 MB in the bench's
#: update load (bench/RESULTS.md, goal memory.peak_rss_mb ≤ 300).
BACKGROUND_BYTES = 64 * 2**20

#: Everything a background depends on: the three texts, then (name, group) per plotted row.
BackgroundKey = tuple[tuple[str, str, str], tuple[tuple[str, str], ...]]


def _plotted(status: CompetencyStatus) -> list[CompetencyLine]:
    """The standard's competencies; without a standard, whatever was assessed."""
    in_standard = [line for line in status.lines if line.in_standard]
    return in_standard or [line for line in status.lines if line.assessed is not None]


def chart_key(status: CompetencyStatus) -> tuple[tuple[str, str, int | None, int | None], ...]:
    """Everything of `status` the chart draws: two statuses with equal keys give equal charts
    (with the same texts), so a chart can be sent again instead of drawn again."""
    return tuple((line.name, line.group.value, line.required, line.assessed) for line in _plotted(status))


def _description(lines: Sequence[CompetencyLine]) -> str:
    """What the chart plots, as `name required/assessed; …` (the PNG's Description)."""
    return "; ".join(
        f"{line.name} {line.required if line.required is not None else '–'}/"
        f"{line.assessed if line.assessed is not None else '–'}"
        for line in lines
    )


def competency_chart(
    status: CompetencyStatus, *, title: str, required_label: str, assessed_label: str
) -> bytes:
    """The chart as a PNG, drawn onto the cached background of its standard and texts; its
    Description text lists what it plots (name required/assessed), for screen readers and for
    checking what an ASN was shown."""
    lines = _plotted(status)
    key: BackgroundKey = (
        (title, required_label, assessed_label),
        tuple((line.name, line.group.value) for line in lines),
    )
    scanlines = _BACKGROUNDS.get(key).draw(lines)
    return _png(scanlines, {"Title": title, "Description": _description(lines)})


def _png(scanlines: npt.NDArray[np.uint8], texts: dict[str, str]) -> bytes:
    """A PNG of RGBA `scanlines` (each row: filter byte 0, then the pixels), with these texts
    (tEXt, or iTXt when a text is not Latin-1, as Pillow and matplotlib write them).  No
    per-row filter search: on a chart of flat colours it costs more than it saves."""
    height, row = scanlines.shape
    chunks = [(b"IHDR", struct.pack(">IIBBBBB", (row - 1) // 4, height, 8, 6, 0, 0, 0))]
    for key, value in texts.items():
        try:
            chunks.append((b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")))
        except UnicodeEncodeError:
            chunks.append((b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + value.encode()))
    chunks += [(b"IDAT", zlib.compress(scanlines.tobytes(), PNG_COMPRESS_LEVEL)), (b"IEND", b"")]
    return PNG_SIGNATURE + b"".join(
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        for kind, body in chunks
    )


def reference_chart(
    status: CompetencyStatus, *, title: str, required_label: str, assessed_label: str
) -> bytes:
    """The same chart drawn the straightforward way: the whole figure, then matplotlib's own
    PNG writer at its default compression (what `competency_chart` is measured against)."""
    figure = competency_figure(
        status, title=title, required_label=required_label, assessed_label=assessed_label
    )
    buffer = io.BytesIO()
    metadata = {"Software": None, "Title": title, "Description": _description(_plotted(status))}
    figure.savefig(buffer, format="png", metadata=metadata)
    return buffer.getvalue()


def competency_figure(
    status: CompetencyStatus, *, title: str, required_label: str, assessed_label: str
) -> Figure:
    """Horizontal grouped bars, one pair per competency: required (grey) and assessed (green
    when it meets the standard, red when below). Levels 0–5; 900 px wide."""
    lines = _plotted(status)
    figure, axes = _static(
        title, required_label, assessed_label, [(line.name, line.group.value) for line in lines]
    )
    bars = _Bars(axes, len(lines), animated=False)
    shown = bars.show(lines)
    for row in bars.rows:
        for artist in row:
            if artist not in shown:
                artist.remove()
    return figure


def _static(
    title: str, required_label: str, assessed_label: str, rows: Sequence[tuple[str, str]]
) -> tuple[Figure, Axes]:
    """The figure without its bars: sized for these rows, names, rules, levels, legend, title."""
    heading = textwrap.fill(title, TITLE_WIDTH)
    names = [textwrap.fill(name, NAME_WIDTH) for name, _ in rows]
    figure, axes = _canvas(heading, names)
    _style(axes, [group for _, group in rows], names, heading)
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
    return figure, axes


def _canvas(heading: str, names: list[str]) -> tuple[Figure, Axes]:
    """A figure sized for this many rows and this long a title, with fixed margins (drawn once,
    unlike a constrained layout) wide enough for the longest competency name."""
    rows = max(len(names), 1)
    top = TOP_INCHES + TITLE_LINE_INCHES * (heading.count("\n") + 1)
    height = top + BOTTOM_INCHES + ROW_INCHES * rows
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    longest = max((len(part) for name in names for part in name.splitlines()), default=0)
    figure.subplots_adjust(
        left=(LABEL_PAD_INCHES + NAME_CHAR_INCHES * longest) / WIDTH_INCHES,
        right=1 - RIGHT_INCHES / WIDTH_INCHES,
        bottom=BOTTOM_INCHES / height,
        top=1 - top / height,
    )
    return figure, figure.add_subplot()


def _style(axes: Axes, groups: list[str], names: list[str], heading: str) -> None:
    """Names on the left, levels 0–5 below, rules between the competency groups, the title."""
    rows = max(len(names), 1)
    # A thin rule between the groups (teknis / manajerial / sosial kultural).
    for i in range(1, len(groups)):
        if groups[i] != groups[i - 1]:
            axes.axhline(rows - i - 0.5, color="#cbd2d9", linewidth=1)
    axes.set_yticks([rows - 1 - i for i in range(len(names))], names)
    axes.set_ylim(-0.6, rows - 0.4)
    axes.set_xlim(0, MAX_LEVEL + 0.5)
    axes.set_xticks(range(MAX_LEVEL + 1))
    axes.tick_params(labelsize=FONT_SIZE, colors=TEXT_COLOR, length=0)
    axes.grid(axis="x", color="#e4e7eb", linewidth=1)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.set_title(heading, fontsize=FONT_SIZE + 3, color=TEXT_COLOR, loc="left", pad=36)


class _Bars:
    """Per row a required bar and an assessed bar, each with its value beside it; `show` sets
    them to one ASN's levels and returns the artists to draw (a bar of level 0 is not drawn)."""

    def __init__(self, axes: Axes, rows: int, *, animated: bool) -> None:
        self.rows: list[tuple[Rectangle, Text, Rectangle, Text]] = []
        top = max(rows, 1) - 1  # first competency at the top: row i is drawn at y = top - i
        for i in range(rows):
            y = top - i
            # what `barh` draws, without its per-call bookkeeping (a third of a background's time)
            required = Rectangle((0, y), 1, BAR_HEIGHT, facecolor=REQUIRED_COLOR)
            assessed = Rectangle((0, y - BAR_HEIGHT), 1, BAR_HEIGHT, facecolor=MET_COLOR)
            axes.add_patch(required)
            axes.add_patch(assessed)
            texts = [
                axes.text(0, y + offset, "", va="center", fontsize=FONT_SIZE - 1, color=TEXT_COLOR)
                for offset in (BAR_HEIGHT / 2, -BAR_HEIGHT / 2)
            ]
            for artist in (required, assessed, *texts):
                artist.set_animated(animated)
                artist.set_visible(False)
            self.rows.append((required, texts[0], assessed, texts[1]))

    def show(self, lines: Sequence[CompetencyLine]) -> list[Rectangle | Text]:
        """Set the bars to these levels (one line per row); the artists now visible."""
        visible: list[Rectangle | Text] = []
        for (required_bar, required_text, assessed_bar, assessed_text), line in zip(
            self.rows, lines, strict=True
        ):
            below = line.required is not None and (line.assessed or 0) < line.required
            if line.required is not None:
                required_bar.set_width(line.required)
                required_text.set_x(line.required + 0.08)
                required_text.set_text(str(line.required))
                visible += [required_bar, required_text]
            assessed = line.assessed or 0
            assessed_bar.set_width(assessed)
            assessed_bar.set_facecolor(GAP_COLOR if below else MET_COLOR)
            assessed_text.set_x(assessed + 0.08)
            assessed_text.set_text(str(line.assessed) if line.assessed is not None else "–")
            assessed_text.set_color(GAP_COLOR if below else TEXT_COLOR)
            assessed_text.set_fontweight("bold" if below else "normal")
            visible += [assessed_bar, assessed_text] if assessed else [assessed_text]
        for row in self.rows:
            for artist in row:
                artist.set_visible(artist in visible)
        return visible


class _Blitting(Protocol):
    """What the blitting uses of `FigureCanvasAgg` (whose methods matplotlib leaves untyped)."""

    def draw(self) -> None: ...
    def copy_from_bbox(self, bbox: object) -> object: ...
    def restore_region(self, region: object) -> None: ...
    def buffer_rgba(self) -> memoryview: ...
    def get_width_height(self) -> tuple[int, int]: ...


@dataclass(eq=False, slots=True)
class Background:
    """One standard's chart without bars, rendered once: its figure, the bars ready to be set
    (animated, so the full draw leaves them out) and the rendered pixels to restore."""

    figure: Figure
    bars: _Bars
    lock: threading.Lock

    @classmethod
    def render(cls, key: BackgroundKey) -> tuple[Background, object]:
        """Draw the static part of the chart for `key` once; the background and its pixels."""
        (title, required_label, assessed_label), rows = key
        figure, axes = _static(title, required_label, assessed_label, rows)
        background = cls(figure, _Bars(axes, len(rows), animated=True), threading.Lock())
        canvas = background.canvas
        canvas.draw()
        return background, canvas.copy_from_bbox(figure.bbox)

    @property
    def size(self) -> int:
        """Bytes of pixels it holds: the kept copy and the canvas, 4 bytes a pixel each."""
        width, height = self.canvas.get_width_height()
        return 2 * 4 * width * height

    @property
    def canvas(self) -> _Blitting:
        """The figure's Agg canvas, typed for what blitting uses of it."""
        return cast(_Blitting, self.figure.canvas)

    def draw(self, lines: Sequence[CompetencyLine], pixels: object) -> npt.NDArray[np.uint8]:
        """Restore the background and draw these bars onto it: the picture as PNG scanlines
        (each row: filter byte 0, then RGBA), copied out so the lock is held only this long."""
        with self.lock:
            canvas = self.canvas
            canvas.restore_region(pixels)
            for artist in self.bars.show(lines):
                self.figure.draw_artist(artist)
            width, height = canvas.get_width_height()
            scanlines = np.empty((height, 1 + 4 * width), np.uint8)
            scanlines[:, 0] = 0
            scanlines[:, 1:] = np.frombuffer(canvas.buffer_rgba(), np.uint8).reshape(height, 4 * width)
            return scanlines


class _Backgrounds:
    """The backgrounds drawn so far, the least recently used dropped once they hold more than
    BACKGROUND_BYTES (the last one is always kept); safe to use from several threads (each
    background draws under its own lock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[BackgroundKey, tuple[Background, object]] = OrderedDict()
        self._bytes = 0

    def get(self, key: BackgroundKey) -> _Drawable:
        """The background of `key`, rendered now if it is not kept."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is None:
            entry = Background.render(key)
            with self._lock:
                if key not in self._entries:
                    self._bytes += entry[0].size
                self._entries[key] = entry
                while self._bytes > BACKGROUND_BYTES and len(self._entries) > 1:
                    _, (dropped, _) = self._entries.popitem(last=False)
                    self._bytes -= dropped.size
        return _Drawable(*entry)

    def clear(self) -> None:
        """Forget every background."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True, slots=True)
class _Drawable:
    background: Background
    pixels: object

    def draw(self, lines: Sequence[CompetencyLine]) -> npt.NDArray[np.uint8]:
        return self.background.draw(lines, self.pixels)


_BACKGROUNDS = _Backgrounds()


def kept_backgrounds() -> int:
    """How many backgrounds this process keeps."""
    return len(_BACKGROUNDS)


def clear_backgrounds() -> None:
    """Forget the kept backgrounds (the next chart of each standard renders its own again)."""
    _BACKGROUNDS.clear()
