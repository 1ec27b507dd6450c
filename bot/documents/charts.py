"""The competency chart: required vs assessed level per competency, as a PNG for a phone.

Built on `matplotlib.figure.Figure` without pyplot, so no global figure state is touched and
charts can be drawn off the event loop (`bot.documents.drawing`). Every text on it comes
from the caller, already translated.

`reference_chart` draws the whole figure with matplotlib each time.  `competency_chart`
gives the same pixels from pieces matplotlib rendered once and that are kept, because in a
burst (an announcement: thousands of ASN send /kompetensi at once) matplotlib's per-text
work — laying out and rasterizing each name, value and legend entry — is most of a chart:

- the geometry is the same for every chart but its height: the names' column is as wide
  for every standard (`LEFT_INCHES`) and a row is a whole number of pixels (`ROW_PX`), so a
  row's pixels are the same on every row of every chart, shifted by whole rows;
- a *frame* per language (title, legend, axes, levels 0–5) is rendered once with a few empty
  rows; the frame of any number of rows is its top, as many rows of empty grid as needed
  (every pixel row of an empty grid is alike), and its bottom;
- a *tile* is what one piece changes on an empty row, rendered once by matplotlib onto the
  frame with the chart's own artists: a competency name (shared by every standard that has
  it), a row's two bars with their values (one tile per pair of levels), a group rule;
- a chart is its frame with its tiles copied in at whole pixel offsets.  Pieces never touch
  each other (bars and values stay in their row, names in their column); a name is copied
  only onto white, so a name long enough to reach another piece is drawn by matplotlib
  instead.  The tests compare both ways pixel for pixel.

The PNG is written here as RGB (the chart is opaque), its pixels deflated by ISA-L (`isal`),
about nine times faster than zlib at its fastest level for a file as small (bench/RESULTS.md):
once the chart is put together from kept pieces, deflating its 2 MB of pixels is most of it.
"""

from __future__ import annotations

import functools
import io
import math
import struct
import textwrap
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast

import numpy as np
import numpy.typing as npt
from isal import isal_zlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from db.competency import CompetencyLine, CompetencyStatus

WIDTH_INCHES = 9.0
DPI = 100  # 900 px wide: sharp on a phone, small over a slow connection
WIDTH_PX = 900
ROW_INCHES = 0.62
ROW_PX = 62  # ROW_INCHES at DPI: whole pixels, so every row is rasterized alike
# Fixed margins rather than matplotlib's constrained layout, which draws every chart twice
# (once to measure it) and more than doubled the time to make one (bench/RESULTS.md). The
# names are wrapped at NAME_WIDTH characters, so the column for them is known in advance.
NAME_CHAR_INCHES = 0.1  # a generous average character width at FONT_SIZE
LABEL_PAD_INCHES = 0.2
NAME_WIDTH = 24  # characters per line of a wrapped competency name
#: The names' column, as wide on every chart (for a full line of NAME_WIDTH characters):
#: charts of every standard then share their horizontal geometry, and so their pieces.
LEFT_INCHES = LABEL_PAD_INCHES + NAME_CHAR_INCHES * NAME_WIDTH
NAME_PAD_POINTS = 3.5  # between a name and the axes (matplotlib's y tick label pad)
RIGHT_INCHES = 0.3
#: Below the axes: the levels.  With the axes' Y_PAD_ROWS above and below the rows, a whole
#: number of pixels (44.6 + 2 × 6.2), so the figure is too.
BOTTOM_INCHES = 0.446
Y_PAD_ROWS = 0.1  # of a row, between the axes' edge and the outer rows' band
TOP_INCHES = 0.55  # the legend; plus TITLE_LINE_INCHES per line of the title
TITLE_LINE_INCHES = 0.3
TITLE_WIDTH = 60
MAX_LEVEL = 5
FONT_SIZE = 12

REQUIRED_COLOR = "#9aa5b1"
MET_COLOR = "#2e9e5b"
GAP_COLOR = "#d64545"
TEXT_COLOR = "#1f2933"
BAR_HEIGHT = 0.36
#: ISA-L's level for the PNG's pixels (0–3): 1 takes 0.4 ms for a chart of eleven rows where
#: zlib's level 1 takes 3.8, and the file stays well under 100 KB (flat colours on white).
PNG_COMPRESS_LEVEL = 1
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Bytes of pixels the kept frames and tiles may hold, the least recently used dropped
#: first.  A frame holds about 3 MB (its pixels, its figure's canvas and the copy restored
#: before each tile), a name 10–60 KB, a pair of levels up to 110 KB; all of one language
#: and the 45 sample standards come to about 6 MB.  The bot itself is ~150 MB and must stay
#: under 300 MB under load (bench/RESULTS.md, memory.peak_rss_mb).
KEPT_BYTES = 24 * 2**20
#: Empty rows of a frame as rendered: row 0 takes the tiles; the rule below it, the rules.
PROBE_ROWS = 2

Pixels = npt.NDArray[np.uint8]
#: The chart's texts: title, required label, assessed label.
Texts = tuple[str, str, str]
Piece = TypeVar("Piece", "_Frame", "_Tile")


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
    """The chart as a PNG, put together from the kept frame and tiles of its texts and rows;
    its Description text lists what it plots (name required/assessed), for screen readers and
    for checking what an ASN was shown."""
    lines = _plotted(status)
    texts = (title, required_label, assessed_label)
    scanlines = _CHARTS.compose(texts, lines)
    if scanlines is None:
        figure = competency_figure(
            status, title=title, required_label=required_label, assessed_label=assessed_label
        )
        scanlines = _scanlines(_rendered(figure))
    return _png(scanlines, {"Title": title, "Description": _description(lines)})


def _scanlines(pixels: Pixels) -> Pixels:
    """RGB `pixels` as PNG scanlines: each row the filter byte 0, then the row."""
    height, width, _ = pixels.shape
    scanlines = np.empty((height, 1 + 3 * width), np.uint8)
    scanlines[:, 0] = 0
    scanlines[:, 1:] = pixels.reshape(height, 3 * width)
    return scanlines


def _png(scanlines: Pixels, texts: dict[str, str]) -> bytes:
    """A PNG of RGB `scanlines` (`_scanlines`), with these texts (tEXt, or iTXt when a text is
    not Latin-1, as Pillow and matplotlib write them).  No per-row filter search: on a chart
    of flat colours it costs more than it saves."""
    height, row = scanlines.shape
    chunks = [(b"IHDR", struct.pack(">IIBBBBB", (row - 1) // 3, height, 8, 2, 0, 0, 0))]
    for key, value in texts.items():
        try:
            chunks.append((b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")))
        except UnicodeEncodeError:
            chunks.append((b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + value.encode()))
    chunks += [(b"IDAT", isal_zlib.compress(scanlines.data, PNG_COMPRESS_LEVEL)), (b"IEND", b"")]
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
            if artist in shown:
                artist.set_visible(True)
            else:
                artist.remove()
    return figure


class _Canvas(Protocol):
    """What is used of `FigureCanvasAgg` (whose methods matplotlib leaves untyped)."""

    def draw(self) -> None: ...
    def copy_from_bbox(self, bbox: object) -> object: ...
    def restore_region(self, region: object) -> None: ...
    def buffer_rgba(self) -> memoryview: ...


def _rendered(figure: Figure) -> Pixels:
    """The figure drawn by its Agg canvas, as RGB pixels (a copy)."""
    canvas = cast(_Canvas, figure.canvas)
    canvas.draw()
    return _rgb(canvas)


def _rgb(canvas: _Canvas) -> Pixels:
    """The canvas's pixels as RGB (a copy: the canvas is drawn on again)."""
    rgba: Pixels = np.asarray(canvas.buffer_rgba())
    return rgba[:, :, :3].copy()


def _heading(title: str) -> str:
    return textwrap.fill(title, TITLE_WIDTH)


def _top_px(heading: str) -> int:
    """Pixels above the axes: the legend and the title's lines."""
    return round(DPI * (TOP_INCHES + TITLE_LINE_INCHES * (heading.count("\n") + 1)))


def _height_px(heading: str, rows: int) -> int:
    return _top_px(heading) + round(DPI * BOTTOM_INCHES + ROW_PX * (max(rows, 1) + 2 * Y_PAD_ROWS))


def _static(
    title: str, required_label: str, assessed_label: str, rows: Sequence[tuple[str, str]]
) -> tuple[Figure, Axes]:
    """The figure without its bars: sized for these rows, names, rules, levels, legend, title."""
    heading = _heading(title)
    figure, axes = _canvas(heading, len(rows))
    _style(axes, [group for _, group in rows], heading)
    for i, (name, _) in enumerate(rows):
        _name(axes, len(rows) - 1 - i, textwrap.fill(name, NAME_WIDTH))
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
        handletextpad=0.5,
        columnspacing=1.0,
        borderaxespad=0.2,
    )
    return figure, axes


def _canvas(heading: str, rows: int) -> tuple[Figure, Axes]:
    """A figure sized for this many rows and this long a title, with fixed margins (drawn once,
    unlike a constrained layout).  Its height is a whole number of pixels: matplotlib truncates
    the height it computes, and 5.02 × 100 is a hair under 502."""
    pixels = _height_px(heading, rows)
    height = pixels / DPI
    while height * DPI < pixels:
        height = math.nextafter(height, math.inf)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(
        left=LEFT_INCHES / WIDTH_INCHES,
        right=1 - RIGHT_INCHES / WIDTH_INCHES,
        bottom=BOTTOM_INCHES / height,
        top=1 - _top_px(heading) / DPI / height,
    )
    return figure, figure.add_subplot()


def _style(axes: Axes, groups: list[str], heading: str) -> None:
    """Levels 0–5 below, rules between the competency groups, the title."""
    rows = max(len(groups), 1)
    # A thin rule between the groups (teknis / manajerial / sosial kultural).
    for i in range(1, len(groups)):
        if groups[i] != groups[i - 1]:
            _rule(axes, rows - i - 0.5)
    axes.set_yticks([])
    axes.set_ylim(-0.5 - Y_PAD_ROWS, rows - 0.5 + Y_PAD_ROWS)
    axes.set_xlim(0, MAX_LEVEL + 0.5)
    axes.set_xticks(range(MAX_LEVEL + 1))
    axes.tick_params(labelsize=FONT_SIZE, colors=TEXT_COLOR, length=0)
    axes.grid(axis="x", color="#e4e7eb", linewidth=1)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.set_title(heading, fontsize=FONT_SIZE + 3, color=TEXT_COLOR, loc="left", pad=36)


def _rule(axes: Axes, y: float) -> Artist:
    return axes.axhline(y, color="#cbd2d9", linewidth=1)


def _name(axes: Axes, y: float, name: str) -> Text:
    """A competency name left of its row, placed as matplotlib places a y tick label (a plain
    text: the tick machinery costs more and does nothing more here)."""
    transform, va, ha = axes.get_yaxis_text1_transform(NAME_PAD_POINTS)
    return axes.text(0, y, name, transform=transform, va=va, ha=ha, fontsize=FONT_SIZE, color=TEXT_COLOR)


class _Bars:
    """Per row a required bar and an assessed bar, each with its value beside it, hidden;
    `show` sets them to one ASN's levels and returns the artists to draw (a bar of level 0 is
    not drawn)."""

    def __init__(self, axes: Axes, rows: int, *, animated: bool) -> None:
        self.rows: list[tuple[Rectangle, Text, Rectangle, Text]] = []
        top = max(rows, 1) - 1  # first competency at the top: row i is drawn at y = top - i
        for i in range(rows):
            y = top - i
            # what `barh` draws, without its per-call bookkeeping
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
        """Set the first rows' bars to these levels (one line per row); the artists to draw."""
        visible: list[Rectangle | Text] = []
        for (required_bar, required_text, assessed_bar, assessed_text), line in zip(
            self.rows, lines, strict=False
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
        return visible


@dataclass(frozen=True, slots=True)
class _Tile:
    """The pixels one piece changes on an empty row 0, `top` rows below the axes' top edge
    and `left` columns from the left; `blank`: drawn over white only (a name), so copied
    only where the chart is still white."""

    pixels: Pixels
    top: int
    left: int
    blank: bool

    @property
    def size(self) -> int:
        return self.pixels.nbytes

    def paste(self, pixels: Pixels, top: int) -> bool:
        """Copy the tile in, `top` rows lower than on row 0; False when it would cover
        something (a blank tile onto anything but white), leaving `pixels` as they were."""
        height, width, _ = self.pixels.shape
        region = pixels[top + self.top : top + self.top + height, self.left : self.left + width]
        if self.blank and not np.all(region == 255):
            return False
        region[...] = self.pixels
        return True


class _Frame:
    """One language's chart with PROBE_ROWS empty rows, rendered once: the frame of any
    number of rows (`scanlines`), and tiles rendered by drawing one piece onto it at a time
    with the chart's own artists (animated: left out of the frame's own drawing)."""

    def __init__(self, texts: Texts) -> None:
        title, required_label, assessed_label = texts
        heading = _heading(title)
        self.figure, axes = _static(title, required_label, assessed_label, [("", "")] * PROBE_ROWS)
        row = PROBE_ROWS - 1  # y of row 0
        self.name = _name(axes, row, "")
        self.rule = _rule(axes, row - 0.5)
        self.bars = _Bars(axes, PROBE_ROWS, animated=True)
        for artist in (self.name, self.rule):
            artist.set_animated(True)
        canvas = self.canvas
        canvas.draw()
        self.empty = canvas.copy_from_bbox(self.figure.bbox)
        self.pixels = _rgb(canvas)
        self.words = self._words().copy()  # one word a pixel: a cheap comparison
        self.top = _top_px(heading)
        # Rows alike from the top of the grid to its bottom: the part of the frame repeated.
        grid = np.all(self.pixels == self.pixels[self.top + ROW_PX // 2], axis=(1, 2))
        alike = np.flatnonzero(grid)
        self.head, self.foot = int(alike[0]), int(alike[-1]) + 1
        if not grid[self.head : self.foot].all() or self.foot - self.head <= ROW_PX * (PROBE_ROWS - 1):
            raise RuntimeError("the chart's empty grid is not alike from row to row")

    @property
    def canvas(self) -> _Canvas:
        return cast(_Canvas, self.figure.canvas)

    @property
    def size(self) -> int:
        """Bytes it holds: its RGB copy, two RGBA copies and its canvas's RGBA buffer."""
        return self.pixels.nbytes // 3 * (3 + 4 + 4 + 4)

    def _words(self) -> npt.NDArray[np.uint32]:
        """The canvas's RGBA pixels, each seen as one 32-bit word (not a copy)."""
        height, width, _ = self.pixels.shape
        return np.frombuffer(self.canvas.buffer_rgba(), np.uint32).reshape(height, width)

    def scanlines(self, rows: int) -> Pixels:
        """PNG scanlines of the frame for this many rows, and a view of their pixels."""
        frame = self.pixels
        height = len(frame) + ROW_PX * (max(rows, 1) - PROBE_ROWS)
        foot = height - (len(frame) - self.foot)
        scanlines = np.empty((height, 1 + 3 * WIDTH_PX), np.uint8)
        scanlines[:, 0] = 0
        pixels = scanlines[:, 1:].reshape(height, WIDTH_PX, 3)
        pixels[: self.head] = frame[: self.head]
        pixels[self.head : foot] = frame[self.head]
        pixels[foot:] = frame[self.foot :]
        return scanlines

    def tile(self, artists: Sequence[Artist], *, blank: bool) -> _Tile:
        """What drawing these artists changes on the empty frame, as a tile."""
        canvas = self.canvas
        canvas.restore_region(self.empty)
        for artist in artists:
            artist.set_visible(True)
            self.figure.draw_artist(artist)
            artist.set_visible(False)
        changed = self._words() != self.words
        rows, columns = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        if not rows.size:
            return _Tile(self.pixels[:0, :0], 0, 0, blank)
        top, left = int(rows[0]), int(columns[0])
        rgba: Pixels = np.asarray(canvas.buffer_rgba())
        pixels = rgba[top : rows[-1] + 1, left : columns[-1] + 1, :3].copy()
        return _Tile(pixels, top - self.top, left, blank)

    def name_tile(self, name: str) -> _Tile:
        self.name.set_text(textwrap.fill(name, NAME_WIDTH))
        return self.tile([self.name], blank=True)

    def levels_tile(self, line: CompetencyLine) -> _Tile:
        return self.tile(self.bars.show([line]), blank=False)

    def rule_tile(self) -> _Tile:
        return self.tile([self.rule], blank=False)


class _Kept:
    """Frames and tiles by key, the least recently used dropped once they hold more than
    KEPT_BYTES (the one just made is always kept)."""

    def __init__(self) -> None:
        self.entries: OrderedDict[Hashable, _Frame | _Tile] = OrderedDict()
        self.bytes = 0

    def get(self, key: Hashable, make: Callable[[], Piece]) -> Piece:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            return cast(Piece, entry)
        made = make()
        self.entries[key] = made
        self.bytes += made.size
        while self.bytes > KEPT_BYTES and len(self.entries) > 1:
            _, dropped = self.entries.popitem(last=False)
            self.bytes -= dropped.size
        return made


class _Charts:
    """Charts put together from the kept frames and tiles; one chart at a time (matplotlib's
    artists of a frame are set and drawn to make a tile), the PNG encoded outside the lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kept = _Kept()

    def compose(self, texts: Texts, lines: Sequence[CompetencyLine]) -> Pixels | None:
        """The chart's scanlines, or None when a name would cover another piece."""
        with self.lock:
            frame = self.kept.get(("frame", texts), functools.partial(_Frame, texts))
            scanlines = frame.scanlines(len(lines))
            pixels = scanlines[:, 1:].reshape(len(scanlines), WIDTH_PX, 3)
            for i, line in enumerate(lines):
                name = self.kept.get(("name", line.name), functools.partial(frame.name_tile, line.name))
                if not name.paste(pixels, frame.top + ROW_PX * i):
                    return None
                if i and line.group != lines[i - 1].group:
                    rule = self.kept.get(("rule",), frame.rule_tile)
                    rule.paste(pixels, frame.top + ROW_PX * (i - 1))
                key = ("levels", line.required, line.assessed)
                levels = self.kept.get(key, functools.partial(frame.levels_tile, line))
                levels.paste(pixels, frame.top + ROW_PX * i)
            return scanlines

    def clear(self) -> None:
        with self.lock:
            self.kept = _Kept()


_CHARTS = _Charts()


def kept() -> tuple[int, int]:
    """How many frames and tiles this process keeps, and their bytes."""
    with _CHARTS.lock:
        return len(_CHARTS.kept.entries), _CHARTS.kept.bytes


def clear_kept() -> None:
    """Forget the kept frames and tiles (the next chart renders its own again)."""
    _CHARTS.clear()
