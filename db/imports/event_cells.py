"""The cells only an events file has: how seats are given, whether registrations need approval,
the online link, and who may register by position type, rank (golongan or PPPK grade) and
employment status. The same settings HR can make in the chat; an empty cell means the default
(first come, no approval, no link, everyone)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from db.identity import (
    POSITION_TYPES,
    PPPK_GRADES,
    RANK_NAMES,
    normalize_position_type,
    normalize_pppk_grade,
    normalize_rank,
)
from db.imports.cells import CellError
from db.models import Allocation, EmploymentStatus

_ALLOCATIONS = {
    "urutan": Allocation.FCFS,
    "fcfs": Allocation.FCFS,
    "prioritas": Allocation.PRIORITY,
    "priority": Allocation.PRIORITY,
}
_YES = frozenset({"ya", "y", "yes", "true", "1"})
_NO = frozenset({"tidak", "no", "n", "false", "0"})
_URL = re.compile(r"https?://[^\s/]+\.[^\s]+", re.IGNORECASE)
URL_LIMIT = 500
_RANK_ORDER = (*RANK_NAMES, *PPPK_GRADES)
_STATUS_ORDER = tuple(member.value for member in EmploymentStatus)


def _word(raw: str) -> str:
    return " ".join(raw.split()).casefold()


def allocation(raw: str) -> Allocation:
    """`urutan` (first come, first served) or `prioritas` (by priority at the deadline); English
    `fcfs` / `priority` too; empty means first come."""
    if not raw.strip():
        return Allocation.FCFS
    found = _ALLOCATIONS.get(_word(raw))
    if found is None:
        raise CellError("allocation_unknown", raw=raw)
    return found


def yes_no(raw: str) -> bool:
    """`ya` / `tidak` (also `yes` / `no`, Excel's TRUE / FALSE); empty means no."""
    word = _word(raw)
    if not word or word in _NO:
        return False
    if word in _YES:
        return True
    raise CellError("yes_no_unknown", raw=raw)


def online_url(raw: str) -> str | None:
    """The link an online event is joined at (`https://…`), or None when empty."""
    link = raw.strip()
    if not link:
        return None
    if len(link) > URL_LIMIT:
        raise CellError("too_long", length=len(link), limit=URL_LIMIT)
    if not _URL.fullmatch(link):
        raise CellError("url_invalid", raw=raw)
    return link


def _listed(
    normalize: Callable[[str], str | None], order: Iterable[str], reason: str, allowed: str
) -> Callable[[str], list[str]]:
    """`;`-separated values, each as `normalize` writes it, in `order`; empty means everyone."""
    ranking = {value: index for index, value in enumerate(order)}

    def parse(raw: str) -> list[str]:
        written = [part.strip() for part in raw.split(";") if part.strip()]
        found = {part: normalize(part) for part in written}
        unknown = [part for part, value in found.items() if value is None]
        if unknown:
            raise CellError(reason, names=", ".join(f"'{part}'" for part in unknown), allowed=allowed)
        return sorted({value for value in found.values() if value is not None}, key=ranking.__getitem__)

    return parse


def _rank_or_grade(raw: str) -> str | None:
    return normalize_rank(raw) or normalize_pppk_grade(raw)


def _status(raw: str) -> str | None:
    word = _word(raw)
    return word if word in _STATUS_ORDER else None


position_types = _listed(
    normalize_position_type, POSITION_TYPES, "position_types_unknown", ", ".join(POSITION_TYPES)
)
ranks = _listed(_rank_or_grade, _RANK_ORDER, "ranks_unknown", "I/a–IV/e, I–XVII")
statuses = _listed(
    _status, _STATUS_ORDER, "statuses_unknown", ", ".join(value.upper() for value in _STATUS_ORDER)
)
