"""The ASN's side of registration: register from an event's detail, `/pendaftaran` with
each registration's calendar file, cancel, rank, rating and certificate, and `/hadir`.

Callback data is `reg:<action>[:<id>]`: `new:<event>` registers; `list` shows the list;
`open`, `ics`, `cx` (ask to cancel), `cxy` (cancel), `why`, `rate`, `cert` and `skip` take
a registration id; `star:<registration>:<1-5>` rates. Only linked ASN get past the router;
every registration id is looked up among the caller's own registrations, so someone else's
id reads as "not found".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot.context import BotApplication, Context
from bot.documents.calendar import CalendarEntry, build_ics, entry_uid
from bot.documents.certificates import CertificateText, build_certificate
from bot.replies import edit, reply
from bot.ui import flows
from bot.ui.callbacks import BadCallback, encode
from bot.ui.caller import office_today, who
from bot.ui.flows import Typed
from bot.ui.keyboards import button, rating_stars
from bot.ui.router import Buttons, Press, Role
from db import catalog, registration
from db.accounts import Caller
from db.models import RegistrationStatus
from db.registration import (
    AlreadyRegistered,
    CancellationTooLate,
    CheckInNotOpen,
    Extras,
    MyRegistration,
    NotCancellable,
    NotEligible,
    NotRegistered,
    RegistrationClosed,
    RegistrationError,
    RegistrationNotOpen,
    ScheduleClash,
)

logger = logging.getLogger(__name__)

#: The ASN may cancel up to this long before the start; later, the organizer decides.
#: At most this many registrations of one status are listed (upcoming first, past last).
GROUP_LIMIT = 10

Status = RegistrationStatus
#: The order of the groups in `/pendaftaran`; the first three are still to come.
GROUP_ORDER = (
    Status.REGISTERED,
    Status.WAITLISTED,
    Status.PENDING,
    Status.ATTENDED,
    Status.CANCELLED,
    Status.REJECTED,
)
UPCOMING = frozenset({Status.REGISTERED, Status.WAITLISTED, Status.PENDING})
OPENABLE = UPCOMING | {Status.ATTENDED}


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of `/pendaftaran`: the number of its button (None when it has none)."""

    number: int | None
    item: MyRegistration


@dataclass(frozen=True, slots=True)
class Own:
    """A button pressed on one of the caller's own registrations, with what it needs."""

    press: Press
    item: MyRegistration
    extras: Extras

    def unpack(self) -> tuple[Update, Context, AsyncSession, Caller, MyRegistration]:
        """The parts every action uses."""
        return self.press.update, self.press.context, self.press.session, self.press.me, self.item


@dataclass(frozen=True, slots=True)
class Group:
    """The registrations of one status, and how many more were left out."""

    status: str
    entries: list[Entry]
    more: int


def _cutoff(context: Context) -> timedelta:
    """How long before the start an ASN may still cancel (CANCELLATION_CUTOFF_HOURS)."""
    return timedelta(hours=context.services.settings.cancellation_cutoff_hours)


async def _not_linked(press: Press) -> None:
    """A press by someone not (or no longer) linked: say how to link, in place of the screen."""
    answer = reply if press.data.action == "new" else edit
    await answer(press.update, press.context, "not_linked", press.lang)


REGISTRATIONS = Buttons("reg", role=Role.LINKED, refused=_not_linked)
OwnAction = Callable[[Own], Awaitable[None]]


def _on_own(*names: str) -> Callable[[OwnAction], OwnAction]:
    """Register an action on one of the caller's own registrations (`reg:<name>:<id>…`);
    someone else's id, or one that does not exist, reads as "not found"."""

    def register(action: OwnAction) -> OwnAction:
        async def run(press: Press) -> None:
            found = await _own(press.session, press.me, press.number(0))
            if found is None:
                keyboard = _back_to_list(press.context, press.lang)
                await edit(press.update, press.context, "reg_gone", press.lang, keyboard=keyboard)
                return
            item, extras = found
            await action(Own(press, item, extras))

        REGISTRATIONS.on(*names)(run)
        return action

    return register


def add_handlers(application: BotApplication) -> None:
    """Attach this feature's handlers (before the catch-all ones) and its typed comment."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("pendaftaran", show_registrations, filters=private))
    application.add_handler(CommandHandler("hadir", check_in, filters=private))
    application.add_handler(REGISTRATIONS.handler())
    flows.register(registration.COMMENT_FLOW, _comment, role=Role.LINKED)


# ---------------------------------------------------------------------------- register


@REGISTRATIONS.on("new")
async def _register(press: Press) -> None:
    """📝 Daftar on an event's detail: register, and say where the ASN stands (new message)."""
    update, context, session, me = press.update, press.context, press.session, press.me
    event_id = press.number(0)
    if update.callback_query is not None:
        await update.callback_query.answer()
    values: dict[str, Any] = {}
    try:
        result = await registration.register(
            session, event_id=event_id, employee_id=press.employee.id, now=context.now()
        )
    except RegistrationError as refusal:
        outcome = refusal.reason
        values = _refusal_values(refusal)
    else:
        outcome = _outcome(result.status, awaiting_allocation=result.awaiting_allocation)
        values["position"] = result.waitlist_position
    event = await catalog.event_card(session, event_id=event_id)
    if event is None or outcome == "not_found":
        await reply(update, context, "reg_gone", me.language)
        return
    keyboard = _markup([[button(context, me.language, "button.my_registrations", encode("reg", "list"))]])
    await reply(
        update, context, "reg_result", me.language, keyboard=keyboard, outcome=outcome, event=event, **values
    )


def _outcome(status: RegistrationStatus, *, awaiting_allocation: bool) -> str:
    if status is Status.PENDING:
        return "allocation" if awaiting_allocation else "approval"
    return status.value


def _refusal_values(refusal: RegistrationError) -> dict[str, Any]:
    """What each refusal's message names: a date, the criterion, the other event, the status."""
    if isinstance(refusal, RegistrationNotOpen):
        return {"opens_at": refusal.opens_at}
    if isinstance(refusal, RegistrationClosed):
        return {"deadline": refusal.deadline}
    if isinstance(refusal, NotEligible):
        return {"criterion": refusal.criterion}
    if isinstance(refusal, ScheduleClash):
        return {"clash": refusal}
    if isinstance(refusal, AlreadyRegistered):
        return {"status": refusal.status.value}
    return {}


# ---------------------------------------------------------------------------- /pendaftaran


async def show_registrations(update: Update, context: Context) -> None:
    """/pendaftaran — own registrations by status, each opening its actions."""
    async with context.db() as session:
        me = await who(session, update, context)
        if me.employee is None:
            await reply(update, context, "not_linked", me.language)
            return
        await _show_list(update, context, session, me.employee.id, me.language, new_message=True)


@REGISTRATIONS.on("list")
async def _list(press: Press) -> None:
    """◀ Pendaftaran saya: the list again, in place."""
    await _show_list(
        press.update, press.context, press.session, press.employee.id, press.lang, new_message=False
    )


async def _show_list(
    update: Update, context: Context, session: AsyncSession, employee_id: int, lang: str, *, new_message: bool
) -> None:
    grouped = await registration.my_registrations(session, employee_id=employee_id)
    groups: list[Group] = []
    rows: list[list[InlineKeyboardButton]] = []
    number = 0
    for status in GROUP_ORDER:
        items = grouped.get(status, [])
        shown = items[:GROUP_LIMIT] if status in UPCOMING else items[-GROUP_LIMIT:]
        entries = []
        for item in shown:
            if status in OPENABLE:
                number += 1
                rows.append([_item_button(context, lang, number, item)])
                entries.append(Entry(number, item))
            else:
                entries.append(Entry(None, item))
        if entries:
            groups.append(Group(status.value, entries, len(items) - len(shown)))
    keyboard = _markup(rows) if rows else None
    if new_message:
        await reply(update, context, "reg_list", lang, keyboard=keyboard, groups=groups)
    else:
        await edit(update, context, "reg_list", lang, keyboard=keyboard, groups=groups)


def _item_button(context: Context, lang: str, number: int, item: MyRegistration) -> InlineKeyboardButton:
    title = item.event_title if len(item.event_title) <= 40 else item.event_title[:39] + "…"
    text = context.services.renderer.label("button.event", lang, number=number, title=title)
    return InlineKeyboardButton(text, callback_data=encode("reg", "open", item.registration_id))


# ---------------------------------------------------------------------------- one registration's buttons


async def _own(
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


@_on_own("open")
async def _open(own: Own) -> None:
    """One registration with the buttons that fit its status."""
    update, context, _session, me, item = own.unpack()
    lang, rid = me.language, item.registration_id
    rows = [[button(context, lang, "button.calendar", encode("reg", "ics", rid))]]
    if own.extras.priority and (item.status is Status.PENDING or own.extras.scored):
        rows.append([button(context, lang, "button.why_rank", encode("reg", "why", rid))])
    if item.status in UPCOMING:
        rows.append([button(context, lang, "button.cancel_registration", encode("reg", "cx", rid))])
    if item.status is Status.ATTENDED:
        if not own.extras.rated:
            rows.append([button(context, lang, "button.rate", encode("reg", "rate", rid))])
        rows.append([button(context, lang, "button.certificate", encode("reg", "cert", rid))])
    rows.append([button(context, lang, "button.my_registrations", encode("reg", "list"))])
    await edit(update, context, "reg_item", lang, keyboard=_markup(rows), item=item, rated=own.extras.rated)


@_on_own("ics")
async def _send_calendar(own: Own) -> None:
    """📅: the event as an `.ics` file, times in the office time zone."""
    update, context, session, me, item = own.unpack()
    assert update.callback_query is not None
    await update.callback_query.answer()
    event = await catalog.event_card(session, event_id=item.event_id)
    label = context.services.renderer.label
    description = label(
        "reg.ics_description",
        me.language,
        organizer=item.organizer,
        jp=event.jp if event is not None else 0,
        code=item.event_code,
    )
    if event is not None and event.description:
        description = f"{description}\n\n{event.description}"
    entry = CalendarEntry(
        uid=entry_uid(item.event_code, item.registration_id),
        title=item.event_title,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        location=item.location,
        description=description,
    )
    ics = build_ics(entry, timezone=context.services.settings.timezone, stamp=context.now())
    await _send_document(
        update,
        context,
        ics,
        f"{item.event_code}.ics",
        label("reg.ics_caption", me.language, title=item.event_title),
    )


@_on_own("cx")
async def _ask_cancel(own: Own) -> None:
    """❌: ask before cancelling, or say at once that it is too late or not possible."""
    update, context, _session, me, item = own.unpack()
    lang, rid = me.language, item.registration_id
    back = _markup([[button(context, lang, "button.back", encode("reg", "open", rid))]])
    if item.status not in UPCOMING:
        await edit(
            update,
            context,
            "reg_cancel",
            lang,
            keyboard=back,
            outcome="not_cancellable",
            item=item,
            status=item.status.value,
        )
        return
    cutoff_at = item.starts_at - _cutoff(own.press.context)
    if context.now() > cutoff_at:
        await edit(
            update,
            context,
            "reg_cancel",
            lang,
            keyboard=back,
            outcome="too_late",
            item=item,
            cutoff_at=cutoff_at,
            organizer=item.organizer,
        )
        return
    keyboard = _markup(
        [
            [button(context, lang, "button.confirm_cancel", encode("reg", "cxy", rid))],
            [button(context, lang, "button.keep_registration", encode("reg", "open", rid))],
        ]
    )
    await edit(update, context, "reg_cancel", lang, keyboard=keyboard, outcome="confirm", item=item)


@_on_own("cxy")
async def _cancel(own: Own) -> None:
    """Yes, cancel: free the seat; whoever is promoted into it is told through the outbox."""
    update, context, session, me, item = own.unpack()
    assert me.employee is not None
    lang = me.language
    back = _back_to_list(context, lang)
    try:
        await registration.cancel(
            session,
            registration_id=item.registration_id,
            employee_id=me.employee.id,
            now=context.now(),
            cutoff=_cutoff(own.press.context),
        )
    except CancellationTooLate as refusal:
        await edit(
            update,
            context,
            "reg_cancel",
            lang,
            keyboard=back,
            outcome="too_late",
            item=item,
            cutoff_at=refusal.cutoff_at,
            organizer=refusal.organizer,
        )
        return
    except NotCancellable as refusal:
        await edit(
            update,
            context,
            "reg_cancel",
            lang,
            keyboard=back,
            outcome="not_cancellable",
            item=item,
            status=refusal.status.value,
        )
        return
    except RegistrationError:
        await edit(update, context, "reg_gone", lang, keyboard=back)
        return
    await edit(update, context, "reg_cancel", lang, keyboard=back, outcome="done", item=item)


@_on_own("why")
async def _why(own: Own) -> None:
    """⚖️: the caller's own score parts and rank in a priority event."""
    update, context, session, me, item = own.unpack()
    assert me.employee is not None
    back = _markup(
        [[button(context, me.language, "button.back", encode("reg", "open", item.registration_id))]]
    )
    try:
        standing = await registration.standing(
            session,
            registration_id=item.registration_id,
            employee_id=me.employee.id,
            now=context.now(),
            timezone=context.services.settings.timezone,
        )
    except RegistrationError:
        await edit(update, context, "reg_gone", me.language, keyboard=back)
        return
    await edit(
        update,
        context,
        "reg_standing",
        me.language,
        keyboard=back,
        standing=standing,
        title=item.event_title,
        year=office_today(context).year,
    )


@_on_own("rate")
async def _ask_rating(own: Own) -> None:
    """⭐ Beri nilai: five star buttons."""
    update, context, _session, me, item = own.unpack()
    lang, rid = me.language, item.registration_id
    stars = rating_stars(context.services.renderer, lang, rid)
    back = button(context, lang, "button.back", encode("reg", "open", rid))
    await edit(
        update,
        context,
        "reg_rating",
        lang,
        keyboard=_markup([stars, [back]]),
        outcome="ask",
        title=item.event_title,
    )


@_on_own("star")
async def _rate(own: Own) -> None:
    """⭐n: save the rating, then wait for an optional comment."""
    update, context, session, me, item = own.unpack()
    assert me.employee is not None
    rating = own.press.number(1)
    if rating not in range(1, 6):
        raise BadCallback(f"rating {rating}")
    try:
        await registration.rate(
            session, registration_id=item.registration_id, employee_id=me.employee.id, rating=rating
        )
    except RegistrationError:
        await edit(update, context, "reg_gone", me.language, keyboard=_back_to_list(context, me.language))
        return
    await registration.await_comment(
        session, telegram_user_id=me.telegram_user_id, registration_id=item.registration_id, rating=rating
    )
    skip = button(context, me.language, "button.skip_comment", encode("reg", "skip", item.registration_id))
    await edit(
        update,
        context,
        "reg_rating",
        me.language,
        keyboard=_markup([[skip]]),
        outcome="rated",
        title=item.event_title,
        rating=rating,
    )


@_on_own("skip")
async def _skip_comment(own: Own) -> None:
    """Lewati: no comment, thanks."""
    update, context, session, me, item = own.unpack()
    await registration.clear_comment(session, telegram_user_id=me.telegram_user_id)
    await edit(
        update,
        context,
        "reg_rating",
        me.language,
        keyboard=_back_to_list(context, me.language),
        outcome="thanks",
        title=item.event_title,
    )


async def _comment(typed: Typed) -> None:
    """The comment typed after a rating (the flow is left whether or not it is saved)."""
    update, context, session, me = typed.update, typed.context, typed.session, typed.me
    pending = await registration.pending_comment(session, telegram_user_id=me.telegram_user_id)
    await registration.clear_comment(session, telegram_user_id=me.telegram_user_id)
    if pending is None or me.employee is None:
        return
    rating = pending.rating
    try:
        await registration.rate(
            session,
            registration_id=pending.registration_id,
            employee_id=me.employee.id,
            rating=rating,
            comment=typed.text,
        )
    except RegistrationError:
        await reply(update, context, "reg_gone", me.language)
        return
    await reply(update, context, "reg_rating", me.language, outcome="comment_saved", title="", rating=rating)


@_on_own("cert")
async def _send_certificate(own: Own) -> None:
    """📄: the certificate of attendance as a PDF."""
    update, context, session, me, item = own.unpack()
    assert me.employee is not None
    assert update.callback_query is not None
    await update.callback_query.answer()
    try:
        found = await registration.certificate(
            session, registration_id=item.registration_id, employee_id=me.employee.id
        )
    except RegistrationError:
        await reply(update, context, "reg_gone", me.language)
        return
    renderer, lang = context.services.renderer, me.language
    dates = (
        renderer.format_date(found.starts_at, lang)
        if renderer.local(found.starts_at).date() == renderer.local(found.ends_at).date()
        else f"{renderer.format_date(found.starts_at, lang)} – {renderer.format_date(found.ends_at, lang)}"
    )
    text = CertificateText(
        heading=renderer.label("cert.heading", lang),
        subheading=renderer.label("cert.subheading", lang),
        given_to=renderer.label("cert.given_to", lang),
        name=found.employee_name,
        nip=renderer.label("cert.nip", lang, nip=found.nip),
        for_attending=renderer.label("cert.for_attending", lang),
        event_title=found.event_title,
        dates=renderer.label(
            "cert.dates",
            lang,
            dates=dates,
            start=renderer.format_time(found.starts_at, lang),
            end=renderer.format_time(found.ends_at, lang),
        ),
        jp=renderer.label("cert.jp", lang, jp=found.jp),
        organizer=renderer.label("cert.organizer", lang, organizer=found.organizer),
        code=renderer.label("cert.code", lang, code=found.code),
        verify=renderer.label("cert.verify", lang, code=found.code),
    )
    pdf = build_certificate(text)
    caption = renderer.label("reg.certificate_caption", lang, title=found.event_title, code=found.code)
    await _send_document(update, context, pdf, f"sertifikat-{found.event_code}.pdf", caption)


# ---------------------------------------------------------------------------- check-in


async def check_in(update: Update, context: Context) -> None:
    """/hadir KODE — check in at an event with the code shown there."""
    if not context.args:
        async with context.db() as session:
            me = await who(session, update, context)
        await reply(update, context, "reg_checkin", me.language, outcome="usage")
        return
    await check_in_code(update, context, context.args[0])


async def check_in_code(update: Update, context: Context, code: str) -> None:
    """Check the caller in with `code` (from `/hadir KODE` or the `/start hadir_KODE` deep link)."""
    values: dict[str, Any] = {}
    async with context.db() as session:
        me = await who(session, update, context)
        if me.employee is None:
            await reply(update, context, "not_linked", me.language)
            return
        try:
            result = await registration.check_in(
                session,
                employee_id=me.employee.id,
                code=code,
                now=context.now(),
                timezone=context.services.settings.timezone,
            )
        except RegistrationError as refusal:
            outcome = refusal.reason
            if isinstance(refusal, CheckInNotOpen):
                values["opens_at"] = refusal.opens_at
            if isinstance(refusal, NotRegistered):
                values["status"] = refusal.status.value if refusal.status is not None else None
        else:
            outcome = "already" if result.already else "done"
            values = {"title": result.event_title, "jp": result.jp_credited}
    await reply(
        update, context, "reg_checkin", me.language, outcome=outcome, code=code.strip().upper(), **values
    )


# ---------------------------------------------------------------------------- small helpers


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(rows)


def _back_to_list(context: Context, lang: str) -> InlineKeyboardMarkup:
    return _markup([[button(context, lang, "button.my_registrations", encode("reg", "list"))]])


async def _send_document(update: Update, context: Context, data: bytes, filename: str, caption: str) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_document(chat.id, document=data, filename=filename, caption=caption)
