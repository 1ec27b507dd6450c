"""Competency status of one ASN: each competency's required and assessed level, the gaps,
and the Job Person Match (JPM) against the position's standard (PermenPANRB 38/2017).

The JPM categories follow thresholds the office configures (`JpmThresholds`).
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Assessment, Competency, CompetencyGroup, Employee, Position, PositionStandard

#: The order the groups are shown in, as the regulation lists them.
GROUP_ORDER: tuple[CompetencyGroup, ...] = (
    CompetencyGroup.TEKNIS,
    CompetencyGroup.MANAJERIAL,
    CompetencyGroup.SOSIAL_KULTURAL,
)


class UnknownEmployeeError(LookupError):
    """No employee with that id is on the roster."""


class JpmCategory(enum.StrEnum):
    """Where a JPM percentage falls: Memenuhi / Masih Memenuhi / Kurang Memenuhi Syarat."""

    MEMENUHI = "memenuhi"
    MASIH_MEMENUHI = "masih_memenuhi"
    KURANG = "kurang"


@dataclass(frozen=True, slots=True)
class JpmThresholds:
    """Lowest JPM (in %) of each category; regulations differ, so the office sets them."""

    memenuhi: float = 80
    masih_memenuhi: float = 68

    def __post_init__(self) -> None:
        if not 0 <= self.masih_memenuhi <= self.memenuhi <= 100:
            raise ValueError("expected 0 ≤ masih_memenuhi ≤ memenuhi ≤ 100")


def categorize(jpm: float, thresholds: JpmThresholds) -> JpmCategory:
    """The category of a JPM percentage; a value exactly on a threshold belongs to the higher one."""
    if jpm >= thresholds.memenuhi:
        return JpmCategory.MEMENUHI
    if jpm >= thresholds.masih_memenuhi:
        return JpmCategory.MASIH_MEMENUHI
    return JpmCategory.KURANG


@dataclass(frozen=True, slots=True)
class CompetencyLine:
    """One competency: the level the position requires, the latest assessed level, and the gap.

    `gap` = required − assessed when both are known: positive is a shortfall, negative is
    above the standard. `in_standard` is False for a competency that was assessed but is not
    part of the position's standard (shown, but not counted in the JPM).
    """

    competency_id: int
    name: str
    group: CompetencyGroup
    required: int | None
    assessed: int | None
    gap: int | None
    in_standard: bool


@dataclass(frozen=True, slots=True)
class CompetencyStatus:
    """An ASN's competency status against the standard of their position."""

    employee_id: int
    position_name: str
    lines: list[CompetencyLine]
    jpm: float | None
    category: JpmCategory | None
    assessed_on: date | None
    method: str | None
    has_standard: bool
    has_assessment: bool

    @property
    def gaps(self) -> list[CompetencyLine]:
        """Competencies below the standard, the largest gap first."""
        below = [line for line in self.lines if line.gap is not None and line.gap > 0]
        return sorted(below, key=lambda line: -(line.gap or 0))

    @property
    def by_group(self) -> dict[CompetencyGroup, list[CompetencyLine]]:
        """The lines per group, in the order teknis, manajerial, sosial kultural; empty groups left out."""
        groups: dict[CompetencyGroup, list[CompetencyLine]] = {}
        for group in GROUP_ORDER:
            lines = [line for line in self.lines if line.group is group]
            if lines:
                groups[group] = lines
        return groups


@dataclass(frozen=True, slots=True)
class _Latest:
    level: int
    name: str
    group: CompetencyGroup


def job_person_match(pairs: list[tuple[int, int | None]]) -> float | None:
    """JPM in % from (required, assessed) pairs of the standard; None for an empty standard.

    JPM = Σ min(assessed, required) / Σ required × 100, an unassessed competency counting 0.
    Capping at the required level means a level above the standard in one competency does
    not make up for a gap in another.
    """
    required = sum(req for req, _ in pairs)
    if required == 0:
        return None
    achieved = sum(min(assessed or 0, req) for req, assessed in pairs)
    # Integer numerator first: 17/25 gives exactly 68.0, so boundaries categorize as written.
    return 100 * achieved / required


async def competency_status(
    session: AsyncSession, *, employee_id: int, thresholds: JpmThresholds
) -> CompetencyStatus:
    """The employee's competency status against their position's standard (one query).

    Lines: every competency of the standard, then competencies assessed outside it
    (`in_standard=False`), grouped teknis → manajerial → sosial kultural and, within a
    group, in the order the competencies were registered (the regulation's order when
    imported that way). For each competency the latest assessment (by `assessed_on`) counts.

    JPM = Σ min(assessed, required) / Σ required × 100 over the competencies of the
    standard. A level above the standard is capped at the required level, so it does not
    make up for a gap elsewhere; an unassessed competency of the standard counts 0.
    JPM (and its category) is None when the position has no standard or when none of the
    standard's competencies has been assessed yet — 0 % would then say "assessed and
    failing" where the truth is "not assessed against this standard".

    Raises `UnknownEmployeeError` for an unknown employee id.
    """
    position_name, standard, latest, assessed_on, method = await _standard_and_assessments(
        session, employee_id
    )
    lines = _lines(standard, latest)
    assessed_in_standard = any(competency_id in latest for competency_id in standard)
    jpm = (
        job_person_match([(line.required or 0, line.assessed) for line in lines if line.in_standard])
        if assessed_in_standard
        else None
    )
    return CompetencyStatus(
        employee_id=employee_id,
        position_name=position_name,
        lines=lines,
        jpm=jpm,
        category=categorize(jpm, thresholds) if jpm is not None else None,
        assessed_on=assessed_on,
        method=method,
        has_standard=bool(standard),
        has_assessment=bool(latest),
    )


#: The standard of a position: competency id → (name, group, required level).
_Standard = dict[int, tuple[str, CompetencyGroup, int]]


_STANDARD, _ASSESSED = 0, 1


async def _standard_and_assessments(
    session: AsyncSession, employee_id: int
) -> tuple[str, _Standard, dict[int, _Latest], date | None, str | None]:
    """In one query: the name of the employee's position and its standard; their latest
    assessment per competency, and the date and method of the latest of all.  Raises
    `UnknownEmployeeError` for an unknown employee id."""
    rows = (await session.execute(_status_statement(), {"employee_id": employee_id})).all()
    standard_part = [row for row in rows if row.part == _STANDARD]
    if not standard_part:
        raise UnknownEmployeeError(employee_id)
    standard: _Standard = {
        row.competency_id: (row.competency, row.group, row.level)
        for row in standard_part
        if row.competency_id is not None
    }
    latest: dict[int, _Latest] = {}
    assessed = [row for row in rows if row.part == _ASSESSED]
    for row in assessed:
        latest.setdefault(row.competency_id, _Latest(row.level, row.competency, row.group))
    if not assessed:
        return standard_part[0].position, standard, latest, None, None
    return standard_part[0].position, standard, latest, assessed[0].assessed_on, assessed[0].method


@functools.cache
def _status_statement() -> Select[Any]:
    """`_standard_and_assessments`' statement, built once (the employee is its `employee_id`
    parameter): every /kompetensi, /jp and recommendation asks it."""
    employee_id: BindParameter[int] = bindparam("employee_id")
    standard_rows = (
        select(
            literal_column(str(_STANDARD), Integer).label("part"),
            Position.name.label("position"),
            Competency.id.label("competency_id"),
            Competency.name.label("competency"),
            Competency.group.label("group"),
            PositionStandard.level.label("level"),
            cast(null(), Date).label("assessed_on"),
            cast(null(), String).label("method"),
            cast(null(), Integer).label("assessment_id"),
        )
        .select_from(Employee)
        .join(Position, Position.id == Employee.position_id)
        .outerjoin(PositionStandard, PositionStandard.position_id == Position.id)
        .outerjoin(Competency, Competency.id == PositionStandard.competency_id)
        .where(Employee.id == employee_id)
    )
    assessment_rows = (
        select(
            literal_column(str(_ASSESSED), Integer),
            cast(null(), String),
            Competency.id,
            Competency.name,
            Competency.group,
            Assessment.level,
            Assessment.assessed_on,
            Assessment.method,
            Assessment.id,
        )
        .join(Competency, Competency.id == Assessment.competency_id)
        .where(Assessment.employee_id == employee_id)
    )
    both = union_all(standard_rows, assessment_rows).subquery()
    return select(both).order_by(both.c.part, both.c.assessed_on.desc(), both.c.assessment_id.desc())


def _lines(standard: _Standard, latest: dict[int, _Latest]) -> list[CompetencyLine]:
    """Every competency of the standard, then those assessed outside it, in the order
    `competency_status` describes."""
    lines: list[CompetencyLine] = []
    for competency_id, (name, group, required) in standard.items():
        found = latest.get(competency_id)
        assessed = found.level if found is not None else None
        gap = required - assessed if assessed is not None else None
        lines.append(CompetencyLine(competency_id, name, group, required, assessed, gap, in_standard=True))
    for competency_id, found in latest.items():
        if competency_id not in standard:
            lines.append(
                CompetencyLine(
                    competency_id, found.name, found.group, None, found.level, None, in_standard=False
                )
            )
    rank = {group: index for index, group in enumerate(GROUP_ORDER)}
    lines.sort(key=lambda line: (rank[line.group], not line.in_standard, line.competency_id))
    return lines


def has_gap(competencies: ColumnElement[bool]) -> ColumnElement[bool]:
    """For queries over `Employee`: their latest assessment in one of the competencies
    `competencies` picks (a condition on `Assessment.competency_id`) is below their position's
    standard."""
    later = aliased(Assessment)
    latest = (
        select(func.max(later.assessed_on))
        .where(later.employee_id == Assessment.employee_id, later.competency_id == Assessment.competency_id)
        .correlate(Assessment)
        .scalar_subquery()
    )
    return (
        select(Assessment.id)
        .join(
            PositionStandard,
            and_(
                PositionStandard.competency_id == Assessment.competency_id,
                PositionStandard.position_id == Employee.position_id,
            ),
        )
        .where(
            Assessment.employee_id == Employee.id,
            competencies,
            Assessment.assessed_on == latest,
            Assessment.level < PositionStandard.level,
        )
        .exists()
    )
