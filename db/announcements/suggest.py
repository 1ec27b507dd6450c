"""What an audience filter typed on the command line could have meant: the values the data
knows for each filter, the known values closest to one that matches none (`--unit "Dinkes"`
→ "Dinas Kesehatan Kota Kupang"), and how many ASN of an audience have not linked their
account yet (they are in the roster, but an announcement cannot reach them).

A value is known when the audience's own query would match it: units, position types, event
codes and competencies ignoring case, ranks exactly (`Employee.rank` holds "III/b").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.announcements.audience import RANKS, Audience, matching
from db.identity import POSITION_TYPES
from db.models import Competency, Employee, Event, TelegramAccount, Unit

#: How many known values a refusal offers.
CLOSEST = 3
#: The filters, in the order the command line names them.
KINDS = ("units", "position_types", "ranks", "events", "competencies")


@dataclass(frozen=True, slots=True)
class Unknown:
    """A filter value that matches nothing known (`kind` is one of `KINDS`), and the known
    values closest to it, closest first (empty when the data has none for this filter)."""

    kind: str
    value: str
    closest: tuple[str, ...]


async def known_values(session: AsyncSession, *, kind: str) -> list[str]:
    """The values the filter `kind` can take: from the data, and the fixed lists of position
    types and PNS ranks (with any other grade an employee has, e.g. a PPPK's)."""
    if kind == "units":
        return list(await session.scalars(select(Unit.name).order_by(Unit.name)))
    if kind == "events":
        return list(await session.scalars(select(Event.code).order_by(Event.code)))
    if kind == "competencies":
        return list(await session.scalars(select(Competency.name).order_by(Competency.name)))
    if kind == "position_types":
        return list(POSITION_TYPES)
    if kind == "ranks":
        present = await session.scalars(select(Employee.rank).distinct().order_by(Employee.rank))
        return [*RANKS, *(rank for rank in present if rank not in RANKS)]
    raise ValueError(f"unknown audience filter {kind!r}")


def _given(audience: Audience) -> list[tuple[str, str]]:
    """(filter, value) for every value the audience names, in `KINDS` order."""
    given = [("units", unit) for unit in audience.units]
    given += [("position_types", kind) for kind in audience.position_types]
    given += [("ranks", rank) for rank in audience.ranks]
    if audience.event_code is not None:
        given.append(("events", audience.event_code))
    if audience.gap_competency is not None:
        given.append(("competencies", audience.gap_competency))
    return given


async def unknown_values(session: AsyncSession, *, audience: Audience) -> list[Unknown]:
    """Each value of the audience that matches nothing known, with the closest known ones."""
    unknown: list[Unknown] = []
    known: dict[str, list[str]] = {}
    for kind, value in _given(audience):
        if kind not in known:
            known[kind] = await known_values(session, kind=kind)
        if kind == "ranks":
            found = value in known[kind]
        else:
            found = value.casefold() in {name.casefold() for name in known[kind]}
        if not found:
            unknown.append(Unknown(kind, value, closest(value, known[kind])))
    return unknown


def _abbreviates(value: str, candidate: str) -> bool:
    """Are the letters and digits of `value` those of `candidate` in order, from its first
    letter on? ("Dinkes" of "Dinas Kesehatan", "III-d" of "III/d")."""
    wanted = [c for c in value.casefold() if c.isalnum()]
    text = candidate.casefold()
    if not wanted or not text.startswith(wanted[0]):
        return False
    rest = iter(text)
    return all(c in rest for c in wanted)


def closest(value: str, known: Sequence[str], *, count: int = CLOSEST) -> tuple[str, ...]:
    """The `count` known values most like `value`: abbreviations of it first, then by
    difflib's similarity ignoring case."""

    def likeness(candidate: str) -> tuple[bool, float]:
        ratio = SequenceMatcher(None, value.casefold(), candidate.casefold()).ratio()
        return _abbreviates(value, candidate), ratio

    return tuple(sorted(known, key=likeness, reverse=True)[:count])


async def unlinked(session: AsyncSession, *, audience: Audience, year: int, target: int) -> int:
    """How many employees of the audience have no Telegram account linked."""
    has_account = select(TelegramAccount.telegram_user_id).where(TelegramAccount.employee_id == Employee.id)
    query = matching(select(Employee.id).where(~has_account.exists()), audience, year=year, target=target)
    return int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
