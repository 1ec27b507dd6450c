"""The chart workers: a burst queues behind a fixed number of them, on threads or processes."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

from bot.documents import charts
from bot.documents.drawing import ChartPool
from tests.bot.test_charts import STANDARD, _status
from tests.utils.png import SIGNATURE, png_text


async def test_a_burst_queues_behind_the_workers() -> None:
    pool = ChartPool("threads", workers=2)
    lock = threading.Lock()
    busy: list[int] = [0]
    most: list[int] = [0]

    def work(number: int) -> int:
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        time.sleep(0.02)
        with lock:
            busy[0] -= 1
        return number

    try:
        results = await asyncio.gather(*(pool.draw(work, number) for number in range(12)))
    finally:
        pool.shutdown()

    assert results == list(range(12))
    assert most[0] == 2


async def test_a_worker_process_draws_the_same_chart() -> None:
    pool = ChartPool("processes", workers=1)
    status = _status(STANDARD[:3])
    texts = {"title": "Kompetensi", "required_label": "Standar", "assessed_label": "Asesmen"}
    try:
        png = await pool.draw(charts.competency_chart, status, **texts)
    finally:
        pool.shutdown()

    assert pool.kind == "processes"
    assert png.startswith(SIGNATURE)
    assert png == charts.competency_chart(status, **texts)
    assert png_text(png)["Description"].startswith("Penyusunan Rekomendasi Kebijakan Publik Daerah 3/2")


def test_two_cores_or_fewer_draw_on_one_thread_more_on_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    pool = ChartPool()
    pool.shutdown()
    assert (pool.kind, pool.workers) == ("threads", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    pool = ChartPool()
    pool.shutdown()
    assert (pool.kind, pool.workers) == ("processes", 4)
