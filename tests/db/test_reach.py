"""Reaching ASN: an event's targets as an audience (ranks, statuses, position types, positions,
units), announcing an event to them once, and organizers writing only to their own registrants,
a few times a day at most, every refusal audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.admin import Scope
from db.announcements import Audience, count, publish, registrants
from db.models import AuditLog, Employee, EmploymentStatus, EventStatus, OutboxMessage, TelegramAccount
from tests.utils.employees import make_employees, unit_id
from tests.utils.events import configure, make_event
from tests.utils.office_time import wita
from tests.utils.registrations import register

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
HR = Scope(1, hr=True)
UNDANA = "Universitas Nusa Cendana"
UNDANA_STAFF = Scope(2, hr=False, organizers=frozenset({UNDANA}))
YEAR = {"year": 2026, "target": 20}


async def _link(session: AsyncSession, *employees: Employee) -> None:
    for employee in employees:
        session.add(
            TelegramAccount(
                telegram_user_id=500 + employee.id, chat_id=500 + employee.id, employee_id=employee.id
            )
        )
    await session.commit()


async def _audited(session: AsyncSession, action: str) -> list[AuditLog]:
    return list(await session.scalars(select(AuditLog).where(AuditLog.action == action)))


async def test_an_events_targets_are_every_condition_it_sets(session: AsyncSession) -> None:
    people = await make_employees(session, 5)
    health = await unit_id(session, "Dinas Kesehatan")
    people[1].status = EmploymentStatus.PPPK
    people[2].rank = "IV/a"
    people[3].position_type = "Pelaksana"
    people[4].unit_id = health
    await _link(session, *people)
    event = await make_event(session, "PKP-01", starts_at=wita(2026, 12, 14), position_types=["Fungsional"])
    audience = Audience(event_targets="pkp-01")

    assert await count(session, audience=audience, **YEAR) == 4
    await configure(session, event, target_ranks=["III/a"], target_statuses=["pns"])
    assert await count(session, audience=audience, **YEAR) == 2
    await configure(session, event, target_unit_ids=[health])
    assert await count(session, audience=audience, **YEAR) == 1
    assert await count(session, audience=Audience(event_targets="PKP-99"), **YEAR) == 0


async def test_an_event_is_announced_to_each_target_once(session: AsyncSession) -> None:
    people = await make_employees(session, 3)
    await _link(session, *people[:2])
    event = await make_event(session, "SEM-01", starts_at=wita(2026, 12, 14), organizer=UNDANA)

    preview = await publish.preview(session, scope=UNDANA_STAFF, event_id=event.id, now=NOW, **YEAR)
    assert (preview.reached, preview.told, preview.unlinked) == (2, 0, 1)
    sent = await publish.publish(session, scope=UNDANA_STAFF, event_id=event.id, actor=2, now=NOW, **YEAR)
    assert sent.recipient_count == 2
    await _link(session, people[2])
    again = await publish.publish(session, scope=HR, event_id=event.id, actor=1, now=NOW, **YEAR)
    assert again.recipient_count == 1
    rows = await session.scalars(
        select(OutboxMessage.chat_id).where(OutboxMessage.template == "announce_event")
    )
    assert sorted(rows) == sorted(500 + p.id for p in people)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"organizer": "Universitas Katolik Widya Mandira"}, "not_found"),
        ({"status": EventStatus.REVIEW}, "not_published"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"starts_at": NOW - timedelta(hours=1)}, "started"),
    ],
)
async def test_an_announcement_the_organizer_may_not_make_is_refused_and_audited(
    session: AsyncSession, change: dict[str, object], reason: str
) -> None:
    event = await make_event(session, "SEM-01", starts_at=wita(2026, 12, 14), organizer=UNDANA)
    await configure(session, event, **change)
    with pytest.raises(publish.PublishRefused) as refused:
        await publish.publish(session, scope=UNDANA_STAFF, event_id=event.id, actor=2, now=NOW, **YEAR)
    assert refused.value.reason == reason
    (logged,) = await _audited(session, "event.announce_refused")
    assert logged.details == {"reason": reason}


async def test_an_organizer_writes_to_its_registrants_a_few_times_a_day(session: AsyncSession) -> None:
    event = await make_event(session, "SEM-01", starts_at=wita(2026, 12, 14), organizer=UNDANA)
    people = await make_employees(session, 2)
    await register(session, people[0], event)
    await _link(session, *people)

    for number in range(registrants.PER_DAY):
        ready = await registrants.compose(
            session, scope=UNDANA_STAFF, telegram_user_id=2, event_id=event.id, text=f"Pesan {number}", **YEAR
        )
        assert ready.reached == 1
        sent = await registrants.send(
            session, scope=UNDANA_STAFF, telegram_user_id=2, draft_id=ready.announcement.id, now=NOW, **YEAR
        )
        assert sent is not None
    ready = await registrants.compose(
        session, scope=UNDANA_STAFF, telegram_user_id=2, event_id=event.id, text="Satu lagi", **YEAR
    )
    with pytest.raises(registrants.MessageRefused, match="too_many"):
        await registrants.send(
            session, scope=UNDANA_STAFF, telegram_user_id=2, draft_id=ready.announcement.id, now=NOW, **YEAR
        )
    later = NOW + registrants.WINDOW + timedelta(minutes=1)
    assert await registrants.send(
        session, scope=UNDANA_STAFF, telegram_user_id=2, draft_id=ready.announcement.id, now=later, **YEAR
    )
    chats = await session.scalars(
        select(OutboxMessage.chat_id).where(OutboxMessage.announcement_id.is_not(None))
    )
    assert set(chats) == {500 + people[0].id}


async def test_a_draft_to_an_event_no_longer_the_organizers_is_not_sent(session: AsyncSession) -> None:
    event = await make_event(session, "SEM-01", starts_at=wita(2026, 12, 14), organizer=UNDANA)
    ready = await registrants.compose(
        session, scope=UNDANA_STAFF, telegram_user_id=2, event_id=event.id, text="Halo", **YEAR
    )
    await configure(session, event, organizer="Universitas Katolik Widya Mandira")
    with pytest.raises(registrants.MessageRefused, match="not_found"):
        await registrants.send(
            session, scope=UNDANA_STAFF, telegram_user_id=2, draft_id=ready.announcement.id, now=NOW, **YEAR
        )
    (logged,) = await _audited(session, "registrants_message.refused")
    assert logged.details == {"step": "send", "reason": "not_found"}
