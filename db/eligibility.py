"""Who an event is for: its target positions (the `event_positions` table), position types,
work units, employment statuses (CPNS, PNS, PPPK) and ranks (golongan or PPPK grade) — the
last four JSON lists on the event. Each target counts only when set: an empty one means
everyone. Names are matched whatever their case.

One rule in two forms that agree (tests/db/test_eligibility.py holds them to it):
- `unmet` / `unmet_for`, for one employee and one event: the first target they miss, which
  registration refuses with and an event's detail explains;
- `eligible`, a SQL condition over `Event` and `Employee` in the same query, for set-based
  work: recommendations over many events, deadline digests and audiences over many employees.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Select, and_, bindparam, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from db.models import Employee, Event, event_positions


class Criterion(enum.StrEnum):
    """A target an employee can miss, in the order they are checked."""

    POSITION = "position"
    POSITION_TYPE = "position_type"
    UNIT = "unit"
    STATUS = "status"
    RANK = "rank"


def _folded(values: Iterable[Any]) -> set[str]:
    return {str(value).casefold() for value in values}


def _misses(targets: list[Any] | None, value: object) -> bool:
    """Does `value` miss a JSON target list (an empty one lets everyone in)?"""
    return bool(targets) and str(value).casefold() not in _folded(targets or [])


def unmet(event: Event, employee: Employee, *, position_ids: Collection[int]) -> Criterion | None:
    """The first of the event's targets the employee misses, or None when the event is open to
    them; `position_ids` are the event's target positions (empty: any position)."""
    if position_ids and employee.position_id not in position_ids:
        return Criterion.POSITION
    checks = (
        (Criterion.POSITION_TYPE, event.target_position_types, employee.position_type),
        (Criterion.UNIT, event.target_unit_ids, employee.unit_id),
        (Criterion.STATUS, event.target_statuses, employee.status.value),
        (Criterion.RANK, event.target_ranks, employee.rank),
    )
    return next((criterion for criterion, targets, value in checks if _misses(targets, value)), None)


async def target_positions(session: AsyncSession, *, event_id: int) -> set[int]:
    """The positions an event targets (empty: any position)."""
    return set(await session.scalars(_positions_statement(), {"event_id": event_id}))


@functools.cache
def _positions_statement() -> Select[tuple[int]]:
    """`target_positions`' statement, built once (every event detail asks it)."""
    return select(event_positions.c.position_id).where(event_positions.c.event_id == bindparam("event_id"))


async def unmet_for(session: AsyncSession, *, event: Event, employee: Employee) -> Criterion | None:
    """`unmet`, with the event's target positions read from the database (one query)."""
    return unmet(event, employee, position_ids=await target_positions(session, event_id=event.id))


class _Listed(FunctionElement[bool]):
    """`listed(list, value)`: the JSON list is empty, or holds `value` (compared as lower-case
    text). Compiled per dialect below: SQLite reads JSON with `json_each`, PostgreSQL with
    `json_array_elements_text`."""

    type = Boolean()
    inherit_cache = True
    name = "listed"


def _parts(element: _Listed, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    listed, value = list(element.clauses)
    return compiler.process(listed, **kw), compiler.process(value, **kw)


@compiles(_Listed)
def _listed_sqlite(element: _Listed, compiler: SQLCompiler, **kw: Any) -> str:
    listed, value = _parts(element, compiler, **kw)
    return (
        f"(json_array_length({listed}) = 0 OR EXISTS (SELECT 1 FROM json_each({listed}) AS listed"
        f" WHERE lower(CAST(listed.value AS TEXT)) = lower(CAST({value} AS TEXT))))"
    )


@compiles(_Listed, "postgresql")
def _listed_postgresql(element: _Listed, compiler: SQLCompiler, **kw: Any) -> str:
    listed, value = _parts(element, compiler, **kw)
    return (
        f"(json_array_length({listed}) = 0 OR EXISTS (SELECT 1 FROM json_array_elements_text({listed})"
        f" AS listed(value) WHERE lower(listed.value) = lower(CAST({value} AS TEXT))))"
    )


def eligible() -> ColumnElement[bool]:
    """The SQL form of `unmet(...) is None`, for a query in which both `Event` and `Employee`
    are (joined, or one of them fixed by id)."""
    targeted = select(event_positions.c.event_id).where(event_positions.c.event_id == Event.id)
    return and_(
        or_(
            not_(targeted.exists()),
            targeted.where(event_positions.c.position_id == Employee.position_id).exists(),
        ),
        _Listed(Event.target_position_types, Employee.position_type),
        _Listed(Event.target_unit_ids, Employee.unit_id),
        _Listed(Event.target_statuses, Employee.status),
        _Listed(Event.target_ranks, Employee.rank),
    )
