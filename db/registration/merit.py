"""Merit scores of a priority event's registrants, and the order they rank in.

All pending registrants of an event are scored by one statement, whatever their number:
allocation runs it while the event row is locked, and "why this rank?" runs it on every
press. The numbers are those of `db.competency.competency_status` (the latest assessment
per competency against the position's standard) and `db.learning.year_summary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import Subquery

from db.models import (
    Assessment,
    Employee,
    LearningRecord,
    PositionStandard,
    Registration,
    event_competencies,
)
from db.registration._shared import Status


@dataclass(frozen=True, slots=True)
class PriorityScore:
    """The transparent parts of a merit score, compared in this order.

    need: Σ (required − assessed) over the event's competencies where the ASN is below the
    standard (as the catalog ranks recommendations), more first; jp_this_year: JP already
    completed this (office) year, fewer first; registered_at: earlier first.
    """

    need: int
    jp_this_year: int
    registered_at: datetime

    @property
    def key(self) -> tuple[int, int, datetime]:
        """Sort key: smaller is better."""
        return (-self.need, self.jp_this_year, self.registered_at)


async def ranked_pending(
    session: AsyncSession, *, event_id: int, year: int
) -> list[tuple[Registration, PriorityScore]]:
    """The event's pending registrations, fresh, with their scores (JP counted in `year`), best
    first: need, then fewer JP this year, then registration time, then id. One statement."""
    candidates = select(Registration.employee_id).where(
        Registration.event_id == event_id, Registration.status == Status.PENDING
    )
    need = _need(event_id, candidates)
    jp = _jp(year, candidates)
    rows = await session.execute(
        select(Registration, func.coalesce(need.c.need, 0), func.coalesce(jp.c.jp, 0))
        .outerjoin(need, need.c.employee_id == Registration.employee_id)
        .outerjoin(jp, jp.c.employee_id == Registration.employee_id)
        .where(Registration.event_id == event_id, Registration.status == Status.PENDING)
        .execution_options(populate_existing=True)
    )
    scored = [
        (registration, PriorityScore(int(gaps), int(hours), registration.registered_at))
        for registration, gaps, hours in rows.tuples()
    ]
    scored.sort(key=lambda pair: (*pair[1].key, pair[0].id))
    return scored


def _need(event_id: int, candidates: Select[tuple[int]]) -> Subquery:
    """employee_id → need, for candidates below the standard in a competency the event targets.

    The latest assessment of a competency is the one with the latest `assessed_on` (unique per
    employee and competency); a level at or above the standard counts 0.
    """
    targeted = select(event_competencies.c.competency_id).where(event_competencies.c.event_id == event_id)
    latest = (
        select(
            Assessment.employee_id,
            Assessment.competency_id,
            func.max(Assessment.assessed_on).label("assessed_on"),
        )
        .where(Assessment.employee_id.in_(candidates), Assessment.competency_id.in_(targeted))
        .group_by(Assessment.employee_id, Assessment.competency_id)
        .subquery()
    )
    return (
        select(latest.c.employee_id, func.sum(PositionStandard.level - Assessment.level).label("need"))
        .select_from(latest)
        .join(
            Assessment,
            and_(
                Assessment.employee_id == latest.c.employee_id,
                Assessment.competency_id == latest.c.competency_id,
                Assessment.assessed_on == latest.c.assessed_on,
            ),
        )
        .join(Employee, Employee.id == latest.c.employee_id)
        .join(
            PositionStandard,
            and_(
                PositionStandard.position_id == Employee.position_id,
                PositionStandard.competency_id == latest.c.competency_id,
            ),
        )
        .where(Assessment.level < PositionStandard.level)
        .group_by(latest.c.employee_id)
        .subquery()
    )


def _jp(year: int, candidates: Select[tuple[int]]) -> Subquery:
    """employee_id → JP completed in `year` (office-local dates), for candidates with any."""
    return (
        select(LearningRecord.employee_id, func.sum(LearningRecord.jp).label("jp"))
        .where(
            LearningRecord.employee_id.in_(candidates),
            LearningRecord.completed_on >= date(year, 1, 1),
            LearningRecord.completed_on <= date(year, 12, 31),
        )
        .group_by(LearningRecord.employee_id)
        .subquery()
    )


def score_record(score: PriorityScore, rank: int, of: int, year: int) -> dict[str, Any]:
    """What a registration keeps of its allocation (`Registration.priority_score`)."""
    return {
        "need": score.need,
        "jp_this_year": score.jp_this_year,
        "year": year,
        "registered_at": score.registered_at.isoformat(),
        "rank": rank,
        "of": of,
    }


def score_from_record(data: dict[str, Any]) -> PriorityScore:
    """The score parts a registration kept of its allocation."""
    return PriorityScore(
        need=int(data["need"]),
        jp_this_year=int(data["jp_this_year"]),
        registered_at=datetime.fromisoformat(str(data["registered_at"])),
    )
