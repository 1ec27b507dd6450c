"""Pick a registrant on `/admin`: mark attended (JP credited once), approve or reject a
pending registration, or remove one (HR; their seat goes to the waiting list at once).
After each press the same picker is shown again with what happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton

from bot.handlers.admin.common import ADMIN, back_to_event, data, gone, page_of, short, summary
from bot.replies import edit
from bot.ui.keyboards import button, markup
from bot.ui.pages import Page
from bot.ui.router import Press, Role
from db import admin, registration
from db.admin import Registrant
from db.models import RegistrationStatus as Status
from db.registration import RegistrationError

PICK_PER_PAGE = 8
#: What a picker's template shows when nothing was pressed in it yet.
NOTHING_YET: dict[str, Any] = {"outcome": None, "name": None, "jp": 0, "position": None, "promoted": 0}


@dataclass(frozen=True, slots=True)
class Numbered:
    """A registrant with the number of its button."""

    number: int
    registrant: Registrant


@dataclass(frozen=True, slots=True)
class Picker:
    """One kind of picker: its template, and the buttons of one registrant in it."""

    action: str
    template: str
    choices: tuple[tuple[str, str], ...]  # (label key, action) per button of a registrant


ATTENDANCE = Picker("at", "admin_attendance", (("admin.button.mark", "am"),))
PENDING = Picker("pd", "admin_pending", (("admin.button.approve", "ok"), ("admin.button.reject", "nr")))
REMOVAL = Picker("rm", "admin_remove", (("admin.button.remove_one", "rx"),))


async def _show(
    press: Press, picker: Picker, event_id: int, statuses: tuple[Status, ...], **outcome: Any
) -> None:
    """A page of the event's registrants with these statuses, each with the picker's buttons."""
    event = await summary(press, event_id)
    if event is None:
        return
    candidates = await admin.registrants(
        press.session, scope=press.staff, event_id=event.id, statuses=statuses
    )
    if picker is PENDING and event.awaiting_allocation:
        candidates = []
    candidates = candidates or []
    page = Page.of(len(candidates), PICK_PER_PAGE, page_of(press))
    shown = [Numbered(page.first + n, r) for n, r in enumerate(page.slice(candidates), start=1)]
    rows = [_buttons(press, picker, item, page.number) for item in shown]
    rows.append(
        page.navigation(press.context, press.lang, lambda number: data(picker.action, event.id, number))
    )
    rows.append(back_to_event(press.context, press.lang, event.id))
    await edit(
        press.update,
        press.context,
        picker.template,
        press.lang,
        keyboard=markup(rows),
        event=event,
        items=shown,
        total=len(candidates),
        page=page.number,
        pages=page.count,
        **(NOTHING_YET | outcome),
    )


def _buttons(press: Press, picker: Picker, item: Numbered, page: int) -> list[InlineKeyboardButton]:
    """The picker's buttons for one registrant; the first names them, the others only number them."""
    rid, name = item.registrant.registration_id, short(item.registrant.name)
    row = []
    for index, (key, action) in enumerate(picker.choices):
        named = {"name": name} if index == 0 else {}
        row.append(
            button(press.context, press.lang, key, data(action, rid, page), number=item.number, **named)
        )
    return row


@ADMIN.on("at")
async def _attendance(press: Press) -> None:
    """✅ Pick a seat holder to mark as attended."""
    await _show(press, ATTENDANCE, press.number(0), (Status.REGISTERED,))


@ADMIN.on("pd")
async def _pending(press: Press) -> None:
    """✋ Registrations awaiting a decision, each with approve and reject."""
    await _show(press, PENDING, press.number(0), (Status.PENDING,))


@ADMIN.on("rm", role=Role.HR, refused=gone)
async def _removal(press: Press) -> None:
    """🚫 Pick a registrant to remove (HR)."""
    await _show(press, REMOVAL, press.number(0), (Status.REGISTERED, Status.WAITLISTED, Status.PENDING))


async def _registrant(press: Press) -> Registrant | None:
    """The registrant pressed, when within the caller's scope; otherwise says so."""
    found = await admin.registrant(press.session, scope=press.staff, registration_id=press.number(0))
    if found is None:
        await gone(press)
    return found


@ADMIN.on("am")
async def _mark_attended(press: Press) -> None:
    """A registrant pressed in the attendance picker: mark attended, credit JP once."""
    found = await _registrant(press)
    if found is None:
        return
    try:
        result = await registration.mark_attended(
            press.session,
            registration_id=found.registration_id,
            actor=press.me.telegram_user_id,
            now=press.context.now(),
            timezone=press.context.services.settings.timezone,
        )
    except RegistrationError as refusal:
        outcome: dict[str, Any] = {"outcome": refusal.reason, "name": found.name}
    else:
        outcome = {
            "outcome": "already" if result.already else "done",
            "name": found.name,
            "jp": result.jp_credited,
        }
    await _show(press, ATTENDANCE, found.event_id, (Status.REGISTERED,), **outcome)


@ADMIN.on("ok")
async def _decide(press: Press) -> None:
    """✅ on a pending registration (❌ asks for the reason first: `rejections`)."""
    found = await _registrant(press)
    if found is None:
        return
    try:
        decision = await registration.decide(
            press.session,
            registration_id=found.registration_id,
            approve=True,
            actor_telegram_id=press.me.telegram_user_id,
            now=press.context.now(),
        )
    except RegistrationError as refusal:
        outcome: dict[str, Any] = {"outcome": refusal.reason}
    else:
        outcome = {"outcome": decision.status.value, "position": decision.waitlist_position}
    await _show(press, PENDING, found.event_id, (Status.PENDING,), name=found.name, **outcome)


@ADMIN.on("rx", role=Role.HR, refused=gone)
async def _remove(press: Press) -> None:
    """A registrant pressed in the removal picker: remove, tell them, promote and tell the next."""
    found = await _registrant(press)
    if found is None:
        return
    try:
        removal = await registration.remove_registration(
            press.session,
            registration_id=found.registration_id,
            actor=press.me.telegram_user_id,
            now=press.context.now(),
        )
    except RegistrationError as refusal:
        outcome: dict[str, Any] = {"outcome": refusal.reason}
    else:
        outcome = {"outcome": "removed", "promoted": len(removal.promoted)}
    active = (Status.REGISTERED, Status.WAITLISTED, Status.PENDING)
    await _show(press, REMOVAL, found.event_id, active, name=found.name, **outcome)
