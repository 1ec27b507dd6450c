"""Forged button presses: every callback prefix the bot registers (read from its routers, so a
new feature is covered the day it is added) pressed with garbage, huge numbers, superscript
digits, missing and extra arguments and other people's ids, by a stranger, a linked ASN, an
organizer and HR. Each press is answered exactly once, as a refusal or like an expired button:
no traceback, no error reply, nobody else's data shown, and nothing changed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import CallbackQueryHandler

from bot.context import BotApplication
from bot.local_api import LocalBotApi, Phone
from bot.ui.router import Buttons
from db import accounts
from db.models import Event, Registration, RegistrationStatus, Role, TelegramAccount
from tests.utils.employees import make_employee, make_employees
from tests.utils.events import configure, make_event
from tests.utils.office_time import wita
from tests.utils.phones import forge, linked_phone

STRANGER, ASN, OTHER_ASN, ORGANIZER, HR = 951, 952, 953, 954, 955
#: ids far from anything else in the database, so a number never means two things at once
OTHERS_EVENT, OTHERS_REGISTRATION, MY_REGISTRATION = 5001, 7001, 7002
#: what a forger puts where an action expects a number: beyond 64 bits, superscripts, signs, hex
NUMBERS = ("0", "2147483648", "999999999999999999", "99999999999999999999", "²", "1²", "-1", "0x1f", "")
#: and where it expects a word: unknown, upper case, a competency id past 64 bits, non-ASCII
WORDS = ("x", "ZZ", "c99999999999999999999", "é")
#: a press anyone may make for themselves, whatever it carries: it erases the presser's own
#: account, which would end the test's story rather than test a forgery
OWN_CHOICE = {"erase:yes"}
#: tables a forged press must never change
GUARDED = (
    "employees",
    "events",
    "registrations",
    "learning_records",
    "link_codes",
    "role_grants",
    "announcements",
    "outbox",
    "reminders",
    "assessments",
)


def routers(application: BotApplication) -> list[Buttons]:
    """The button routers the running application dispatches to."""
    found = []
    for group in application.handlers.values():
        for handler in group:
            owner = (
                getattr(handler.callback, "__self__", None)
                if isinstance(handler, CallbackQueryHandler)
                else None
            )
            if isinstance(owner, Buttons):
                found.append(owner)
    return found


def forgeries(application: BotApplication, ids: tuple[int, ...]) -> Iterator[str]:
    """Every forged payload for every registered prefix and action (and some for none)."""
    yield from ("", ":", "zzz:1", "²:²", "x" * 200, "reg", "ev:open:" + "9" * 60)
    for router in routers(application):
        yield f"{router.prefix}:nope:1"
        for action in router.actions:
            base = f"{router.prefix}:{action}"
            if base in OWN_CHOICE:
                continue
            yield base
            for number in NUMBERS:
                yield f"{base}:{number}"
            yield f"{base}:999999999999999999:999999999999999999"
            yield f"{base}:1:²"
            for word in WORDS:
                yield f"{base}:{word}"
            yield f"{base}:1:x"
            for own_id in ids:
                yield f"{base}:{own_id}"
                yield f"{base}:{own_id}:p:all:0"
                yield f"{base}:{own_id}:speaker"
            yield base + ":1" * 12


@pytest.fixture
async def world(session: AsyncSession, api: LocalBotApi) -> dict[int, Phone]:
    """A stranger, a linked ASN, another linked ASN, an organizer and HR; an event of another
    organizer with both ASN registered."""
    maria = await make_employee(session)
    (yohanes,) = await make_employees(session, 1)
    event = await make_event(
        session,
        "LAIN-01",
        title="Seminar Orang Lain",
        starts_at=wita(2026, 12, 14),
        organizer="Universitas Y",
    )
    await configure(session, event, id=OTHERS_EVENT)
    at = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    for registration_id, employee in ((OTHERS_REGISTRATION, yohanes), (MY_REGISTRATION, maria)):
        session.add(
            Registration(
                id=registration_id,
                event_id=OTHERS_EVENT,
                employee_id=employee.id,
                status=RegistrationStatus.REGISTERED,
                queued_at=at,
                registered_at=at,
            )
        )
    await session.commit()
    await accounts.grant_role(
        session, telegram_user_id=ORGANIZER, role=Role.ORGANIZER, organizer="Universitas X"
    )
    await accounts.grant_role(session, telegram_user_id=HR, role=Role.HR)
    await linked_phone(session, api, yohanes, user_id=OTHER_ASN)
    return {
        STRANGER: api.user(user_id=STRANGER, first_name="Asing", language_code="id"),
        ASN: await linked_phone(session, api, maria, user_id=ASN),
        ORGANIZER: api.user(user_id=ORGANIZER, first_name="Dosen", language_code="id"),
        HR: api.user(user_id=HR, first_name="Petugas", language_code="id"),
    }


async def guarded(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the guarded tables, as the database has them now."""
    snapshot = {}
    for table in GUARDED:
        rows = await session.execute(text(f"SELECT * FROM {table} ORDER BY 1"))  # fixed names from GUARDED
        snapshot[table] = [tuple(row) for row in rows]
    return snapshot


async def press_all(api: LocalBotApi, phone: Phone, payloads: list[str], *, batch: int = 64) -> None:
    """Press each forged payload (a batch at a time) and wait until the bot answered every one."""
    for start in range(0, len(payloads), batch):
        queries = [forge(api, phone, data) for data in payloads[start : start + batch]]
        wanted = {update["callback_query"]["id"] for update in queries}
        for _ in range(500):
            answered = {answer.query_id for answer in phone.callback_answers}
            if wanted <= answered:
                break
            await asyncio.sleep(0.01)
        missing = sorted(
            update["callback_query"]["data"]
            for update in queries
            if update["callback_query"]["id"] not in answered
        )
        assert not missing, f"presses never answered: {missing}"


@pytest.mark.parametrize("who", [STRANGER, ASN, ORGANIZER, HR])
async def test_forged_presses_on_every_prefix_are_answered_calmly_and_change_nothing(
    bot: BotApplication,
    api: LocalBotApi,
    session: AsyncSession,
    world: dict[int, Phone],
    caplog: pytest.LogCaptureFixture,
    who: int,
) -> None:
    phone = world[who]
    await phone.send("/pengaturan")  # a message with buttons to forge presses on
    await phone.wait_replies()
    before = await guarded(session)
    # HR may touch every event: only garbage is forged for HR, others' ids for everyone else.
    ids = () if who == HR else (OTHERS_EVENT, OTHERS_REGISTRATION)
    payloads = list(dict.fromkeys(forgeries(bot, ids)))
    assert {router.prefix for router in routers(bot)} >= {"reg", "ev", "adm", "ann", "eva", "set", "cat"}

    with caplog.at_level(logging.WARNING):
        await press_all(api, phone, payloads)
        await asyncio.sleep(0.2)  # what a press sends after answering has arrived

    problems = [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    assert not problems, [record.getMessage() for record in problems]
    answers = phone.callback_answers
    assert len(answers) == len({answer.query_id for answer in answers})
    seen = [message.plain_text for message in phone.chat.outbox]
    assert not [text for text in seen if "terjadi kesalahan" in text]
    if who != HR:
        for shown in seen:  # the other ASN's name and NIP
            assert "ASN Kupang 000" not in shown
            assert "199001012015051000" not in shown
    session.expire_all()
    assert await guarded(session) == before
    assert await session.scalar(select(Event.title).where(Event.id == OTHERS_EVENT)) == "Seminar Orang Lain"


async def test_a_double_press_on_erase_erases_once_and_answers_both_calmly(
    bot: BotApplication,
    api: LocalBotApi,
    session: AsyncSession,
    world: dict[int, Phone],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`erase:yes` (left out above: it ends the presser's story) pressed twice at once, and
    again with garbage after it: erasing what is already gone is no error."""
    phone = world[ASN]
    await phone.send("/hapus_data")
    await phone.wait_replies()
    with caplog.at_level(logging.WARNING):
        await press_all(api, phone, ["erase:yes", "erase:yes", "erase:yes:1", "erase:yes:²"])
        await asyncio.sleep(0.2)
    problems = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert not problems, [record.getMessage() for record in problems]
    assert not [m for m in phone.chat.outbox if "terjadi kesalahan" in m.plain_text]
    session.expire_all()
    assert await session.get(TelegramAccount, ASN) is None
