"""Event reminders are derived from registrations: H-7 and H-1 at 07.00 WITA and at 06.00 on
the day, never twice, and withdrawn when the registration or the event changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import registration, reminders
from db.models import (
    Event,
    EventStatus,
    LearningRecord,
    OutboxMessage,
    OutboxState,
    Registration,
    TelegramAccount,
)
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.office_time import WITA, wita

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


async def _pending(session: AsyncSession) -> list[tuple[str, datetime]]:
    rows = await session.execute(
        select(OutboxMessage.template, OutboxMessage.due_at)
        .where(OutboxMessage.state == OutboxState.PENDING)
        .order_by(OutboxMessage.due_at)
        .execution_options(populate_existing=True)
    )
    return [(str(template), due) for template, due in rows.tuples()]


async def _registered(session: AsyncSession, *, linked: bool = True) -> tuple[Event, int]:
    event = await make_event(session, "PRIMA-01", starts_at=wita(2026, 12, 14, 9))
    (employee,) = await make_employees(session, 1)
    if linked:
        session.add(TelegramAccount(telegram_user_id=900, chat_id=900, employee_id=employee.id))
        await session.commit()
    result = await registration.register(session, event_id=event.id, employee_id=employee.id, now=NOW)
    return event, result.registration_id


async def test_a_registered_asn_gets_h7_h1_and_same_day_reminders_in_office_time(
    session: AsyncSession,
) -> None:
    await _registered(session)
    derived = await reminders.derive(session, now=NOW, timezone=WITA)
    assert derived.added == 3
    assert await _pending(session) == [
        ("reminder_h7", wita(2026, 12, 7, 7)),
        ("reminder_h1", wita(2026, 12, 13, 7)),
        ("reminder_today", wita(2026, 12, 14, 6)),
    ]


async def test_deriving_again_after_a_restart_adds_nothing(session: AsyncSession) -> None:
    await _registered(session)
    await reminders.derive(session, now=NOW, timezone=WITA)
    again = await reminders.derive(session, now=NOW + timedelta(minutes=10), timezone=WITA)
    assert again == reminders.Derived(added=0, withdrawn=0)
    assert len(await _pending(session)) == 3


async def test_reminders_already_past_are_not_sent_late(session: AsyncSession) -> None:
    await _registered(session)
    derived = await reminders.derive(session, now=wita(2026, 12, 10), timezone=WITA)
    assert derived.added == 2
    assert [template for template, _ in await _pending(session)] == ["reminder_h1", "reminder_today"]


async def test_a_cancelled_registration_withdraws_its_reminders(session: AsyncSession) -> None:
    _, registration_id = await _registered(session)
    await reminders.derive(session, now=NOW, timezone=WITA)
    (employee_id,) = await session.scalars(select(TelegramAccount.employee_id))
    assert employee_id is not None
    await registration.cancel(
        session, registration_id=registration_id, employee_id=employee_id, now=NOW, cutoff=timedelta(hours=24)
    )
    derived = await reminders.derive(session, now=NOW, timezone=WITA)
    assert derived == reminders.Derived(added=0, withdrawn=3)
    assert await _pending(session) == []


async def test_a_moved_event_moves_its_reminders(session: AsyncSession) -> None:
    event, _ = await _registered(session)
    await reminders.derive(session, now=NOW, timezone=WITA)
    event.starts_at = wita(2026, 12, 21, 9)
    event.ends_at = wita(2026, 12, 21, 17)
    await session.commit()
    derived = await reminders.derive(session, now=NOW, timezone=WITA)
    assert derived == reminders.Derived(added=3, withdrawn=3)
    assert [due for _, due in await _pending(session)] == [
        wita(2026, 12, 14, 7),
        wita(2026, 12, 20, 7),
        wita(2026, 12, 21, 6),
    ]


async def test_an_asn_without_a_linked_account_gets_no_reminders(session: AsyncSession) -> None:
    await _registered(session, linked=False)
    assert (await reminders.derive(session, now=NOW, timezone=WITA)).added == 0


async def test_from_october_asn_below_twenty_jp_get_one_nudge_a_month(session: AsyncSession) -> None:
    below, reached, _unlinked = await make_employees(session, 3)
    for number, employee in enumerate((below, reached), start=1):
        session.add(
            TelegramAccount(telegram_user_id=950 + number, chat_id=950 + number, employee_id=employee.id)
        )
    session.add_all(
        [
            LearningRecord(employee_id=below.id, title="Seminar", completed_on=date(2026, 3, 1), jp=12),
            LearningRecord(employee_id=below.id, title="Tahun lalu", completed_on=date(2025, 12, 31), jp=40),
            LearningRecord(employee_id=reached.id, title="PKP", completed_on=date(2026, 5, 1), jp=20),
        ]
    )
    await session.commit()

    september = wita(2026, 9, 15)
    assert await reminders.derive_jp_nudges(session, now=september, timezone=WITA, target=20) == 0
    november = wita(2026, 11, 1, 9)
    assert await reminders.derive_jp_nudges(session, now=november, timezone=WITA, target=20) == 1
    assert (
        await reminders.derive_jp_nudges(session, now=november + timedelta(days=3), timezone=WITA, target=20)
        == 0
    )
    context = await session.scalar(select(OutboxMessage.context).where(OutboxMessage.chat_id == 951))
    assert context == {"total": 12, "planned": 0, "target": 20, "year": 2026}


async def test_the_jp_nudge_counts_the_seats_held_this_year_as_planned(session: AsyncSession) -> None:
    """ "0/20 JP" once went to an ASN registered for 16 JP of training that month: the nudge says
    what is planned, and does not go to whoever has planned enough."""
    short, enough, next_year = await make_employees(session, 3)
    for number, employee in enumerate((short, enough, next_year), start=1):
        session.add(
            TelegramAccount(telegram_user_id=960 + number, chat_id=960 + number, employee_id=employee.id)
        )
    await session.commit()
    november = wita(2026, 11, 1, 9)
    training = await make_event(session, "PP-NOV", starts_at=wita(2026, 11, 16), jp=16)
    seminar = await make_event(session, "SEM-NOV", starts_at=wita(2026, 11, 20), jp=4)
    january = await make_event(session, "PP-JAN", starts_at=wita(2027, 1, 11), jp=40)
    for employee, event in ((short, training), (enough, training), (enough, seminar), (next_year, january)):
        await registration.register(session, event_id=event.id, employee_id=employee.id, now=november)

    assert await reminders.derive_jp_nudges(session, now=november, timezone=WITA, target=20) == 2

    contexts = dict(
        (await session.execute(select(OutboxMessage.chat_id, OutboxMessage.context))).tuples().all()
    )
    assert contexts == {
        961: {"total": 0, "planned": 16, "target": 20, "year": 2026},
        963: {"total": 0, "planned": 0, "target": 20, "year": 2026},
    }


async def test_a_reminder_still_queued_hours_after_its_time_waits_until_the_registration_is_cancelled(
    session: AsyncSession,
) -> None:
    """A dispatcher behind on a long broadcast queue (100 000 messages at 25 a second is over an
    hour): the 07.00 reminder is sent late, never withdrawn for being late."""
    _, registration_id = await _registered(session)
    await reminders.derive(session, now=wita(2026, 12, 7, 7), timezone=WITA)
    assert len(await _pending(session)) == 3

    assert await reminders.derive(session, now=wita(2026, 12, 7, 9), timezone=WITA) == reminders.Derived(0, 0)
    assert await _pending(session) == [
        ("reminder_h7", wita(2026, 12, 7, 7)),
        ("reminder_h1", wita(2026, 12, 13, 7)),
        ("reminder_today", wita(2026, 12, 14, 6)),
    ]

    (employee_id,) = await session.scalars(select(TelegramAccount.employee_id))
    assert employee_id is not None
    await registration.cancel(
        session,
        registration_id=registration_id,
        employee_id=employee_id,
        now=wita(2026, 12, 7, 9),
        cutoff=timedelta(hours=24),
    )
    derived = await reminders.derive(session, now=wita(2026, 12, 7, 9), timezone=WITA)
    assert derived == reminders.Derived(added=0, withdrawn=3)
    assert await _pending(session) == []


async def test_syncing_one_event_leaves_the_reminders_of_the_others_alone(session: AsyncSession) -> None:
    """`sync(event_id=…)` picks that event's rows by registration id, and only those: registration
    1's reminders are not those of registration 11."""
    first = await make_event(session, "PRIMA-01", starts_at=wita(2026, 12, 14, 9))
    other = await make_event(session, "PRIMA-02", starts_at=wita(2026, 12, 15, 9))
    people = await make_employees(session, 11)
    for number, employee in enumerate(people):
        event = first if number == 0 else other
        await registration.register(session, event_id=event.id, employee_id=employee.id, now=NOW)
    for employee in (people[0], people[10]):
        session.add(
            TelegramAccount(telegram_user_id=employee.id, chat_id=employee.id, employee_id=employee.id)
        )
    await session.commit()
    assert (await reminders.derive(session, now=NOW, timezone=WITA)).added == 6
    ids = list(await session.scalars(select(Registration.id).order_by(Registration.id)))
    assert (ids[0], ids[10]) == (1, 11)

    await session.execute(update(Event).where(Event.id == other.id).values(status=EventStatus.CANCELLED))
    assert await reminders.sync(session, now=NOW, timezone=WITA, event_id=first.id) == reminders.Derived(0, 0)
    assert await reminders.sync(session, now=NOW, timezone=WITA, event_id=other.id) == reminders.Derived(0, 3)
    await session.commit()
    assert [template for template, _ in await _pending(session)] == [
        "reminder_h7",
        "reminder_h1",
        "reminder_today",
    ]


async def test_reminders_are_retried_until_their_event_starts_and_no_longer(session: AsyncSession) -> None:
    event, _ = await _registered(session)
    await reminders.derive(session, now=NOW, timezone=WITA)
    event.starts_at = wita(2026, 12, 21, 9)
    event.ends_at = wita(2026, 12, 21, 17)
    await session.commit()
    await reminders.derive(session, now=NOW, timezone=WITA)

    rows = await session.execute(
        select(OutboxMessage.state, OutboxMessage.expires_at).execution_options(populate_existing=True)
    )
    assert sorted(set(rows.tuples())) == [
        (OutboxState.PENDING, wita(2026, 12, 21, 9)),
        (OutboxState.SKIPPED, wita(2026, 12, 14, 9)),
    ]
