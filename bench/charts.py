"""Charts: the competency chart put together from its kept pieces, against the full redraw.

`draws` ASN on one standard of eleven competencies (the regulation's manajerial and sosial
kultural ones plus two technical), their levels at random with a fixed seed, each drawn both
ways in this process, taking turns: `chart.ms` is the median time of `bot.documents.charts.competency_chart`
(its pieces already kept: the first chart of a standard renders those it lacks),
`chart.reference_ms` the median of `reference_chart` — the straightforward drawing of the
whole figure with matplotlib's own PNG writer — and `chart.speedup` their ratio.

`chart.new_standard_ms` (info): the first chart of each of `standards` other standards (the
sample positions' technical competencies with the same manajerial and sosial kultural ones),
drawn one after another as a burst over many positions draws them, so pieces the standards
share count as they do in the bot: the median.  `chart.first_ms` is the very first chart of
the process, with nothing kept.

Then a burst of `burst` charts through each kind of `ChartPool` the bot can run (one thread,
two threads, one worker process), already started: charts per second, info figures for the
choice `bot.documents.drawing` makes.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.documents import charts
from bot.documents.drawing import ChartPool, Kind
from db.competency import CompetencyLine, CompetencyStatus
from db.models import CompetencyGroup
from db.seed import POSITIONS

TEKNIS, MANAJERIAL, SOSIAL = (
    CompetencyGroup.TEKNIS,
    CompetencyGroup.MANAJERIAL,
    CompetencyGroup.SOSIAL_KULTURAL,
)
STANDARD = (
    ("Penyusunan Rekomendasi Kebijakan Publik Daerah", TEKNIS, 3),
    ("Analisis Data dan Informasi Kepegawaian", TEKNIS, 3),
    ("Integritas", MANAJERIAL, 3),
    ("Kerja Sama", MANAJERIAL, 3),
    ("Komunikasi", MANAJERIAL, 3),
    ("Orientasi pada Hasil", MANAJERIAL, 3),
    ("Pelayanan Publik", MANAJERIAL, 3),
    ("Pengembangan Diri dan Orang Lain", MANAJERIAL, 3),
    ("Mengelola Perubahan", MANAJERIAL, 3),
    ("Pengambilan Keputusan", MANAJERIAL, 3),
    ("Perekat Bangsa", SOSIAL, 3),
)
TEXTS = {
    "title": "Kompetensi — Analis Kebijakan Ahli Muda",
    "required_label": "Standar",
    "assessed_label": "Hasil penilaian",
}
POOLS: tuple[tuple[str, Kind, int], ...] = (
    ("threads1", "threads", 1),
    ("threads2", "threads", 2),
    ("processes1", "processes", 1),
)


@dataclass(frozen=True, slots=True)
class Sizes:
    """How many charts each way, and how many in a burst through a pool."""

    draws: int
    burst: int
    standards: int = 12


def status(
    rng: random.Random, standard: tuple[tuple[str, CompetencyGroup, int], ...] = STANDARD
) -> CompetencyStatus:
    """One ASN on the standard, levels at random (most meet it, some fall short, a few unassessed)."""
    lines = []
    for number, (name, group, required) in enumerate(standard, start=1):
        assessed = rng.choice((None, 1, 2, 2, 3, 3, 3, 4, 5))
        gap = required - assessed if assessed is not None else None
        lines.append(CompetencyLine(number, name, group, required, assessed, gap, in_standard=True))
    return CompetencyStatus(
        employee_id=1,
        position_name="Analis Kebijakan Ahli Muda",
        lines=lines,
        jpm=None,
        category=None,
        assessed_on=None,
        method=None,
        has_standard=True,
        has_assessment=True,
    )


def _ms(draw: Callable[..., bytes], one: CompetencyStatus) -> float:
    started = time.perf_counter()
    draw(one, **TEXTS)
    return (time.perf_counter() - started) * 1000


def _medians_ms(statuses: list[CompetencyStatus]) -> tuple[float, float]:
    """Median ms of the drawing from kept pieces and of the reference, taking turns (so the
    load of a shared machine weighs on both alike)."""
    fast, reference = [], []
    for one in statuses:
        fast.append(_ms(charts.competency_chart, one))
        reference.append(_ms(charts.reference_chart, one))
    return statistics.median(fast), statistics.median(reference)


def _new_standards_ms(rng: random.Random, count: int) -> float:
    """Median ms of the first chart of each of `count` other standards, one after another."""
    shared = tuple(row for row in STANDARD if row[1] != TEKNIS)
    technical = list(dict.fromkeys(sample.technical for sample in POSITIONS.values() if sample.technical))
    timings = []
    for competencies in technical[:count]:
        standard = tuple((name, TEKNIS, level) for name, level in competencies) + shared
        timings.append(_ms(charts.competency_chart, status(rng, standard)))
    return statistics.median(timings)


async def _burst(kind: Kind, workers: int, statuses: list[CompetencyStatus]) -> float:
    """Charts per second through a started pool of this kind."""
    pool = ChartPool(kind, workers=workers)
    try:
        await asyncio.gather(
            *(pool.draw(charts.competency_chart, one, **TEXTS) for one in statuses[:workers])
        )
        started = time.perf_counter()
        await asyncio.gather(*(pool.draw(charts.competency_chart, one, **TEXTS) for one in statuses))
        return len(statuses) / (time.perf_counter() - started)
    finally:
        pool.shutdown()


async def run(sizes: Sizes, *, seed: int = 16) -> dict[str, float]:
    """The section's figures."""
    rng = random.Random(seed)
    statuses = [status(rng) for _ in range(max(sizes.draws, sizes.burst))]
    charts.clear_kept()
    started = time.perf_counter()
    charts.competency_chart(statuses[0], **TEXTS)
    first_ms = (time.perf_counter() - started) * 1000
    fast, reference = _medians_ms(statuses[: sizes.draws])
    figures = {
        "chart.ms": fast,
        "chart.reference_ms": reference,
        "chart.speedup": reference / fast,
        "chart.first_ms": first_ms,
        "chart.new_standard_ms": _new_standards_ms(rng, sizes.standards),
    }
    for name, kind, workers in POOLS:
        figures[f"chart.pool_{name}_per_s"] = await _burst(kind, workers, statuses[: sizes.burst])
    return figures
