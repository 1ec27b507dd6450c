"""Five hundred ASN tap "Daftar" at once for a 50-seat training: exactly 50 get a seat,
450 wait in the order they came, nobody twice; then ten cancel at once and exactly the
next ten in the queue are promoted. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import SessionFactory
from db.models import Registration, RegistrationStatus
from db.registration import (
    AlreadyRegistered,
    CancelResult,
    RegistrationResult,
    cancel,
    my_registrations,
    register,
)
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.registrations import seats_taken, waitlist

APPLICANTS = 500
QUOTA = 50
CANCELLING = 10
#: Concurrent sessions: real concurrency, within PostgreSQL's pool (10 + 20 overflow).
CONCURRENCY = 25
OPENING = wita(2026, 3, 2, 8)


async def test_500_at_once_for_50_seats_then_10_cancel_at_once(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    employees = await make_employees(session, APPLICANTS)
    event = await make_event(session, "PKA-2026", starts_at=wita(2026, 4, 6), quota=QUOTA)
    # Each applicant's tap has its own instant: applicant i tapped i milliseconds after opening.
    tapped_at = {employee.id: OPENING + timedelta(milliseconds=i) for i, employee in enumerate(employees)}
    gate = asyncio.Semaphore(CONCURRENCY)

    async def apply(employee_id: int) -> RegistrationResult:
        async with gate, sessions() as own:
            return await register(own, event_id=event.id, employee_id=employee_id, now=tapped_at[employee_id])

    results = await asyncio.gather(*(apply(employee.id) for employee in reversed(employees)))

    by_status = {status: [r for r in results if r.status is status] for status in RegistrationStatus}
    assert len(by_status[RegistrationStatus.REGISTERED]) == QUOTA
    assert len(by_status[RegistrationStatus.WAITLISTED]) == APPLICANTS - QUOTA
    assert await seats_taken(session, event.id) == QUOTA
    rows = await session.scalar(select(func.count()).select_from(Registration))
    distinct = await session.scalar(select(func.count(func.distinct(Registration.employee_id))))
    assert rows == distinct == APPLICANTS

    queue = await waitlist(session, event.id)
    assert len(queue) == APPLICANTS - QUOTA
    assert queue == sorted(queue, key=tapped_at.__getitem__), "the waitlist follows the taps' order"
    registered_ids = {r.registration_id for r in by_status[RegistrationStatus.REGISTERED]}
    assert registered_ids.isdisjoint(r.registration_id for r in by_status[RegistrationStatus.WAITLISTED])
    last = await my_registrations(session, employee_id=queue[-1])
    assert last[RegistrationStatus.WAITLISTED][0].waitlist_position == APPLICANTS - QUOTA

    holders = [r for r in results if r.status is RegistrationStatus.REGISTERED][:CANCELLING]
    owner = {r.registration_id: employee.id for r, employee in zip(results, reversed(employees), strict=True)}

    async def withdraw(result: RegistrationResult) -> CancelResult:
        async with sessions() as own:
            return await cancel(
                own,
                registration_id=result.registration_id,
                employee_id=owner[result.registration_id],
                now=OPENING + timedelta(days=1),
                cutoff=timedelta(days=1),
            )

    cancellations = await asyncio.gather(*(withdraw(r) for r in holders))

    promoted = [p.employee_id for c in cancellations for p in c.promoted]
    assert all(len(c.promoted) == 1 for c in cancellations)
    assert sorted(promoted, key=tapped_at.__getitem__) == queue[:CANCELLING]
    assert await waitlist(session, event.id) == queue[CANCELLING:]
    assert await seats_taken(session, event.id) == QUOTA
    now_registered = await session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.REGISTERED)
    )
    assert now_registered == QUOTA


async def test_one_asn_tapping_daftar_five_times_at_once_is_registered_once(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    (employee,) = await make_employees(session, 1)
    event = await make_event(session, "PKA-2027", starts_at=wita(2026, 4, 6), quota=QUOTA)

    async def tap() -> RegistrationStatus:
        async with sessions() as own:
            try:
                return (await register(own, event_id=event.id, employee_id=employee.id, now=OPENING)).status
            except AlreadyRegistered as refused:
                return refused.status

    assert sorted(await asyncio.gather(*(tap() for _ in range(5)))) == [RegistrationStatus.REGISTERED] * 5
    assert await seats_taken(session, event.id) == 1
    assert await session.scalar(select(func.count()).select_from(Registration)) == 1
