"""The ASN's side of registration: register from an event's detail, `/pendaftaran` with
each registration's calendar file, cancel, rank, rating and certificate, and `/hadir`.

Callback data is `reg:<action>[:<id>]`: `new:<event>` registers; `list` shows the list;
`open`, `ics`, `cx` (ask to cancel), `cxy` (cancel), `why`, `rate`, `cert` and `skip` take
a registration id; `star:<registration>:<1-5>` rates. Every registration id is looked up
among the caller's own registrations, so someone else's id reads as "not found".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.calendar import CalendarEntry, build_ics, entry_uid
from bot.certificates import CertificateText, build_certificate
from bot.context import BotApplication, Context
from bot.handlers.common import button, office_today, who
from bot.keyboards import callback, parse_callback, rating_stars
from bot.replies import edit, reply
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
class Pressed:
    """A button pressed on one of the caller's own registrations, with what it needs."""

    update: Update
    context: Context
    session: AsyncSession
    me: Caller
    item: MyRegistration
    extras: Extras
    arg: str | None

    def unpack(self) -> tuple[Update, Context, AsyncSession, Caller, MyRegistration]:
        """The parts every action uses."""
        return self.update, self.context, self.session, self.me, self.item


@dataclass(frozen=True, slots=True)
class Group:
    """The registrations of one status, and how many more were left out."""

    status: str
    entries: list[Entry]
    more: int


def _cutoff(context: Context) -> timedelta:
    """How long before the start an ASN may still cancel (CANCELLATION_CUTOFF_HOURS)."""
    return timedelta(hours=context.services.settings.cancellation_cutoff_hours)


def add_handlers(application: BotApplication) -> None:
    """Attach this feature's handlers (before the catch-all ones)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("pendaftaran", show_registrations, filters=private))
    application.add_handler(CommandHandler("hadir", check_in, filters=private))
    application.add_handler(CallbackQueryHandler(on_register, pattern=r"^reg:new:"))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^reg:"))


# ---------------------------------------------------------------------------- register


async def on_register(update: Update, context: Context) -> None:
    """📝 Daftar on an event's detail: register, and say where the ASN stands (new message)."""
    query = update.callback_query
    data = parse_callback(query.data if query else None)
    if query is None or data is None or data.arg is None or not data.arg.isdigit():
        return
    await query.answer()
    event_id = int(data.arg)
    values: dict[str, Any] = {}
    async with context.db() as session:
        me = await who(session, update, context)
        if me.employee is None:
            await reply(update, context, "not_linked", me.language)
            return
        try:
            result = await registration.register(
                session, event_id=event_id, employee_id=me.employee.id, now=context.now()
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
    keyboard = _markup([[button(context, me.language, "button.my_registrations", callback("reg", "list"))]])
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
    await _show_list(update, context, new_message=True)


async def _show_list(update: Update, context: Context, *, new_message: bool) -> None:
    async with context.db() as session:
        me = await who(session, update, context)
        if me.employee is None:
            await (reply if new_message else edit)(update, context, "not_linked", me.language)
            return
        grouped = await registration.my_registrations(session, employee_id=me.employee.id)
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
                rows.append([_item_button(context, me.language, number, item)])
                entries.append(Entry(number, item))
            else:
                entries.append(Entry(None, item))
        if entries:
            groups.append(Group(status.value, entries, len(items) - len(shown)))
    keyboard = _markup(rows) if rows else None
    if new_message:
        await reply(update, context, "reg_list", me.language, keyboard=keyboard, groups=groups)
    else:
        await edit(update, context, "reg_list", me.language, keyboard=keyboard, groups=groups)


def _item_button(context: Context, lang: str, number: int, item: MyRegistration) -> InlineKeyboardButton:
    title = item.event_title if len(item.event_title) <= 40 else item.event_title[:39] + "…"
    text = context.services.renderer.label("button.event", lang, number=number, title=title)
    return InlineKeyboardButton(text, callback_data=callback("reg", "open", item.registration_id))


# ---------------------------------------------------------------------------- one registration's buttons


async def on_button(update: Update, context: Context) -> None:
    """Every other `reg:` button: list, open, calendar, cancel, rank, rating, certificate."""
    query = update.callback_query
    data = parse_callback(query.data if query else None)
    if query is None or data is None:
        return
    if data.action == "list":
        await _show_list(update, context, new_message=False)
        return
    registration_id, _, rest = (data.arg or "").partition(":")
    actions = {
        "open": _open,
        "ics": _send_calendar,
        "cx": _ask_cancel,
        "cxy": _cancel,
        "why": _why,
        "rate": _ask_rating,
        "star": _rate,
        "skip": _skip_comment,
        "cert": _send_certificate,
    }
    action = actions.get(data.action)
    if action is None or not registration_id.isdigit():
        await query.answer()
        return
    async with context.db() as session:
        me = await who(session, update, context)
        if me.employee is None:
            await edit(update, context, "not_linked", me.language)
            return
        found = await _own(session, me, int(registration_id))
        if found is None:
            await edit(update, context, "reg_gone", me.language, keyboard=_back_to_list(context, me.language))
            return
        item, extras = found
        await action(Pressed(update, context, session, me, item, extras, rest or None))


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


async def _open(pressed: Pressed) -> None:
    """One registration with the buttons that fit its status."""
    update, context, _session, me, item = pressed.unpack()
    lang, rid = me.language, item.registration_id
    rows = [[button(context, lang, "button.calendar", callback("reg", "ics", rid))]]
    if pressed.extras.priority and (item.status is Status.PENDING or pressed.extras.scored):
        rows.append([button(context, lang, "button.why_rank", callback("reg", "why", rid))])
    if item.status in UPCOMING:
        rows.append([button(context, lang, "button.cancel_registration", callback("reg", "cx", rid))])
    if item.status is Status.ATTENDED:
        if not pressed.extras.rated:
            rows.append([button(context, lang, "button.rate", callback("reg", "rate", rid))])
        rows.append([button(context, lang, "button.certificate", callback("reg", "cert", rid))])
    rows.append([button(context, lang, "button.my_registrations", callback("reg", "list"))])
    await edit(
        update, context, "reg_item", lang, keyboard=_markup(rows), item=item, rated=pressed.extras.rated
    )


async def _send_calendar(pressed: Pressed) -> None:
    """📅: the event as an `.ics` file, times in the office time zone."""
    update, context, session, me, item = pressed.unpack()
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


async def _ask_cancel(pressed: Pressed) -> None:
    """❌: ask before cancelling, or say at once that it is too late or not possible."""
    update, context, _session, me, item = pressed.unpack()
    lang, rid = me.language, item.registration_id
    back = _markup([[button(context, lang, "button.back", callback("reg", "open", rid))]])
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
    cutoff_at = item.starts_at - _cutoff(pressed.context)
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
            [button(context, lang, "button.confirm_cancel", callback("reg", "cxy", rid))],
            [button(context, lang, "button.keep_registration", callback("reg", "open", rid))],
        ]
    )
    await edit(update, context, "reg_cancel", lang, keyboard=keyboard, outcome="confirm", item=item)


async def _cancel(pressed: Pressed) -> None:
    """Yes, cancel: free the seat; whoever is promoted into it is told through the outbox."""
    update, context, session, me, item = pressed.unpack()
    assert me.employee is not None
    lang = me.language
    back = _back_to_list(context, lang)
    try:
        await registration.cancel(
            session,
            registration_id=item.registration_id,
            employee_id=me.employee.id,
            now=context.now(),
            cutoff=_cutoff(pressed.context),
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


async def _why(pressed: Pressed) -> None:
    """⚖️: the caller's own score parts and rank in a priority event."""
    update, context, session, me, item = pressed.unpack()
    assert me.employee is not None
    back = _markup(
        [[button(context, me.language, "button.back", callback("reg", "open", item.registration_id))]]
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


async def _ask_rating(pressed: Pressed) -> None:
    """⭐ Beri nilai: five star buttons."""
    update, context, _session, me, item = pressed.unpack()
    lang, rid = me.language, item.registration_id
    stars = rating_stars(context.services.renderer, lang, rid)
    back = button(context, lang, "button.back", callback("reg", "open", rid))
    await edit(
        update,
        context,
        "reg_rating",
        lang,
        keyboard=_markup([stars, [back]]),
        outcome="ask",
        title=item.event_title,
    )


async def _rate(pressed: Pressed) -> None:
    """⭐n: save the rating, then wait for an optional comment."""
    update, context, session, me, item = pressed.unpack()
    assert me.employee is not None
    if pressed.arg not in {"1", "2", "3", "4", "5"}:
        assert update.callback_query is not None
        await update.callback_query.answer()
        return
    rating = int(pressed.arg)
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
    skip = button(context, me.language, "button.skip_comment", callback("reg", "skip", item.registration_id))
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


async def _skip_comment(pressed: Pressed) -> None:
    """Lewati: no comment, thanks."""
    update, context, session, me, item = pressed.unpack()
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


async def comment_text(update: Update, context: Context) -> bool:
    """A plain text that is the comment awaited after a rating; False when none is awaited.

    For the text router: call it before answering "unknown text"; True means consumed.
    """
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return False
    async with context.db() as session:
        pending = await registration.pending_comment(session, telegram_user_id=user.id)
        if pending is None:
            return False
        me = await who(session, update, context)
        await registration.clear_comment(session, telegram_user_id=user.id)
        if me.employee is None:
            return False
        try:
            await registration.rate(
                session,
                registration_id=pending.registration_id,
                employee_id=me.employee.id,
                rating=pending.rating,
                comment=message.text,
            )
        except RegistrationError:
            await reply(update, context, "reg_gone", me.language)
            return True
    await reply(
        update, context, "reg_rating", me.language, outcome="comment_saved", title="", rating=pending.rating
    )
    return True


async def _send_certificate(pressed: Pressed) -> None:
    """📄: the certificate of attendance as a PDF."""
    update, context, session, me, item = pressed.unpack()
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
    return _markup([[button(context, lang, "button.my_registrations", callback("reg", "list"))]])


async def _send_document(update: Update, context: Context, data: bytes, filename: str, caption: str) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_document(chat.id, document=data, filename=filename, caption=caption)
