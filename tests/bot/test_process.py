"""Process-wide settings of every asn-bot process."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.process import GC_YOUNG_THRESHOLD, settle_heap, tune_gc


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    """Python's thresholds as this process has them, put back afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield 700, 10, 10
    gc.set_threshold(*before)


def test_the_young_generation_is_collected_less_often_and_the_older_ones_as_before(
    thresholds: tuple[int, int, int],
) -> None:
    _, middle, old = thresholds

    tune_gc()

    assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, middle, old)
    assert thresholds[0] < GC_YOUNG_THRESHOLD


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """No frozen objects before the test, and none after it (a frozen test process would keep
    every later test's garbage)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_what_start_up_leaves_alive_is_kept_out_of_later_collections(unfrozen: None) -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self

    kept = Node()
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage

    settle_heap()

    assert gone() is None  # the garbage was collected before the freeze
    assert gc.get_freeze_count() > 0
    assert not any(tracked is kept for tracked in gc.get_objects())  # frozen: out of sight
