"""ASN with the same need, as cohorts: the same gap levels in the competencies the candidates
develop, and the same JP band (which candidates' JP would bring them to the target). Every
member of a cohort is worth the same to every candidate, so the solver decides seats per cohort
and the people are picked afterwards by a stated rule (`Person.order`)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Employee
from db.planning.candidates import Candidate
from db.reports.base import jp_per_employee, latest_gaps

#: Points for bringing an ASN below the JP target to it, against one point per gap level.
REACH_WEIGHT = 2


@dataclass(frozen=True, slots=True)
class Person:
    """An ASN with a need: gap levels per competency (all of them), JP this year, NIP."""

    employee_id: int
    nip: str
    gaps: dict[int, int]
    jp: int

    @property
    def total_gap(self) -> int:
        return sum(self.gaps.values())

    def order(self) -> tuple[int, int, str]:
        """Who goes first within a cohort: largest total gap, then fewest JP this year, then NIP."""
        return (-self.total_gap, self.jp, self.nip)


@dataclass(slots=True)
class Cohort:
    """ASN with the same need; `members` in the order they are picked."""

    gaps: tuple[tuple[int, int], ...]
    missing: int
    members: list[Person] = field(default_factory=list)

    def gap_levels(self, candidate: Candidate) -> int:
        """The gap levels one member brings to this candidate's competencies."""
        return sum(gap for competency, gap in self.gaps if competency in candidate.competency_ids)

    def reaches(self, candidate: Candidate) -> bool:
        """Would this candidate's JP bring a member (below the target) to it?"""
        return 0 < self.missing <= candidate.jp

    def value(self, candidate: Candidate) -> int:
        """Points for sending one member to this candidate."""
        return self.gap_levels(candidate) + (REACH_WEIGHT if self.reaches(candidate) else 0)


async def people(session: AsyncSession, *, year: int, target: int) -> list[Person]:
    """Every ASN with a gap or below the JP target in `year` (three queries)."""
    gaps = latest_gaps()
    found: dict[int, dict[int, int]] = {}
    rows = await session.execute(select(gaps.c.employee_id, gaps.c.competency_id, gaps.c.gap))
    for employee_id, competency_id, gap in rows.tuples():
        found.setdefault(employee_id, {})[competency_id] = gap
    year_jp = jp_per_employee(year)
    jp = dict((await session.execute(select(year_jp.c.employee_id, year_jp.c.jp))).tuples().all())
    roster = (await session.execute(select(Employee.id, Employee.nip))).tuples()
    return [
        Person(employee_id, nip, found.get(employee_id, {}), int(jp.get(employee_id, 0)))
        for employee_id, nip in roster
        if employee_id in found or jp.get(employee_id, 0) < target
    ]


def cohorts(members: Sequence[Person], candidates: Sequence[Candidate], *, target: int) -> list[Cohort]:
    """Group the ASN by need relative to these candidates; members in picking order."""
    developed = frozenset().union(*(candidate.competency_ids for candidate in candidates))
    thresholds = sorted({candidate.jp for candidate in candidates})
    groups: dict[tuple[tuple[tuple[int, int], ...], int], Cohort] = {}
    for person in members:
        gaps = tuple(sorted((k, g) for k, g in person.gaps.items() if k in developed))
        missing = max(0, target - person.jp)
        # the band: which candidates' JP would bring them to the target; its lowest member's
        # `missing` stands for the band (0 < missing ≤ jp holds for all members or none)
        band = bisect_left(thresholds, missing) if missing else -1
        cohort = groups.setdefault((gaps, band), Cohort(gaps, missing))
        cohort.missing = max(cohort.missing, missing) if missing else 0
        cohort.members.append(person)
    for cohort in groups.values():
        cohort.members.sort(key=Person.order)
    return list(groups.values())
