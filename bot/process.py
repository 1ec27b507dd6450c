"""What every asn-bot process sets for itself at its start (the CLI's `main`; the benchmark's
children do the same, so that they measure the bot as it runs)."""

from __future__ import annotations

import gc

#: Container objects allocated (net) between collections of the youngest generation; Python's
#: default is 700.
GC_YOUNG_THRESHOLD = 10_000


def tune_gc() -> None:
    """Collect cyclic garbage less often than Python's default.

    The bot's heap is large (python-telegram-bot, SQLAlchemy, Jinja2, Babel, matplotlib) and a
    busy bot allocates fast: at 700 objects per young collection the older generations, and
    with them the whole heap, were walked so often that collecting took about a fifth of the
    dispatcher's CPU (`python -m bench`: 186 µs of CPU per message against 147 at 10,000; a
    bare aiohttp sender, with its small heap, gains 2 %).  The garbage waiting for a collection
    stays small: a few thousand objects more."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def settle_heap() -> None:
    """Collect what start-up left behind, then keep everything still alive out of every later
    collection (`gc.freeze`): call it once the bot is built, before it serves.

    The modules and objects a started bot holds (python-telegram-bot, SQLAlchemy's mappers,
    Jinja2, Babel, matplotlib) live as long as the process, yet every full collection walked
    them all: 90 ms with the event loop stopped, once every few hundred updates — the slowest
    answers of a burst (`python -m bench`: first-reply p95).  Frozen, a full collection walks
    only what the bot allocated since."""
    gc.collect()
    gc.freeze()
