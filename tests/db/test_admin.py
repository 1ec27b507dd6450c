"""What HR and organizers see of events and registrants: HR everything with full NIPs,
an organizer only their own events with NIPs masked, and nobody else anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db import accounts, admin
from db.models import RegistrationStatus, Role
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.registrations import register

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
UNDANA = "Universitas Nusa Cendana"
Status = RegistrationStatus


async def _scope(session: AsyncSession, user: int, *roles: Role) -> admin.Scope | None:
    return await admin.scope_for(session, telegram_user_id=user, roles=roles)


async def test_hr_sees_upcoming_and_recent_events_and_an_organizer_only_their_own(
    session: AsyncSession,
) -> None:
    await make_event(session, "BPSDM-01", starts_at=wita(2026, 12, 14))
    await make_event(session, "UND-01", starts_at=wita(2026, 12, 10), organizer=UNDANA)
    await make_event(session, "UND-OLD", starts_at=wita(2026, 11, 20), organizer=UNDANA)
    await make_event(session, "UND-LONG-AGO", starts_at=wita(2026, 9, 1), organizer=UNDANA)
    await accounts.grant_role(session, telegram_user_id=51, role=Role.ORGANIZER, organizer=UNDANA)

    hr = await _scope(session, 50, Role.HR)
    organizer = await _scope(session, 51, Role.ORGANIZER)
    assert hr is not None
    assert organizer is not None
    assert await _scope(session, 52) is None

    everything = await admin.events_page(session, scope=hr, now=NOW, per_page=2)
    assert everything.total == 3
    assert everything.pages == 2
    assert [e.code for e in everything.items] == ["UND-OLD", "UND-01"]
    own = await admin.events_page(session, scope=organizer, now=NOW, page=7)
    assert [e.code for e in own.items] == ["UND-OLD", "UND-01"]
    assert own.page == 0


async def test_an_organizer_without_an_organizer_name_sees_nothing(session: AsyncSession) -> None:
    await make_event(session, "UND-01", starts_at=wita(2026, 12, 10), organizer=UNDANA)
    await accounts.grant_role(session, telegram_user_id=51, role=Role.ORGANIZER)
    scope = await _scope(session, 51, Role.ORGANIZER)
    assert scope is not None
    assert (await admin.events_page(session, scope=scope, now=NOW)).total == 0


async def test_counts_by_status_and_seats_left(session: AsyncSession) -> None:
    event = await make_event(session, "PKP-01", starts_at=wita(2026, 12, 14), quota=3, seats_taken=2)
    people = await make_employees(session, 6)
    for employee, status in zip(
        people,
        [
            Status.REGISTERED,
            Status.ATTENDED,
            Status.WAITLISTED,
            Status.WAITLISTED,
            Status.PENDING,
            Status.CANCELLED,
        ],
        strict=True,
    ):
        await register(session, employee, event, status=status)
    hr = await _scope(session, 50, Role.HR)
    assert hr is not None
    summary = await admin.event_summary(session, scope=hr, event_id=event.id)
    assert summary is not None
    assert (summary.registered, summary.attended, summary.waitlisted, summary.pending, summary.cancelled) == (
        1,
        1,
        2,
        1,
        1,
    )
    assert summary.seats_left == 1


async def test_another_organizers_event_reads_as_not_found(session: AsyncSession) -> None:
    event = await make_event(session, "BPSDM-01", starts_at=wita(2026, 12, 14))
    await accounts.grant_role(session, telegram_user_id=51, role=Role.ORGANIZER, organizer=UNDANA)
    scope = await _scope(session, 51, Role.ORGANIZER)
    assert scope is not None
    assert await admin.event_summary(session, scope=scope, event_id=event.id) is None
    assert await admin.registrants(session, scope=scope, event_id=event.id) is None


async def test_registrants_come_in_order_with_waitlist_positions_and_nips_per_role(
    session: AsyncSession,
) -> None:
    event = await make_event(session, "UND-01", starts_at=wita(2026, 12, 10), organizer=UNDANA)
    first, second, third = await make_employees(session, 3)
    await register(session, third, event, status=Status.WAITLISTED, at=NOW - timedelta(hours=1))
    await register(session, second, event, status=Status.WAITLISTED, at=NOW - timedelta(hours=2))
    await register(session, first, event, status=Status.REGISTERED, at=NOW)
    await accounts.grant_role(session, telegram_user_id=51, role=Role.ORGANIZER, organizer=UNDANA)
    hr, organizer = await _scope(session, 50, Role.HR), await _scope(session, 51, Role.ORGANIZER)
    assert hr is not None
    assert organizer is not None

    listed = await admin.registrants(session, scope=hr, event_id=event.id)
    assert listed is not None
    assert [(r.employee_id, r.status, r.waitlist_position) for r in listed] == [
        (first.id, Status.REGISTERED, None),
        (second.id, Status.WAITLISTED, 1),
        (third.id, Status.WAITLISTED, 2),
    ]
    assert listed[0].nip == first.nip
    masked = await admin.registrants(session, scope=organizer, event_id=event.id)
    assert masked is not None
    assert masked[0].nip != first.nip
    assert masked[0].nip.endswith(first.nip[-3:])
    only_waiting = await admin.registrants(
        session, scope=hr, event_id=event.id, statuses=(Status.WAITLISTED,)
    )
    assert [r.employee_id for r in only_waiting or []] == [second.id, third.id]
    assert (
        await admin.registrant(session, scope=organizer, registration_id=listed[1].registration_id)
    ) == masked[1]


async def test_event_codes_are_found_whatever_the_case(session: AsyncSession) -> None:
    event = await make_event(session, "PKP-2026-01", starts_at=wita(2026, 12, 14))
    assert await admin.event_id_by_code(session, code=" pkp-2026-01 ") == event.id
    assert await admin.event_id_by_code(session, code="NOPE") is None
