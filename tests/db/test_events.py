"""HR changes or cancels an event: typed times read in WITA, the preview checked, the change
saved once, every registrant told through the outbox, reminders following at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import catalog, events, outbox, registration, reminders
from db.engine import SessionFactory
from db.events import EventChangeError, Field
from db.models import (
    AuditLog,
    Employee,
    Event,
    EventKind,
    EventStatus,
    NotificationKind,
    OutboxMessage,
    OutboxState,
    Registration,
    RegistrationStatus,
    TelegramAccount,
)
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import register, seats_taken

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
HR = 9001
Status = RegistrationStatus


async def _link(session: AsyncSession, employee: Employee, user_id: int) -> None:
    session.add(TelegramAccount(telegram_user_id=user_id, chat_id=user_id, employee_id=employee.id))
    await session.commit()


async def _event_with_registrants(session: AsyncSession) -> tuple[Event, list[Employee]]:
    """PRIMA-01 on 14 December 09.00 WITA, two seats: one per status, all linked."""
    event = await make_event(
        session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14), quota=2
    )
    people = await make_employees(session, 5)
    for number, (employee, status) in enumerate(
        zip(
            people,
            [Status.REGISTERED, Status.REGISTERED, Status.WAITLISTED, Status.PENDING, Status.CANCELLED],
            strict=True,
        )
    ):
        await register(session, employee, event, status=status)
        await _link(session, employee, 500 + number)
    event.seats_taken = 2
    await session.commit()
    await reminders.derive(session, now=NOW, timezone=WITA)
    return event, people


async def _rows(session: AsyncSession, prefix: str) -> list[OutboxMessage]:
    found = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.dedupe_key.startswith(prefix))
        .order_by(OutboxMessage.chat_id)
        .execution_options(populate_existing=True)
    )
    return list(found)


async def _pending_reminders(session: AsyncSession) -> list[datetime]:
    rows = await session.scalars(
        select(OutboxMessage.due_at)
        .where(
            OutboxMessage.state == OutboxState.PENDING, OutboxMessage.dedupe_key.startswith(reminders.PREFIX)
        )
        .order_by(OutboxMessage.due_at)
    )
    return list(rows)


# ---------------------------------------------------------------------------- reading what HR types


@pytest.mark.parametrize(
    "typed",
    [
        "12/12/2026 08.00-16.00",
        "12-12-2026 08:00 - 16:00",
        "2026-12-12 08.00 s.d. 16.00 WITA",
        "12.12.2026 pukul 08.00 sampai 16.00",
        "  12/12/2026   8.00 – 16.00 ",
    ],
)
def test_a_one_day_schedule_is_read_in_office_time(typed: str) -> None:
    assert events.parse_schedule(typed, timezone=WITA) == (wita(2026, 12, 12, 8), wita(2026, 12, 12, 16))


def test_a_schedule_over_several_days_has_two_dates() -> None:
    assert events.parse_schedule("12/12/2026 08.00 - 14/12/2026 12.00", timezone=WITA) == (
        wita(2026, 12, 12, 8),
        wita(2026, 12, 14, 12),
    )


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("besok pagi", "format"),
        ("12/12/2026", "format"),
        ("12/12/2026 08.00", "format"),
        ("12/12/2026 08.00-16.00 tolong", "format"),
        ("31/02/2026 08.00-16.00", "no_such_date"),
        ("12/12/2026 25.00-26.00", "no_such_date"),
    ],
)
def test_garbage_is_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(EventChangeError) as refused:
        events.parse_schedule(typed, timezone=WITA)
    assert refused.value.reason == reason


def test_a_deadline_is_a_date_and_time_or_the_end_of_a_date() -> None:
    assert events.parse_deadline("10/12/2026 12.00", timezone=WITA) == wita(2026, 12, 10, 12)
    assert events.parse_deadline("10/12/2026", timezone=WITA) == wita(2026, 12, 10, 23, 59)


def test_a_location_is_trimmed_and_limited() -> None:
    assert events.parse_location("  Hotel Aston,\n Kupang ") == "Hotel Aston, Kupang"
    with pytest.raises(EventChangeError, match="too_long"):
        events.parse_location("x" * 301)
    with pytest.raises(EventChangeError, match="empty"):
        events.parse_location("   ")


# ---------------------------------------------------------------------------- the preview


@pytest.mark.parametrize(
    ("field", "typed", "reason"),
    [
        (Field.SCHEDULE, "12/12/2026 16.00-08.00", "ends_before_start"),
        (Field.SCHEDULE, "30/11/2026 08.00-16.00", "start_in_past"),
        (Field.SCHEDULE, "10/12/2026 08.00-16.00", "start_before_deadline"),
        (Field.SCHEDULE, "14/12/2026 09.00-17.00", "unchanged"),
        (Field.DEADLINE, "30/11/2026 12.00", "deadline_in_past"),
        (Field.DEADLINE, "15/12/2026 12.00", "deadline_after_start"),
        (Field.LOCATION, "Aula BPSDM, Jl. Polisi Militer, Kupang", "unchanged"),
    ],
)
async def test_a_change_that_breaks_the_rules_is_refused_before_the_preview(
    session: AsyncSession, field: Field, typed: str, reason: str
) -> None:
    event = await make_event(session, "PRIMA-01", starts_at=wita(2026, 12, 14))
    with pytest.raises(EventChangeError) as refused:
        await events.propose(session, event_id=event.id, field=field, text=typed, now=NOW, timezone=WITA)
    assert refused.value.reason == reason


async def test_a_started_or_cancelled_event_cannot_be_changed(session: AsyncSession) -> None:
    started = await make_event(session, "PRIMA-01", starts_at=wita(2026, 11, 30))
    cancelled = await make_event(
        session, "PRIMA-02", starts_at=wita(2026, 12, 20), status=EventStatus.CANCELLED
    )
    for event, reason in ((started, "started"), (cancelled, "cancelled")):
        with pytest.raises(EventChangeError, match=reason):
            await events.propose(
                session, event_id=event.id, field=Field.LOCATION, text="Hotel", now=NOW, timezone=WITA
            )


async def test_the_preview_shows_before_and_after(session: AsyncSession) -> None:
    event = await make_event(session, "PRIMA-01", starts_at=wita(2026, 12, 14))
    proposal = await events.propose(
        session,
        event_id=event.id,
        field=Field.SCHEDULE,
        text="21/12/2026 08.00-16.00",
        now=NOW,
        timezone=WITA,
    )
    assert proposal.before == {
        "starts_at": "2026-12-14T01:00:00+00:00",
        "ends_at": "2026-12-14T09:00:00+00:00",
    }
    assert proposal.after == {
        "starts_at": "2026-12-21T00:00:00+00:00",
        "ends_at": "2026-12-21T08:00:00+00:00",
    }
    assert events.Proposal.from_state(proposal.as_state()) == proposal


# ---------------------------------------------------------------------------- saving a change


async def test_a_new_schedule_is_saved_registrants_are_told_and_reminders_move(session: AsyncSession) -> None:
    event, _ = await _event_with_registrants(session)
    assert (
        await _pending_reminders(session)
        == [wita(2026, 12, 7, 7)] * 2 + [wita(2026, 12, 13, 7)] * 2 + [wita(2026, 12, 14, 6)] * 2
    )
    proposal = await events.propose(
        session,
        event_id=event.id,
        field=Field.SCHEDULE,
        text="21/12/2026 08.00-16.00",
        now=NOW,
        timezone=WITA,
    )
    applied = await events.apply_change(session, proposal=proposal, actor=HR, now=NOW, timezone=WITA)

    assert applied.already is False
    assert applied.notified == 4  # registered ×2, waitlisted, pending; not the cancelled one
    assert applied.reminders == reminders.Derived(added=6, withdrawn=6)
    stored = await session.scalar(select(Event).execution_options(populate_existing=True))
    assert stored is not None
    assert (stored.starts_at, stored.ends_at) == (wita(2026, 12, 21, 8), wita(2026, 12, 21, 16))
    assert (
        await _pending_reminders(session)
        == [wita(2026, 12, 14, 7)] * 2 + [wita(2026, 12, 20, 7)] * 2 + [wita(2026, 12, 21, 6)] * 2
    )
    notices = await _rows(session, "event-change:")
    assert [n.chat_id for n in notices] == [500, 501, 502, 503]
    assert {n.kind for n in notices} == {NotificationKind.EVENT_CHANGE}
    assert notices[0].template == "event_changed"
    assert notices[0].context["before"] == proposal.before
    assert notices[0].context["after"] == proposal.after
    assert notices[0].due_at == NOW
    entry = await session.scalar(select(AuditLog).where(AuditLog.action == "event.change"))
    assert entry is not None
    assert entry.actor_telegram_id == HR
    assert entry.subject == f"event:{event.id}"
    assert entry.details["to"] == proposal.after
    assert entry.details["notified"] == 4


async def test_saving_twice_tells_once_but_a_later_change_is_told_again(session: AsyncSession) -> None:
    event, _ = await _event_with_registrants(session)
    first = await events.propose(
        session, event_id=event.id, field=Field.LOCATION, text="Hotel Aston Kupang", now=NOW, timezone=WITA
    )
    await events.apply_change(session, proposal=first, actor=HR, now=NOW, timezone=WITA)
    again = await events.apply_change(session, proposal=first, actor=HR, now=NOW, timezone=WITA)
    assert again.already is True
    assert len(await _rows(session, "event-change:")) == 4

    back = await events.propose(
        session,
        event_id=event.id,
        field=Field.LOCATION,
        text="Aula BPSDM, Jl. Polisi Militer, Kupang",
        now=NOW,
        timezone=WITA,
    )
    await events.apply_change(session, proposal=back, actor=HR, now=NOW, timezone=WITA)
    assert len(await _rows(session, "event-change:")) == 8
    with pytest.raises(EventChangeError, match="stale"):
        # the first preview again, now that the place has moved on
        await events.apply_change(
            session,
            proposal=events.Proposal(event.id, Field.LOCATION, {"location": "Gedung lain"}, first.after),
            actor=HR,
            now=NOW,
            timezone=WITA,
        )


async def test_a_new_place_reaches_the_pending_same_day_reminders(session: AsyncSession) -> None:
    event, _ = await _event_with_registrants(session)
    proposal = await events.propose(
        session, event_id=event.id, field=Field.LOCATION, text="Hotel Aston Kupang", now=NOW, timezone=WITA
    )
    applied = await events.apply_change(session, proposal=proposal, actor=HR, now=NOW, timezone=WITA)
    assert applied.reminders == reminders.Derived(added=0, withdrawn=0)
    places = {row.context["location"] for row in await _rows(session, reminders.PREFIX)}
    assert places == {"Hotel Aston Kupang"}


async def test_a_new_deadline_is_checked_and_saved(session: AsyncSession) -> None:
    event, _ = await _event_with_registrants(session)
    proposal = await events.propose(
        session, event_id=event.id, field=Field.DEADLINE, text="12/12/2026 12.00", now=NOW, timezone=WITA
    )
    await events.apply_change(session, proposal=proposal, actor=HR, now=NOW, timezone=WITA)
    deadline = await session.scalar(
        select(Event.registration_deadline).execution_options(populate_existing=True)
    )
    assert deadline == wita(2026, 12, 12, 12)


# ---------------------------------------------------------------------------- cancelling


async def test_a_cancelled_event_frees_its_seats_withdraws_its_reminders_and_tells_everyone(
    session: AsyncSession,
) -> None:
    event, people = await _event_with_registrants(session)
    done = await events.cancel_event(
        session, event_id=event.id, reason="speaker", reason_text=None, actor=HR, now=NOW, timezone=WITA
    )
    assert done == events.Cancelled(already=False, registrations=4, seats_freed=2, notified=4, withdrawn=6)
    stored = await session.scalar(select(Event).execution_options(populate_existing=True))
    assert stored is not None
    assert stored.status is EventStatus.CANCELLED
    assert await seats_taken(session, event.id) == 0
    rows = (
        await session.execute(
            select(Registration.status, Registration.decided_by)
            .order_by(Registration.employee_id)
            .execution_options(populate_existing=True)
        )
    ).all()
    assert [(status, by) for status, by in rows] == [(Status.CANCELLED, HR)] * 4 + [(Status.CANCELLED, None)]
    assert await _pending_reminders(session) == []
    notices = await _rows(session, "event-cancel:")
    assert [n.chat_id for n in notices] == [500, 501, 502, 503]
    assert notices[0].context["reason"] == "speaker"
    entry = await session.scalar(select(AuditLog).where(AuditLog.action == "event.cancel"))
    assert entry is not None
    assert entry.details["reason"] == "speaker"

    again = await events.cancel_event(
        session, event_id=event.id, reason="speaker", reason_text=None, actor=HR, now=NOW, timezone=WITA
    )
    assert again.already is True
    assert len(await _rows(session, "event-cancel:")) == 4
    assert (await reminders.derive(session, now=NOW, timezone=WITA)).added == 0
    with pytest.raises(registration.EventCancelled):
        await registration.register(session, event_id=event.id, employee_id=people[4].id, now=NOW)


async def test_a_cancelled_event_leaves_the_catalog_and_the_recommendations(session: AsyncSession) -> None:
    event = await make_event(session, "PRIMA-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14))
    (employee,) = await make_employees(session, 1)
    kinds = frozenset({EventKind.PELATIHAN})
    assert [card.id for card in (await catalog.upcoming_events(session, kinds=kinds, now=NOW)).items] == [
        event.id
    ]
    await events.cancel_event(
        session,
        event_id=event.id,
        reason=events.TYPED,
        reason_text="Gedung dipakai untuk posko banjir",
        actor=HR,
        now=NOW,
        timezone=WITA,
    )
    assert (await catalog.upcoming_events(session, kinds=kinds, now=NOW)).items == []
    assert (
        await catalog.recommendations(session, employee_id=employee.id, now=NOW, year=2026, target=20) == []
    )


async def test_a_cancelled_event_withdraws_pending_evaluation_requests(session: AsyncSession) -> None:
    event = await make_event(session, "PRIMA-01", starts_at=wita(2026, 12, 14))
    (employee,) = await make_employees(session, 1)
    await register(session, employee, event)
    reg_id = await session.scalar(select(Registration.id))
    await outbox.enqueue(
        session,
        chat_id=77,
        kind=NotificationKind.EVALUATION,
        due_at=event.ends_at,
        template="reg_rate_request",
        context={"title": event.title},
        dedupe_key=f"evaluation:{reg_id}",
    )
    await session.commit()
    await events.cancel_event(
        session, event_id=event.id, reason="weather", reason_text=None, actor=HR, now=NOW, timezone=WITA
    )
    (request,) = await _rows(session, "evaluation:")
    assert request.state is OutboxState.SKIPPED


async def test_a_started_event_cannot_be_cancelled(session: AsyncSession) -> None:
    event = await make_event(session, "PRIMA-01", starts_at=NOW - timedelta(hours=1))
    with pytest.raises(EventChangeError, match="started"):
        await events.cancel_event(
            session, event_id=event.id, reason="agenda", reason_text=None, actor=HR, now=NOW, timezone=WITA
        )
    status = await session.scalar(select(Event.status).execution_options(populate_existing=True))
    assert status is EventStatus.PUBLISHED


async def test_an_asn_who_cancels_and_registers_again_gets_the_reminders_back(session: AsyncSession) -> None:
    event = await make_event(session, "PRIMA-01", starts_at=wita(2026, 12, 14))
    (employee,) = await make_employees(session, 1)
    await _link(session, employee, 500)
    first = await registration.register(session, event_id=event.id, employee_id=employee.id, now=NOW)
    await reminders.derive(session, now=NOW, timezone=WITA)
    await registration.cancel(
        session,
        registration_id=first.registration_id,
        employee_id=employee.id,
        now=NOW,
        cutoff=timedelta(hours=24),
    )
    assert await reminders.derive(session, now=NOW, timezone=WITA) == reminders.Derived(added=0, withdrawn=3)
    await registration.register(session, event_id=event.id, employee_id=employee.id, now=NOW)
    assert await reminders.derive(session, now=NOW, timezone=WITA) == reminders.Derived(added=3, withdrawn=0)
    assert len(await _pending_reminders(session)) == 3


# ---------------------------------------------------------------------------- double taps


async def test_a_change_saved_twice_at_once_is_saved_and_told_once(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    event, _ = await _event_with_registrants(session)
    proposal = await events.propose(
        session, event_id=event.id, field=Field.LOCATION, text="Hotel Aston Kupang", now=NOW, timezone=WITA
    )

    async def save() -> events.Applied:
        async with sessions() as own:
            return await events.apply_change(own, proposal=proposal, actor=HR, now=NOW, timezone=WITA)

    results = await asyncio.gather(save(), save())

    assert sorted(result.already for result in results) == [False, True]
    assert len(await _rows(session, "event-change:")) == 4
    entries = await session.scalars(select(AuditLog).where(AuditLog.action == "event.change"))
    assert len(list(entries)) == 1


async def test_an_event_moved_back_and_forth_tells_each_move(session: AsyncSession) -> None:
    event, _ = await _event_with_registrants(session)
    for place in ("Hotel Aston Kupang", "Aula BPSDM, Jl. Polisi Militer, Kupang", "Hotel Aston Kupang"):
        proposal = await events.propose(
            session, event_id=event.id, field=Field.LOCATION, text=place, now=NOW, timezone=WITA
        )
        applied = await events.apply_change(session, proposal=proposal, actor=HR, now=NOW, timezone=WITA)
        assert applied.notified == 4
    assert len(await _rows(session, "event-change:")) == 12


async def test_an_event_cancelled_twice_at_once_is_cancelled_and_told_once(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    event, _ = await _event_with_registrants(session)

    async def cancel() -> events.Cancelled:
        async with sessions() as own:
            return await events.cancel_event(
                own, event_id=event.id, reason="speaker", reason_text=None, actor=HR, now=NOW, timezone=WITA
            )

    results = await asyncio.gather(cancel(), cancel())

    assert sorted(result.already for result in results) == [False, True]
    assert len(await _rows(session, "event-cancel:")) == 4
    entries = await session.scalars(select(AuditLog).where(AuditLog.action == "event.cancel"))
    assert len(list(entries)) == 1
    assert await seats_taken(session, event.id) == 0
