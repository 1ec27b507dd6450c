"""Two bot processes on one PostgreSQL database (issue #15.12), as behind a load balancer: the
updates are split between them, and both run every scheduled job and a dispatcher at the same
time. Nothing is doubled or lost: each cancellation promotes one waitlisted ASN who is told
once, a priority event is allocated once and every registrant told once, each due reminder
and each recipient's announcement goes out once, and the announcement's creator gets one report.

Each "process" here is an application with an engine (connection pool), a bot and a
dispatcher of its own, in this test's event loop; what they share is what separate processes
share: the database and the Bot API server. SQLite serves one process only (see the README).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, Update

from bot import jobs
from bot.app import build_application, build_services
from bot.context import BotApplication, Context
from bot.dispatcher import Dispatcher
from bot.local_api import LocalBotApi, Phone
from bot.settings import Settings
from db import announcements, registration
from db.models import Allocation, Employee, NotificationKind, OutboxMessage, OutboxState
from tests.e2e.conftest import TOKEN, Clock
from tests.utils.employees import make_employees
from tests.utils.events import configure, make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, press, say

pytestmark = pytest.mark.db

ASN = 10
QUOTA = 5
HR = 4242
#: Rounds in which both processes run every job and their dispatcher at once.
ROUNDS = 12


@dataclass
class Process:
    """One bot process: its application (handlers and bot) and its dispatcher."""

    application: BotApplication
    dispatcher: Dispatcher

    def context(self) -> Context:
        """A job's context, as the JobQueue gives it."""
        return Context(self.application)


@pytest.fixture
async def processes(
    api: LocalBotApi, settings: Settings, database_url: str, clock: Clock
) -> AsyncIterator[list[Process]]:
    """Two processes on this test's database and server, started without an updater: the
    load balancer below hands them the updates, as a webhook would."""
    if database_url.startswith("sqlite"):
        pytest.skip("several bot processes need PostgreSQL; SQLite serves one process")
    configured = settings.model_copy(
        update={
            "telegram_api_base_url": api.base_url,
            "database_url": database_url,
            "telegram_bot_token": TOKEN,
        }
    )
    started = []
    for name in ("kupang-a", "kupang-b"):
        services = build_services(configured, clock=clock)
        application = build_application(services, jobs=False)
        await application.initialize()
        await application.start()
        dispatcher = Dispatcher(
            services, application.bot, worker_id=name, rate=200, batch=4, per_chat_interval=0.05
        )
        started.append(Process(application, dispatcher))
    yield started
    for process in started:
        await process.application.stop()
        await process.application.shutdown()
        await process.dispatcher.services.engine.dispose()


async def load_balancer(api: LocalBotApi, processes: list[Process]) -> None:
    """Fetch the updates from the server and hand them to the processes in turn (round robin)."""
    turn = itertools.cycle(processes)
    async with Bot(TOKEN, base_url=api.base_url) as receiver:
        offset = 0
        while True:
            for update in await receiver.get_updates(offset=offset, timeout=1):
                offset = update.update_id + 1
                process = next(turn)
                await process.application.update_queue.put(
                    Update.de_json(update.to_dict(), process.application.bot)
                )


async def cancel(phone: Phone, title: str) -> str:
    """/pendaftaran → the event → ❌ → yes; the bot's last answer."""
    (listing,) = await say(phone, "/pendaftaran")
    (detail,) = await press(phone, next(b for b in listing.button_texts if title in b))
    (confirm,) = await press(phone, next(b for b in detail.button_texts if b.startswith("❌")))
    (done,) = await press(phone, confirm.button_texts[0])
    return done.plain_text


async def seed(session: AsyncSession, api: LocalBotApi, clock: Clock) -> tuple[list[Employee], list[Phone]]:
    """Ten linked ASN, each registered (in this order) for a full first-come training, a
    priority training awaiting its allocation, and a training that starts on 6 December."""
    people = await make_employees(session, ASN)
    full = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14), quota=QUOTA
    )
    priority = await make_event(
        session, "PKP-01", title="Pelatihan Kepemimpinan", starts_at=wita(2026, 12, 20), quota=3
    )
    await configure(
        session, priority, allocation=Allocation.PRIORITY, registration_deadline=wita(2026, 12, 5, 0)
    )
    soon = await make_event(session, "ORI-01", title="Orientasi ASN", starts_at=wita(2026, 12, 6, 9))
    for event in (full, priority, soon):
        for person in people:
            await registration.register(session, event_id=event.id, employee_id=person.id, now=clock.now)
            clock.advance(timedelta(seconds=1))
    phones = [await linked_phone(session, api, person, user_id=6000 + n) for n, person in enumerate(people)]
    return people, phones


async def test_two_processes_on_one_database_double_nothing_and_lose_nothing(
    api: LocalBotApi, processes: list[Process], session: AsyncSession, clock: Clock
) -> None:
    _, phones = await seed(session, api, clock)
    api.user(HR, "HR BKPSDM")
    seated, waiting = phones[:QUOTA], phones[QUOTA:]

    # the five with a seat cancel at the same moment, their updates split between the processes
    balancer = asyncio.create_task(load_balancer(api, processes))
    try:
        answers = await asyncio.gather(*(cancel(phone, "Pelayanan Prima") for phone in seated))
    finally:
        balancer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await balancer
    assert all("dibatalkan" in answer for answer in answers)

    # HR schedules an announcement to every linked ASN for 07.00 on 5 December
    clock.now = wita(2026, 12, 5, 6, 59)
    await announcements.announce(
        session,
        text="Apel pagi ditiadakan",
        audience=announcements.Audience(),
        due_at=wita(2026, 12, 5, 7),
        now=clock.now,
        year=2026,
        target=20,
        created_by=HR,
    )
    before = {phone.user_id: len(phone.history) for phone in phones}

    # 07.01: the priority deadline has passed, the H-1 reminder of ORI-01 and the announcement
    # are due; both processes run every job and their dispatcher at once, round after round
    clock.now = wita(2026, 12, 5, 7, 1)
    for _ in range(ROUNDS):
        await asyncio.gather(
            *(
                job
                for process in processes
                for job in (
                    jobs.allocate_due(process.context()),
                    jobs.derive_reminders(process.context()),
                    process.dispatcher.drain(),
                )
            )
        )
        clock.advance(timedelta(seconds=2))

    session.expire_all()
    rows = (
        await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.kind, OutboxMessage.template, OutboxMessage.state)
        )
    ).all()
    sent = [row for row in rows if row.state == OutboxState.SENT]
    assert not [row for row in rows if row.state in (OutboxState.FAILED, OutboxState.SENDING)]
    assert [
        row
        for row in rows
        if row.state == OutboxState.PENDING and row.kind != NotificationKind.EVENT_REMINDER
    ] == []

    def count(kind: NotificationKind, template: str | None = None) -> dict[int, int]:
        found: dict[int, int] = {}
        for row in sent:
            if row.kind == kind and (template is None or row.template == template):
                found[row.chat_id] = found.get(row.chat_id, 0) + 1
        return found

    everyone = {phone.user_id: 1 for phone in phones}
    assert count(NotificationKind.WAITLIST, "reg_promoted") == {phone.user_id: 1 for phone in waiting}
    assert count(NotificationKind.REGISTRATION) == everyone  # PKP-01: a seat, or the waitlist
    assert count(NotificationKind.EVENT_REMINDER, "reminder_h1") == everyone
    assert count(NotificationKind.ANNOUNCEMENT) == everyone
    assert count(NotificationKind.ANNOUNCEMENT_REPORT) == {HR: 1}
    # each row sent reached its phone once: what arrived since is exactly the rows sent
    per_chat: dict[int, int] = {}
    for row in sent:
        per_chat[row.chat_id] = per_chat.get(row.chat_id, 0) + 1
    assert {phone.user_id: len(phone.history) - before[phone.user_id] for phone in phones} == {
        phone.user_id: per_chat[phone.user_id] for phone in phones
    }
    assert len(api.chat_history(HR)) == 1
    workers = await session.execute(
        select(OutboxMessage.claimed_by, func.count()).group_by(OutboxMessage.claimed_by)
    )
    assert {"kupang-a", "kupang-b"} <= {worker for worker, _ in workers.tuples()}, "both processes sent"
