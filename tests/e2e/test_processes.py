"""Two `asn-bot run` processes on one PostgreSQL database, in webhook mode behind a round-robin
load balancer (issue #15.12; the deployment the README describes for more than one machine).

Unlike `test_two_processes.py`, which runs two applications in this test's event loop on a
controlled clock, these are real operating-system processes started as an operator would, on
the wall clock, each with its own JobQueue, dispatcher and connection pool. Both run the
allocation and reminder jobs as they start, at the same moment. Nothing may be doubled or lost:
a priority event whose deadline has passed is allocated once and every registrant told once,
each cancellation promotes one waitlisted ASN who is told once, an announcement reaches every
recipient once and its creator gets one report, the derived reminders exist once, and every
update the balancer handed to either process is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi, Phone
from db import announcements, registration
from db.models import (
    Allocation,
    Event,
    NotificationKind,
    OutboxMessage,
    OutboxState,
    Registration,
    RegistrationStatus,
)
from tests.e2e.conftest import TOKEN
from tests.e2e.test_two_processes import cancel
from tests.utils.employees import make_employees
from tests.utils.events import configure, make_event
from tests.utils.learning import learned
from tests.utils.phones import linked_phone

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
SECRET = "rahasia-dua-proses"
HR = 4343
ASN = 12
QUOTA = 6
#: Seconds allowed for both processes to start, answer and drain what is due.
PATIENCE = 90.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class Balancer:
    """A round-robin reverse proxy in front of the processes' webhook servers, as nginx or a
    cloud load balancer would be; counts what it handed to each."""

    backends: list[int]
    port: int = field(default_factory=_free_port)
    handed: dict[int, int] = field(default_factory=dict)

    async def forward(self, request: web.Request) -> web.Response:
        """Pass the update to the next process, headers (the secret) and all."""
        backend = next(self._turn)
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-telegram")}
        headers["Content-Type"] = request.content_type
        async with self._client.post(
            f"http://127.0.0.1:{backend}{request.path}", data=body, headers=headers
        ) as answer:
            self.handed[backend] = self.handed.get(backend, 0) + 1
            return web.Response(status=answer.status, body=await answer.read())

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        """Listen; yields the webhook URL the processes give Telegram."""
        self._turn = itertools.cycle(self.backends)
        app = web.Application()
        app.router.add_post("/telegram", self.forward)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        async with aiohttp.ClientSession() as self._client:
            try:
                yield f"http://127.0.0.1:{self.port}/telegram"
            finally:
                await runner.cleanup()


async def _listening(port: int, process: asyncio.subprocess.Process) -> None:
    """Wait until the process's webhook server accepts connections."""
    for _ in range(int(PATIENCE * 10)):
        if process.returncode is not None:
            raise AssertionError(f"the bot process exited with {process.returncode}")
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the bot process never listened")


@contextlib.asynccontextmanager
async def bot_processes(
    api: LocalBotApi, database_url: str, ports: list[int], webhook_url: str, tmp_path: Path
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """`asn-bot run` twice, each serving the webhook on its own port; stopped with SIGTERM."""
    started = []
    for port in ports:
        environment = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": database_url,
            "WEBHOOK_URL": webhook_url,
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_PORT": str(port),
            "BROADCAST_RATE": "200",
            # what is due must go out now, whatever the hour of this run in Kupang
            "QUIET_HOURS": "",
        }
        started.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=tmp_path,
                env=environment,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        )
    try:
        for port, process in zip(ports, started, strict=True):
            await _listening(port, process)
        yield started
    finally:
        for process in started:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)


async def seed(session: AsyncSession, api: LocalBotApi, now: datetime) -> list[Phone]:
    """Twelve linked ASN, registered (in this order) for a full first-come training; the six
    on its waiting list also for a priority training whose deadline passed an hour ago and a
    training in three days; all with this year's JP reached, so that no monthly nudge arrives
    on the first six phones while they talk to the bot."""
    people = await make_employees(session, ASN)
    for person in people:
        await learned(
            session, person, "Pelatihan Dasar Pelayanan Publik", on=now.date() - timedelta(days=30), jp=24
        )
    full = await make_event(
        session, "PP-02", title="Pelatihan Pelayanan Prima", starts_at=now + timedelta(days=10), quota=QUOTA
    )
    priority = await make_event(
        session, "PKP-02", title="Pelatihan Kepemimpinan", starts_at=now + timedelta(days=20), quota=4
    )
    await configure(
        session, priority, allocation=Allocation.PRIORITY, registration_deadline=now - timedelta(hours=1)
    )
    soon = await make_event(
        session, "ORI-02", title="Orientasi ASN", starts_at=now + timedelta(days=3), deadline=now
    )
    for event, among in ((full, people), (priority, people[QUOTA:]), (soon, people[QUOTA:])):
        for n, person in enumerate(among):
            await registration.register(
                session, event_id=event.id, employee_id=person.id, now=now - timedelta(hours=2, seconds=-n)
            )
    return [await linked_phone(session, api, person, user_id=7000 + n) for n, person in enumerate(people)]


async def _settled(session: AsyncSession, phones: list[Phone], api: LocalBotApi) -> bool:
    """Everything but the reminders has been sent and has arrived."""
    session.expire_all()
    unsent = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.SENDING)),
            # every notice is due now; a row a dispatcher moved on (a chat's second message
            # waits its turn) is still to come. Reminders are days ahead.
            OutboxMessage.kind != NotificationKind.EVENT_REMINDER,
        )
    )
    sent = await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == OutboxState.SENT)
    )
    arrived = sum(len(phone.history) for phone in phones) + len(api.chat_history(HR))
    allocated = await session.scalar(select(Event.allocated_at).where(Event.code == "PKP-02"))
    return unsent == 0 and allocated is not None and bool(sent) and arrived >= (sent or 0)


async def test_two_bot_processes_behind_a_load_balancer_double_nothing_and_lose_nothing(
    api: LocalBotApi, database_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("several bot processes need PostgreSQL; SQLite serves one process")
    now = datetime.now(UTC)
    phones = await seed(session, api, now)
    api.user(HR, "HR BKPSDM")
    ports = [_free_port(), _free_port()]
    balancer = Balancer(ports)
    seated, waiting = phones[:QUOTA], phones[QUOTA:]

    async with (
        balancer.serving() as webhook_url,
        bot_processes(api, database_url, ports, webhook_url, tmp_path) as processes,
    ):
        # the six with a seat cancel at the same moment, their updates split between the processes
        answers = await asyncio.gather(*(cancel(phone, "Pelayanan Prima") for phone in seated))
        assert all("dibatalkan" in answer for answer in answers)
        await announcements.announce(
            session,
            text="Apel pagi ditiadakan",
            audience=announcements.Audience(),
            due_at=datetime.now(UTC),
            now=datetime.now(UTC),
            year=now.year,
            target=20,
            created_by=HR,
        )
        for _ in range(int(PATIENCE * 4)):
            if await _settled(session, phones, api):
                break
            await asyncio.sleep(0.25)
        await asyncio.sleep(1.0)  # anything doubled would have arrived by now
        for process in processes:
            process.send_signal(signal.SIGTERM)
        outputs = [await asyncio.wait_for(process.communicate(), timeout=30) for process in processes]

    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr.decode()[-2000:]
        assert b"Traceback" not in stderr, stderr.decode()[-2000:]
    assert all(balancer.handed.get(port, 0) > 0 for port in ports), balancer.handed

    session.expire_all()
    rows = (
        await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.kind, OutboxMessage.template, OutboxMessage.state)
        )
    ).all()
    sent = [row for row in rows if row.state == OutboxState.SENT]
    assert not [row for row in rows if row.state in (OutboxState.FAILED, OutboxState.SENDING)]

    def count(kind: NotificationKind, template: str | None = None) -> dict[int, int]:
        found: dict[int, int] = {}
        for row in sent:
            if row.kind == kind and (template is None or row.template == template):
                found[row.chat_id] = found.get(row.chat_id, 0) + 1
        return found

    everyone = {phone.user_id: 1 for phone in phones}
    assert count(NotificationKind.WAITLIST, "reg_promoted") == {phone.user_id: 1 for phone in waiting}
    assert count(NotificationKind.REGISTRATION) == {phone.user_id: 1 for phone in waiting}  # PKP-02
    assert count(NotificationKind.ANNOUNCEMENT) == everyone
    assert count(NotificationKind.ANNOUNCEMENT_REPORT) == {HR: 1}
    # the reminders both processes derived at start exist once per registration and reminder
    reminders = [
        (chat_id, template, context["title"])
        for chat_id, template, context in (
            await session.execute(
                select(OutboxMessage.chat_id, OutboxMessage.template, OutboxMessage.context).where(
                    OutboxMessage.kind == NotificationKind.EVENT_REMINDER,
                    OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.SENT)),
                )
            )
        ).tuples()
    ]
    assert len(reminders) == len(set(reminders)) > 0
    # each row sent reached its phone once: the waiting ASN did nothing but receive, and the
    # announcement arrived once on every phone
    per_chat: dict[int, int] = {}
    for row in sent:
        per_chat[row.chat_id] = per_chat.get(row.chat_id, 0) + 1
    assert {phone.user_id: len(phone.history) for phone in waiting} == {
        phone.user_id: per_chat[phone.user_id] for phone in waiting
    }
    assert [sum("Apel pagi ditiadakan" in m.plain_text for m in phone.history) for phone in phones] == [
        1
    ] * ASN
    assert len(api.chat_history(HR)) == 1
    seats = await session.scalar(select(Event.seats_taken).where(Event.code == "PP-02"))
    assert seats == QUOTA
    held = await session.scalar(
        select(func.count())
        .select_from(Registration)
        .join(Event)
        .where(Event.code == "PKP-02", Registration.status == RegistrationStatus.REGISTERED)
    )
    assert held == 4
