"""Property: whatever a stranger, a linked ASN or HR sends — commands with odd arguments, any
text, NIP-like digits, contacts of anyone, presses with any callback data (well-formed for a
registered prefix or not) — the running application never fails with an unhandled exception:
the error handler is never reached, and nobody gets the error reply."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import BotApplication
from bot.local_api import LocalBotApi, Phone
from db import accounts
from db.models import Role
from tests.e2e.test_forged_buttons import routers
from tests.utils.employees import MARIA_NIP, make_employee
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.phones import forge, linked_phone

STRANGER, ASN, HR = 971, 972, 973
COMMANDS = (
    "/start", "/help", "/bantuan", "/settings", "/pengaturan", "/profil", "/kompetensi", "/jp",
    "/pelatihan", "/seminar", "/pendaftaran", "/hadir", "/admin", "/laporan", "/verifikasi",
    "/hapus_data", "/batal", "/cancel", "/tidak_ada", "/id_saya",
)  # fmt: skip
#: who holds the role a prefix needs
HOLDER = {"reg": ASN, "adm": HR, "ann": HR, "eva": HR, "rch": HR}
PREFIXES = ("reg", "ev", "cat", "cf", "adm", "ann", "eva", "edt", "set", "erase", "lap", "rol", "rch")


@dataclass(frozen=True)
class Send:
    """A typed message."""

    text: str


@dataclass(frozen=True)
class Press:
    """A button press with this callback data."""

    data: str


@dataclass(frozen=True)
class Contact:
    """A shared contact: one's own, or someone else's."""

    phone: str
    own: bool


numbers = st.one_of(
    st.sampled_from(
        [
            "0",
            "1",
            "2147483647",
            "2147483648",
            "999999999999999999",
            "9223372036854775808",
            "9" * 25,
            "²",
            "-1",
            "",
        ]
    ),
    st.integers(min_value=0, max_value=2**70).map(str),
)
words = st.one_of(
    st.sampled_from(["p", "s", "all", "me", "id", "en", "x", "c1", "speaker"]), st.text(max_size=8)
)
texts = st.one_of(
    st.sampled_from(COMMANDS),
    st.tuples(st.sampled_from(COMMANDS), st.text(max_size=40)).map(" ".join),
    st.text(min_size=1, max_size=300),
    st.just(MARIA_NIP),
    st.from_regex(r"[0-9]{16,20}", fullmatch=True),
)


def stories(bot: BotApplication) -> st.SearchStrategy[list[tuple[int, Send | Press | Contact]]]:
    """Who does what, in what order. Presses of the actions the bot registers, by someone who
    holds the role they need (so they reach the domain), are drawn most often."""
    registered = sorted((router.prefix, action) for router in routers(bot) for action in router.actions)
    well_formed = st.tuples(
        st.sampled_from(registered), numbers, st.lists(st.one_of(numbers, words), max_size=4)
    ).map(lambda parts: (HOLDER.get(parts[0][0], ASN), Press(":".join([*parts[0], parts[1], *parts[2]]))))
    garbage = st.one_of(
        st.tuples(st.sampled_from(PREFIXES), words, st.lists(numbers, max_size=3)).map(
            lambda parts: ":".join([parts[0], parts[1], *parts[2]])
        ),
        st.text(max_size=70),
    )
    contacts = st.builds(
        Contact, st.sampled_from(["6281234567890", "+62 812-3456-7890", "0812", "x"]), st.booleans()
    )
    anyone = st.sampled_from([STRANGER, ASN, HR])
    step = st.one_of(
        st.tuples(anyone, st.one_of(texts.map(Send), garbage.map(Press), contacts)),
        well_formed,
        well_formed,
        st.tuples(anyone, well_formed.map(lambda pair: pair[1])),
    )
    return st.lists(step, min_size=1, max_size=12)


@pytest.fixture
async def people(bot: BotApplication, api: LocalBotApi, session: AsyncSession) -> dict[int, Phone]:
    """A stranger, a linked ASN and HR, each with a message from the bot on their phone."""
    maria = await make_employee(session)
    await make_event(session, "PP-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14))
    await accounts.grant_role(session, telegram_user_id=HR, role=Role.HR)
    phones = {
        STRANGER: api.user(user_id=STRANGER, first_name="Asing", language_code="id"),
        ASN: await linked_phone(session, api, maria, user_id=ASN),
        HR: api.user(user_id=HR, first_name="Petugas", language_code="en"),
    }
    for phone in phones.values():
        await phone.send("/pengaturan")
        await phone.wait_replies()
    assert {router.prefix for router in routers(bot)} <= set(PREFIXES)
    return phones


async def settle(bot: BotApplication, api: LocalBotApi) -> None:
    """Until every update sent has been fetched and handled."""
    quiet = 0
    for _ in range(1000):
        busy = (
            len(api.updates)
            or not bot.update_queue.empty()
            or bot.update_processor.current_concurrent_updates
        )
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("the bot did not settle")


async def act(api: LocalBotApi, phone: Phone, action: Send | Press | Contact) -> None:
    """Do one action on the phone."""
    if isinstance(action, Send):
        await phone.send(action.text)
    elif isinstance(action, Press):
        forge(api, phone, action.data)
    else:
        await phone.share_contact(action.phone, user_id=None if action.own else 999)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_update_ends_in_an_unhandled_exception(
    bot: BotApplication,
    api: LocalBotApi,
    people: dict[int, Phone],
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
) -> None:
    story = data.draw(stories(bot), label="story")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        await asyncio.gather(*(act(api, people[who], action) for who, action in story))
        await settle(bot, api)
    failures = [r for r in caplog.records if r.name == "bot.handlers.errors" or r.levelno >= logging.ERROR]
    assert not failures, [(r.getMessage(), r.exc_text) for r in failures]
    for phone in people.values():
        assert not [
            m
            for m in phone.chat.outbox
            if "terjadi kesalahan" in m.plain_text or "went wrong" in m.plain_text
        ]
