"""Digests to approvers and organizers: one a day each, whatever the number of requests or runs,
and only about the events the recipient manages."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import accounts, digests
from db.engine import SessionFactory
from db.models import Allocation, NotificationKind, OutboxMessage, RegistrationStatus, Role
from tests.utils.employees import make_employees
from tests.utils.events import configure, make_event
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import register

UNDANA = "Universitas Nusa Cendana"
UNWIRA = "Universitas Katolik Widya Mandira"
MORNING = datetime(2026, 12, 4, 8, 5, tzinfo=WITA)


async def _digests(session: AsyncSession) -> list[tuple[int, str, dict[str, object]]]:
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == NotificationKind.STAFF_DIGEST)
        .order_by(OutboxMessage.id)
    )
    return [(row.chat_id, row.template or "", row.context) for row in rows]


async def _pending_event(session: AsyncSession, code: str, organizer: str, requests: int, first: int) -> None:
    event = await make_event(session, code, starts_at=wita(2026, 12, 20), organizer=organizer)
    await configure(session, event, requires_approval=True)
    for employee in await make_employees(session, requests, first=first):
        await register(session, employee, event, status=RegistrationStatus.PENDING, at=wita(2026, 12, 3, 14))


async def test_each_approver_is_told_once_a_day_of_the_requests_they_decide(session: AsyncSession) -> None:
    await _pending_event(session, "SEM-01", UNDANA, 3, 0)
    await _pending_event(session, "SEM-02", UNWIRA, 2, 10)
    await accounts.grant_role(session, telegram_user_id=1, role=Role.HR)
    await accounts.grant_role(session, telegram_user_id=2, role=Role.ORGANIZER, organizer=UNDANA)

    for minutes in range(0, 120, 10):
        await digests.derive(session, now=MORNING + timedelta(minutes=minutes), timezone=WITA, hr_ids=[3])

    approvals = [
        (chat, context["total"])
        for chat, template, context in await _digests(session)
        if template == digests.APPROVALS
    ]
    assert sorted(approvals) == [(1, 5), (2, 3), (3, 5)]


async def test_nothing_is_written_before_office_hours_nor_without_requests(session: AsyncSession) -> None:
    await accounts.grant_role(session, telegram_user_id=1, role=Role.HR)
    await digests.derive(session, now=MORNING, timezone=WITA)
    assert await _digests(session) == []
    await _pending_event(session, "SEM-01", UNDANA, 1, 0)
    await digests.derive(session, now=MORNING.replace(hour=7), timezone=WITA)
    assert await _digests(session) == []


async def test_a_priority_event_waiting_for_its_allocation_asks_no_approval(session: AsyncSession) -> None:
    event = await make_event(session, "PKP-01", starts_at=wita(2026, 12, 20))
    await configure(session, event, requires_approval=True, allocation=Allocation.PRIORITY)
    (employee,) = await make_employees(session, 1)
    await register(session, employee, event, status=RegistrationStatus.PENDING)
    await accounts.grant_role(session, telegram_user_id=1, role=Role.HR)
    await digests.derive(session, now=MORNING, timezone=WITA)
    assert await _digests(session) == []


async def test_an_organizer_hears_of_yesterdays_registrations_for_its_own_events(
    session: AsyncSession,
) -> None:
    own = await make_event(session, "SEM-01", starts_at=wita(2026, 12, 20), organizer=UNDANA)
    other = await make_event(session, "SEM-02", starts_at=wita(2026, 12, 20), organizer=UNWIRA)
    people = await make_employees(session, 4)
    await register(session, people[0], own, at=wita(2026, 12, 3, 0, 30))
    await register(session, people[1], own, at=wita(2026, 12, 3, 23, 30))
    await register(session, people[2], own, at=wita(2026, 12, 2, 23, 30))  # the day before
    await register(session, people[3], other, at=wita(2026, 12, 3, 10))
    await accounts.grant_role(session, telegram_user_id=2, role=Role.ORGANIZER, organizer=UNDANA)

    await digests.derive(session, now=MORNING, timezone=WITA)
    await digests.derive(session, now=MORNING + timedelta(hours=8), timezone=WITA)

    ((chat, template, context),) = await _digests(session)
    assert (chat, template, context["total"]) == (2, digests.REGISTRATIONS, 2)
    assert context["events"] == [{"code": "SEM-01", "title": own.title, "count": 2}]


async def test_two_bot_processes_deriving_at_once_write_each_digest_once(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    await _pending_event(session, "SEM-01", UNDANA, 2, 0)
    await accounts.grant_role(session, telegram_user_id=1, role=Role.HR)

    async def one_process(minutes: int) -> None:
        async with sessions() as own:
            await digests.derive(own, now=MORNING + timedelta(minutes=minutes), timezone=WITA)

    await asyncio.gather(one_process(0), one_process(1))

    assert [(chat, template) for chat, template, _ in await _digests(session)] == [(1, digests.APPROVALS)]
