"""What every screen of the ASN's own registrations shares: the `reg:` router (linked ASN
only), the lookup of one of the caller's own registrations, and the small helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import Context
from bot.replies import edit, reply
from bot.ui.callbacks import encode
from bot.ui.keyboards import button
from bot.ui.router import Buttons, Press, Role
from db import registration
from db.accounts import Caller
from db.models import RegistrationStatus
from db.registration import (
    Extras,
    MyRegistration,
)

GROUP_LIMIT = 10
#: past registrations (attended, cancelled, rejected) shown: the latest; all are in /data_saya
PAST_LIMIT = 5


Status = RegistrationStatus


UPCOMING = frozenset({Status.REGISTERED, Status.WAITLISTED, Status.PENDING})


OPENABLE = UPCOMING | {Status.ATTENDED}


@dataclass(frozen=True, slots=True)
class Own:
    """A button pressed on one of the caller's own registrations, with what it needs."""

    press: Press
    item: MyRegistration
    extras: Extras

    def unpack(self) -> tuple[Update, Context, AsyncSession, Caller, MyRegistration]:
        """The parts every action uses."""
        return self.press.update, self.press.context, self.press.session, self.press.me, self.item


def cutoff(context: Context) -> timedelta:
    """How long before the start an ASN may still cancel (CANCELLATION_CUTOFF_HOURS)."""
    return timedelta(hours=context.services.settings.cancellation_cutoff_hours)


async def _not_linked(press: Press) -> None:
    """A press by someone not (or no longer) linked: say how to link, in place of the screen."""
    if press.data.action != "new":
        await edit(press.update, press.context, "not_linked", press.lang)
        return
    if press.update.callback_query is not None:
        await press.update.callback_query.answer()  # or the phone keeps spinning
    await reply(press.update, press.context, "not_linked", press.lang)


REGISTRATIONS = Buttons("reg", role=Role.LINKED, refused=_not_linked)


OwnAction = Callable[[Own], Awaitable[None]]


def on_own(*names: str) -> Callable[[OwnAction], OwnAction]:
    """Register an action on one of the caller's own registrations (`reg:<name>:<id>…`);
    someone else's id, or one that does not exist, reads as "not found"."""

    def register(action: OwnAction) -> OwnAction:
        async def run(press: Press) -> None:
            found = await own(press.session, press.me, press.number(0))
            if found is None:
                keyboard = back_to_list(press.context, press.lang)
                await edit(press.update, press.context, "reg_gone", press.lang, keyboard=keyboard)
                return
            item, extras = found
            await action(Own(press, item, extras))

        REGISTRATIONS.on(*names)(run)
        return action

    return register


async def own(
    session: AsyncSession, me: Caller, registration_id: int
) -> tuple[MyRegistration, Extras] | None:
    """The caller's own registration with this id (None for anyone else's)."""
    assert me.employee is not None
    grouped = await registration.my_registrations(session, employee_id=me.employee.id)
    item = next(
        (r for items in grouped.values() for r in items if r.registration_id == registration_id), None
    )
    if item is None:
        return None
    extras = await registration.extras(session, employee_id=me.employee.id)
    return item, extras.get(registration_id, Extras(rated=False, priority=False, scored=False))


def inline(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(rows)


def back_to_list(context: Context, lang: str) -> InlineKeyboardMarkup:
    return inline([[button(context, lang, "button.my_registrations", encode("reg", "list"))]])


async def send_document(update: Update, context: Context, data: bytes, filename: str, caption: str) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_document(chat.id, document=data, filename=filename, caption=caption)
