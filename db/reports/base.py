"""What several reports share, as subqueries: the JP each ASN completed in an office year, and
each ASN's gap per competency (the latest assessment below the position's standard)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Subquery, and_, func, select

from db.models import Assessment, Employee, LearningRecord, PositionStandard


def year_span(year: int) -> tuple[date, date]:
    """The first and last office-local date of the year."""
    return date(year, 1, 1), date(year, 12, 31)


def jp_per_employee(year: int) -> Subquery:
    """`employee_id`, `jp`: the JP of each ASN with a learning record dated in `year`."""
    first, last = year_span(year)
    return (
        select(LearningRecord.employee_id, func.sum(LearningRecord.jp).label("jp"))
        .where(LearningRecord.completed_on.between(first, last))
        .group_by(LearningRecord.employee_id)
        .subquery("year_jp")
    )


def latest_gaps() -> Subquery:
    """`employee_id`, `unit_id`, `position_id`, `competency_id`, `required`, `assessed`, `gap`:
    one row per ASN and competency of their standard whose latest assessment is below it."""
    ranked = select(
        Assessment.employee_id,
        Assessment.competency_id,
        Assessment.level,
        func.row_number()
        .over(
            partition_by=(Assessment.employee_id, Assessment.competency_id),
            order_by=(Assessment.assessed_on.desc(), Assessment.id.desc()),
        )
        .label("recency"),
    ).subquery("ranked")
    return (
        select(
            Employee.id.label("employee_id"),
            Employee.unit_id,
            Employee.position_id,
            ranked.c.competency_id,
            PositionStandard.level.label("required"),
            ranked.c.level.label("assessed"),
            (PositionStandard.level - ranked.c.level).label("gap"),
        )
        .join(ranked, ranked.c.employee_id == Employee.id)
        .join(
            PositionStandard,
            and_(
                PositionStandard.position_id == Employee.position_id,
                PositionStandard.competency_id == ranked.c.competency_id,
            ),
        )
        .where(ranked.c.recency == 1, ranked.c.level < PositionStandard.level)
        .subquery("gaps")
    )
