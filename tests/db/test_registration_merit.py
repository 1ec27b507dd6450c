"""Merit scores of a priority event's registrants, computed for all of them at once: the same
numbers as each ASN's own competency status and JP summary, and the same few statements
whether three or twelve ASN registered."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.competency import JpmThresholds, competency_status
from db.learning import year_summary
from db.models import Allocation, Employee, Event, event_competencies
from db.registration import cancel, register, standing
from db.registration.merit import ranked_pending
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import DEFAULT_POSITION, make_employees
from tests.utils.events import configure, make_event
from tests.utils.learning import learned
from tests.utils.office_time import WITA, wita
from tests.utils.statements import count_statements

NOW = wita(2026, 3, 2, 9)
STARTS = wita(2026, 4, 6, 8)
SUPERVISOR = "Kepala Subbagian Umum dan Kepegawaian"


async def _priority_event(
    session: AsyncSession, code: str, registrants: list[Employee]
) -> tuple[Event, dict[int, int]]:
    """A priority event on Pelayanan Publik, Integritas and Analisis Kebijakan with these
    registrants pending, one minute apart; and employee id → registration id."""
    event = await make_event(
        session,
        code,
        starts_at=STARTS,
        quota=2,
        competencies=["Pelayanan Publik", "Integritas", "Analisis Kebijakan"],
    )
    await configure(session, event, allocation=Allocation.PRIORITY)
    registered = {}
    for minute, employee in enumerate(registrants):
        result = await register(
            session, event_id=event.id, employee_id=employee.id, now=NOW + timedelta(minutes=minute)
        )
        registered[employee.id] = result.registration_id
    return event, registered


async def _by_status_and_summary(session: AsyncSession, event: Event, employee_id: int) -> tuple[int, int]:
    """need and JP of 2026 the way one ASN's own screens compute them."""
    targeted = set(
        await session.scalars(
            select(event_competencies.c.competency_id).where(event_competencies.c.event_id == event.id)
        )
    )
    status = await competency_status(session, employee_id=employee_id, thresholds=JpmThresholds())
    summary = await year_summary(session, employee_id=employee_id, year=2026, target=0)
    return sum(line.gap or 0 for line in status.gaps if line.competency_id in targeted), summary.total


async def test_scores_match_each_asns_own_competency_status_and_jp_summary(session: AsyncSession) -> None:
    """Only the latest assessment counts, only the event's competencies within the position's
    standard, levels above it count 0; JP only of this office year; cancelled ones are not ranked."""
    await set_standard(session, DEFAULT_POSITION, {"Pelayanan Publik": 3, "Integritas": 3, "Komunikasi": 3})
    await set_standard(session, SUPERVISOR, {"Pelayanan Publik": 4, "Integritas": 2})
    analysts = await make_employees(session, 4)
    supervisors = await make_employees(session, 2, position=SUPERVISOR, position_type="Pengawas", first=4)
    caught_up, older_lower, untested, above = analysts
    chief, gone = supervisors
    await assess(session, caught_up, {"Pelayanan Publik": 1}, on=date(2024, 5, 1))
    await assess(session, caught_up, {"Pelayanan Publik": 3, "Integritas": 1}, on=date(2025, 11, 3))
    await assess(session, older_lower, {"Pelayanan Publik": 1}, on=date(2024, 5, 1))
    await assess(
        session,
        older_lower,
        {"Pelayanan Publik": 2, "Komunikasi": 1, "Analisis Kebijakan": 1},
        on=date(2025, 11, 3),
    )
    await assess(session, above, {"Pelayanan Publik": 5, "Integritas": 2}, on=date(2025, 11, 3))
    await assess(session, chief, {"Pelayanan Publik": 2, "Integritas": 1}, on=date(2025, 11, 3))
    await assess(session, gone, {"Pelayanan Publik": 1, "Integritas": 1}, on=date(2025, 11, 3))
    await learned(session, untested, "Diklat Januari", on=date(2026, 1, 1), jp=5)
    await learned(session, untested, "Diklat Desember", on=date(2026, 12, 31), jp=7)
    await learned(session, untested, "Diklat lama", on=date(2025, 12, 31), jp=20)
    await learned(session, untested, "Diklat tahun depan", on=date(2027, 1, 1), jp=3)
    await learned(session, chief, "Bimtek", on=date(2026, 2, 2), jp=4)
    event, registered = await _priority_event(session, "PRI-10", [*analysts, *supervisors])
    cutoff = timedelta(days=2)
    await cancel(session, registration_id=registered[gone.id], employee_id=gone.id, now=NOW, cutoff=cutoff)

    ranked = await ranked_pending(session, event_id=event.id, year=2026)

    scores = {registration.employee_id: (score.need, score.jp_this_year) for registration, score in ranked}
    assert scores == {
        caught_up.id: (2, 0),
        older_lower.id: (1, 0),
        untested.id: (0, 12),
        above.id: (1, 0),
        chief.id: (3, 4),
    }
    for employee_id, score in scores.items():
        assert await _by_status_and_summary(session, event, employee_id) == score
    assert [registration.employee_id for registration, _ in ranked] == [
        chief.id, caught_up.id, older_lower.id, above.id, untested.id
    ]  # fmt: skip


async def test_why_this_rank_costs_the_same_statements_for_3_or_12_registrants(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    await set_standard(session, DEFAULT_POSITION, {"Pelayanan Publik": 3, "Integritas": 3})
    few = await make_employees(session, 3)
    many = await make_employees(session, 12, first=3)
    for number, employee in enumerate([*few, *many]):
        await assess(
            session, employee, {"Pelayanan Publik": 1 + number % 3, "Integritas": 2}, on=date(2025, 11, 3)
        )
        await learned(session, employee, "Diklat", on=date(2026, 1, 10), jp=number)
    _, small_event = await _priority_event(session, "PRI-03", few)
    large, large_event = await _priority_event(session, "PRI-12", many)

    with count_statements(engine) as few_statements:
        three = await standing(
            session, registration_id=small_event[few[0].id], employee_id=few[0].id, now=NOW, timezone=WITA
        )
    with count_statements(engine) as many_statements:
        twelve = await standing(
            session, registration_id=large_event[many[0].id], employee_id=many[0].id, now=NOW, timezone=WITA
        )
    with count_statements(engine) as scoring:
        await ranked_pending(session, event_id=large.id, year=2026)

    assert (three.of, twelve.of) == (3, 12)
    assert len(few_statements) == len(many_statements)
    assert len(scoring) == 1
