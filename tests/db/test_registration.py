"""The registration engine, as ASN, HR and organizers live it: registering, every reason
to be refused, the waitlist and its promotions, fair allocation by merit and approval
(after attending: test_attendance)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Allocation, Employee, Event, EventStatus, Registration
from db.models import RegistrationStatus as Status
from db.registration import (
    AlreadyRegistered,
    CancellationTooLate,
    EventCancelled,
    NotCancellable,
    NotEligible,
    NotPending,
    NotPriorityEvent,
    PriorityScore,
    QuotaBelowSeatsTaken,
    RegistrationClosed,
    RegistrationNotFound,
    RegistrationNotOpen,
    ScheduleClash,
    allocate,
    cancel,
    decide,
    promote_waitlist,
    register,
    remove_registration,
    set_quota,
    standing,
)
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import DEFAULT_POSITION, make_employees, unit_id
from tests.utils.events import configure, make_event
from tests.utils.learning import learned
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import HR, NOW, STARTS, seats_taken, statuses, waitlist

CUTOFF = timedelta(days=2)
TZ: ZoneInfo = WITA


# ---------------------------------------------------------------------------- register


async def test_the_first_to_register_get_seats_and_the_rest_queue_with_their_position(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    results = [
        await register(session, event_id=training.id, employee_id=e.id, now=NOW + timedelta(minutes=i))
        for i, e in enumerate(asn[:4])
    ]
    assert [r.status for r in results] == [Status.REGISTERED] * 2 + [Status.WAITLISTED] * 2
    assert [r.waitlist_position for r in results] == [None, None, 1, 2]
    assert await seats_taken(session, training.id) == 2


async def test_each_refusal_says_why(session: AsyncSession, asn: list[Employee]) -> None:
    first = asn[0].id
    not_yet = await make_event(session, "LATER", starts_at=STARTS, opens_at=wita(2026, 3, 10))
    with pytest.raises(RegistrationNotOpen) as not_open:
        await register(session, event_id=not_yet.id, employee_id=first, now=NOW)
    assert not_open.value.reason == "not_open"
    assert not_open.value.opens_at == wita(2026, 3, 10)

    past_deadline = await make_event(session, "SOON", starts_at=wita(2026, 3, 4))
    with pytest.raises(RegistrationClosed) as closed:
        await register(session, event_id=past_deadline.id, employee_id=first, now=NOW)
    assert closed.value.reason == "closed"

    called_off = await make_event(session, "BATAL", starts_at=STARTS, status=EventStatus.CANCELLED)
    with pytest.raises(EventCancelled) as cancelled:
        await register(session, event_id=called_off.id, employee_id=first, now=NOW)
    assert cancelled.value.reason == "event_cancelled"

    with pytest.raises(RegistrationNotFound):
        await register(session, event_id=9999, employee_id=first, now=NOW)


async def test_events_for_other_positions_types_or_units_are_refused(
    session: AsyncSession, asn: list[Employee]
) -> None:
    first = asn[0].id
    elsewhere = await unit_id(session, "Dinas Kesehatan Kota Kupang")
    cases = {
        "position": await make_event(session, "T-POS", starts_at=STARTS, positions=["Perawat Ahli Muda"]),
        "position_type": await make_event(session, "T-TYPE", starts_at=STARTS, position_types=["Pengawas"]),
        "unit": await make_event(session, "T-UNIT", starts_at=STARTS, unit_ids=[elsewhere]),
    }
    for criterion, event in cases.items():
        with pytest.raises(NotEligible) as refused:
            await register(session, event_id=event.id, employee_id=first, now=NOW)
        assert (refused.value.reason, refused.value.criterion) == ("not_eligible", criterion)

    open_to_them = await make_event(
        session,
        "T-OK",
        starts_at=STARTS,
        positions=[DEFAULT_POSITION],
        position_types=["fungsional"],
        unit_ids=[asn[0].unit_id],
    )
    result = await register(session, event_id=open_to_them.id, employee_id=first, now=NOW)
    assert result.status is Status.REGISTERED


async def test_a_clash_names_the_other_event_and_a_cancelled_one_does_not_clash(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    overlapping = await make_event(
        session, "PP-02", title="Seminar Kebijakan", starts_at=STARTS + timedelta(hours=4)
    )
    first = await register(session, event_id=training.id, employee_id=asn[0].id, now=NOW)
    with pytest.raises(ScheduleClash) as clash:
        await register(session, event_id=overlapping.id, employee_id=asn[0].id, now=NOW)
    assert clash.value.reason == "schedule_clash"
    assert (clash.value.code, clash.value.title) == ("PP-01", "Pelatihan PP-01")

    await cancel(
        session, registration_id=first.registration_id, employee_id=asn[0].id, now=NOW, cutoff=CUTOFF
    )
    later = await register(session, event_id=overlapping.id, employee_id=asn[0].id, now=NOW)
    assert later.status is Status.REGISTERED

    back_to_back = await make_event(session, "PP-03", starts_at=STARTS + timedelta(hours=12))
    assert (await register(session, event_id=back_to_back.id, employee_id=asn[0].id, now=NOW)).status is (
        Status.REGISTERED
    )


async def test_registering_twice_is_refused_with_the_current_status(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    for employee in asn[:3]:
        await register(session, event_id=training.id, employee_id=employee.id, now=NOW)
    with pytest.raises(AlreadyRegistered) as seated:
        await register(session, event_id=training.id, employee_id=asn[0].id, now=NOW)
    assert (seated.value.reason, seated.value.status) == ("already_registered", Status.REGISTERED)
    with pytest.raises(AlreadyRegistered) as queued:
        await register(session, event_id=training.id, employee_id=asn[2].id, now=NOW)
    assert queued.value.status is Status.WAITLISTED
    assert await seats_taken(session, training.id) == 2


async def test_registering_again_after_cancelling_reuses_the_row(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    first = await register(session, event_id=training.id, employee_id=asn[0].id, now=NOW)
    await cancel(
        session, registration_id=first.registration_id, employee_id=asn[0].id, now=NOW, cutoff=CUTOFF
    )
    again = await register(session, event_id=training.id, employee_id=asn[0].id, now=NOW + timedelta(hours=1))
    assert again.registration_id == first.registration_id
    assert again.status is Status.REGISTERED
    row = await session.get_one(Registration, first.registration_id, populate_existing=True)
    assert (row.cancelled_at, row.registered_at) == (None, NOW + timedelta(hours=1))
    assert await session.scalar(select(func.count()).select_from(Registration)) == 1
    assert await seats_taken(session, training.id) == 1


# ---------------------------------------------------------------------------- cancel and the waitlist


async def test_a_cancellation_gives_the_seat_to_the_first_in_the_queue_at_once(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    results = [
        await register(session, event_id=training.id, employee_id=e.id, now=NOW + timedelta(minutes=i))
        for i, e in enumerate(asn[:4])
    ]
    outcome = await cancel(
        session, registration_id=results[1].registration_id, employee_id=asn[1].id, now=NOW, cutoff=CUTOFF
    )
    assert outcome.freed_seat
    assert [p.employee_id for p in outcome.promoted] == [asn[2].id]
    assert await waitlist(session, training.id) == [asn[3].id]
    assert await seats_taken(session, training.id) == 2

    queued = await cancel(
        session, registration_id=results[3].registration_id, employee_id=asn[3].id, now=NOW, cutoff=CUTOFF
    )
    assert (queued.freed_seat, queued.promoted) == (False, [])
    with pytest.raises(NotCancellable) as twice:
        await cancel(
            session, registration_id=results[3].registration_id, employee_id=asn[3].id, now=NOW, cutoff=CUTOFF
        )
    assert twice.value.status is Status.CANCELLED


async def test_only_the_owner_cancels_and_not_after_the_cutoff(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    mine = await register(session, event_id=training.id, employee_id=asn[0].id, now=NOW)
    with pytest.raises(RegistrationNotFound):
        await cancel(
            session, registration_id=mine.registration_id, employee_id=asn[1].id, now=NOW, cutoff=CUTOFF
        )
    cutoff_at = STARTS - CUTOFF
    with pytest.raises(CancellationTooLate) as late:
        await cancel(
            session,
            registration_id=mine.registration_id,
            employee_id=asn[0].id,
            now=cutoff_at + timedelta(minutes=1),
            cutoff=CUTOFF,
        )
    assert (late.value.reason, late.value.cutoff_at, late.value.organizer) == (
        "cancellation_too_late",
        cutoff_at,
        "BPSDM Provinsi NTT",
    )
    assert (await statuses(session, training.id))[asn[0].id] is Status.REGISTERED
    on_time = await cancel(
        session, registration_id=mine.registration_id, employee_id=asn[0].id, now=cutoff_at, cutoff=CUTOFF
    )
    assert on_time.freed_seat


async def test_raising_the_quota_promotes_from_the_queue_in_order(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    for i, employee in enumerate(asn[:6]):
        await register(session, event_id=training.id, employee_id=employee.id, now=NOW + timedelta(minutes=i))
    promoted = await set_quota(session, event_id=training.id, quota=4, actor=HR, now=NOW)
    assert [p.employee_id for p in promoted] == [asn[2].id, asn[3].id]
    assert await waitlist(session, training.id) == [asn[4].id, asn[5].id]
    assert await seats_taken(session, training.id) == 4
    with pytest.raises(QuotaBelowSeatsTaken) as lower:
        await set_quota(session, event_id=training.id, quota=3, actor=HR, now=NOW)
    assert lower.value.seats_taken == 4
    assert await promote_waitlist(session, event_id=training.id, now=NOW) == []


async def test_hr_removal_frees_the_seat_for_the_queue_and_blocks_re_registration(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    results = [
        await register(session, event_id=training.id, employee_id=e.id, now=NOW + timedelta(minutes=i))
        for i, e in enumerate(asn[:3])
    ]
    removed = await remove_registration(
        session, registration_id=results[0].registration_id, actor=HR, now=NOW
    )
    assert removed.employee_id == asn[0].id
    assert [p.employee_id for p in removed.promoted] == [asn[2].id]
    with pytest.raises(AlreadyRegistered) as again:
        await register(session, event_id=training.id, employee_id=asn[0].id, now=NOW)
    assert again.value.status is Status.REJECTED


# ---------------------------------------------------------------------------- approval


async def test_approval_gives_a_seat_or_the_queue_and_rejection_is_final(
    session: AsyncSession, asn: list[Employee]
) -> None:
    workshop = await make_event(session, "WS-01", starts_at=STARTS, quota=1)
    await configure(session, workshop, requires_approval=True)
    asked = [
        await register(session, event_id=workshop.id, employee_id=e.id, now=NOW + timedelta(minutes=i))
        for i, e in enumerate(asn[:3])
    ]
    assert [r.status for r in asked] == [Status.PENDING] * 3
    assert not any(r.awaiting_allocation for r in asked)
    assert await seats_taken(session, workshop.id) == 0

    yes = await decide(
        session, registration_id=asked[0].registration_id, approve=True, actor_telegram_id=HR, now=NOW
    )
    assert (yes.status, yes.employee_id) == (Status.REGISTERED, asn[0].id)
    full = await decide(
        session, registration_id=asked[1].registration_id, approve=True, actor_telegram_id=HR, now=NOW
    )
    assert (full.status, full.waitlist_position) == (Status.WAITLISTED, 1)
    no = await decide(
        session, registration_id=asked[2].registration_id, approve=False, actor_telegram_id=HR, now=NOW
    )
    assert no.status is Status.REJECTED
    with pytest.raises(NotPending):
        await decide(
            session, registration_id=asked[2].registration_id, approve=True, actor_telegram_id=HR, now=NOW
        )
    row = await session.get_one(Registration, asked[0].registration_id, populate_existing=True)
    assert row.decided_by == HR
    assert await seats_taken(session, workshop.id) == 1


# ---------------------------------------------------------------------------- fair allocation


async def test_priority_seats_go_by_need_then_fewest_jp_then_time_then_id(
    session: AsyncSession,
) -> None:
    """The hand-checked data set. Standard: Pelayanan Publik 3, Integritas 3, Komunikasi 3;
    the event targets Pelayanan Publik and Integritas; 3 seats.

    | ASN | PP | Int | Kom | need | JP 2026 | registered | expected rank |
    | A   | 1  | 2   |     | 3    | 10      | 09.01      | 2 |
    | B   | 2  | 2   |     | 2    | 0       | 09.02      | 4 (ties F; lower id) |
    | C   | 1  | 2   |     | 3    | 4       | 09.03      | 1 |
    | D   | 3  | 3   | 1   | 0    | 0       | 09.04      | 6 (Komunikasi not targeted) |
    | E   | 2  | 2   |     | 2    | 0       | 09.00      | 3 |
    | F   | 2  | 2   |     | 2    | 0       | 09.02      | 5 |
    | G   | 4  | 3   |     | 0    | 2 (+20 in 2025) | 09.05 | 7 (above standard counts 0) |
    Seats: C, A, E. Queue: B, F, D, G.
    """
    await set_standard(session, DEFAULT_POSITION, {"Pelayanan Publik": 3, "Integritas": 3, "Komunikasi": 3})
    a, b, c, d, e, f, g = await make_employees(session, 7)
    levels = {
        a: {"Pelayanan Publik": 1, "Integritas": 2},
        b: {"Pelayanan Publik": 2, "Integritas": 2},
        c: {"Pelayanan Publik": 1, "Integritas": 2},
        d: {"Pelayanan Publik": 3, "Integritas": 3, "Komunikasi": 1},
        e: {"Pelayanan Publik": 2, "Integritas": 2},
        f: {"Pelayanan Publik": 2, "Integritas": 2},
        g: {"Pelayanan Publik": 4, "Integritas": 3},
    }
    for employee, assessed in levels.items():
        await assess(session, employee, assessed, on=date(2025, 11, 3))
    await learned(session, a, "Diklat A", on=date(2026, 2, 2), jp=10)
    await learned(session, c, "Diklat C", on=date(2026, 1, 20), jp=4)
    await learned(session, g, "Diklat G", on=date(2026, 2, 10), jp=2)
    await learned(session, g, "Diklat G lama", on=date(2025, 12, 31), jp=20)
    event = await make_event(
        session, "PRI-01", starts_at=STARTS, quota=3, competencies=["Pelayanan Publik", "Integritas"]
    )
    await configure(session, event, allocation=Allocation.PRIORITY)

    registered_at = {a: 1, b: 2, c: 3, d: 4, e: 0, f: 2, g: 5}
    ids = {}
    for employee in (a, b, c, d, e, f, g):  # B before F: same minute, B's row comes first
        result = await register(
            session,
            event_id=event.id,
            employee_id=employee.id,
            now=NOW + timedelta(minutes=registered_at[employee]),
        )
        assert (result.status, result.awaiting_allocation) == (Status.PENDING, True)
        ids[employee] = result.registration_id

    before = await standing(session, registration_id=ids[e], employee_id=e.id, now=NOW, timezone=TZ)
    assert (before.rank, before.of, before.provisional) == (3, 7, True)

    report = await allocate(session, event_id=event.id, now=NOW + timedelta(hours=1), timezone=TZ, actor=HR)
    expected = [c, a, e, b, f, d, g]
    assert [p.employee_id for p in report.placements] == [x.id for x in expected]
    assert [p.rank for p in report.placements] == [1, 2, 3, 4, 5, 6, 7]
    assert [(p.score.need, p.score.jp_this_year) for p in report.placements] == [
        (3, 4), (3, 10), (2, 0), (2, 0), (2, 0), (0, 0), (0, 2)
    ]  # fmt: skip
    assert [p.employee_id for p in report.registered] == [c.id, a.id, e.id]
    assert await waitlist(session, event.id) == [b.id, f.id, d.id, g.id]
    assert await seats_taken(session, event.id) == 3

    mine = await standing(session, registration_id=ids[b], employee_id=b.id, now=NOW, timezone=TZ)
    assert mine.score == PriorityScore(need=2, jp_this_year=0, registered_at=NOW + timedelta(minutes=2))
    assert (mine.rank, mine.of, mine.quota, mine.provisional, mine.status) == (
        4,
        7,
        3,
        False,
        Status.WAITLISTED,
    )
    with pytest.raises(RegistrationNotFound):
        await standing(session, registration_id=ids[b], employee_id=a.id, now=NOW, timezone=TZ)

    again = await allocate(session, event_id=event.id, now=NOW + timedelta(days=1), timezone=TZ)
    assert again.already_allocated
    assert again.placements == report.placements
    assert again.allocated_at == NOW + timedelta(hours=1)

    # A seat freed after the allocation goes to the best-ranked in the queue.
    freed = await cancel(session, registration_id=ids[a], employee_id=a.id, now=NOW, cutoff=CUTOFF)
    assert [p.employee_id for p in freed.promoted] == [b.id]


async def test_after_an_early_allocation_latecomers_queue_behind(
    session: AsyncSession, asn: list[Employee]
) -> None:
    event = await make_event(session, "PRI-02", starts_at=STARTS, quota=1)
    await configure(session, event, allocation=Allocation.PRIORITY)
    await register(session, event_id=event.id, employee_id=asn[0].id, now=NOW)
    await register(session, event_id=event.id, employee_id=asn[1].id, now=NOW)
    await allocate(session, event_id=event.id, now=NOW, timezone=TZ, actor=HR)
    late = await register(session, event_id=event.id, employee_id=asn[2].id, now=NOW + timedelta(days=1))
    assert (late.status, late.waitlist_position, late.awaiting_allocation) == (Status.WAITLISTED, 2, False)

    fcfs = await make_event(session, "FC-01", starts_at=STARTS + timedelta(days=7))
    with pytest.raises(NotPriorityEvent):
        await allocate(session, event_id=fcfs.id, now=NOW, timezone=TZ)
