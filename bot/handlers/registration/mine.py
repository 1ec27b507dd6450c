"""`/pendaftaran`: the ASN's own registrations by status, and one registration with the
buttons that fit it: the calendar file, cancel (asked first), and "why this rank?"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, Update

from bot.context import Context
from bot.documents.calendar import CalendarEntry, build_ics, entry_uid
from bot.handlers.registration.common import (
    GROUP_LIMIT,
    OPENABLE,
    PAST_LIMIT,
    REGISTRATIONS,
    UPCOMING,
    Own,
    Status,
    back_to_list,
    cutoff,
    inline,
    on_own,
    send_document,
)
from bot.replies import edit, reply
from bot.ui.callbacks import encode
from bot.ui.caller import office_today, who
from bot.ui.keyboards import button
from bot.ui.router import Press
from db import catalog, registration
from db.registration import (
    CancellationTooLate,
    MyRegistration,
    NotCancellable,
    RegistrationError,
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of `/pendaftaran`: the number of its button (None when it has none)."""

    number: int | None
    item: MyRegistration


@dataclass(frozen=True, slots=True)
class Group:
    """The registrations of one status, and how many more were left out."""

    status: str
    entries: list[Entry]
    more: int


GROUP_ORDER = (
    Status.REGISTERED,
    Status.WAITLISTED,
    Status.PENDING,
    Status.ATTENDED,
    Status.CANCELLED,
    Status.REJECTED,
)


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
        shown = items[:GROUP_LIMIT] if status in UPCOMING else items[-PAST_LIMIT:]
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
    keyboard = inline(rows) if rows else None
    if new_message:
        await reply(update, context, "reg_list", lang, keyboard=keyboard, groups=groups)
    else:
        await edit(update, context, "reg_list", lang, keyboard=keyboard, groups=groups)


def _item_button(context: Context, lang: str, number: int, item: MyRegistration) -> InlineKeyboardButton:
    title = item.event_title if len(item.event_title) <= 40 else item.event_title[:39] + "…"
    text = context.services.renderer.label("button.event", lang, number=number, title=title)
    return InlineKeyboardButton(text, callback_data=encode("reg", "open", item.registration_id))


@on_own("open")
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
    await edit(update, context, "reg_item", lang, keyboard=inline(rows), item=item, rated=own.extras.rated)


@on_own("ics")
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
    await send_document(
        update,
        context,
        ics,
        f"{item.event_code}.ics",
        label("reg.ics_caption", me.language, title=item.event_title),
    )


@on_own("cx")
async def _ask_cancel(own: Own) -> None:
    """❌: ask before cancelling, or say at once that it is too late or not possible."""
    update, context, _session, me, item = own.unpack()
    lang, rid = me.language, item.registration_id
    back = inline([[button(context, lang, "button.back", encode("reg", "open", rid))]])
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
    cutoff_at = item.starts_at - cutoff(own.press.context)
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
    keyboard = inline(
        [
            [button(context, lang, "button.confirm_cancel", encode("reg", "cxy", rid))],
            [button(context, lang, "button.keep_registration", encode("reg", "open", rid))],
        ]
    )
    await edit(update, context, "reg_cancel", lang, keyboard=keyboard, outcome="confirm", item=item)


@on_own("cxy")
async def _cancel(own: Own) -> None:
    """Yes, cancel: free the seat; whoever is promoted into it is told through the outbox."""
    update, context, session, me, item = own.unpack()
    assert me.employee is not None
    lang = me.language
    back = back_to_list(context, lang)
    try:
        await registration.cancel(
            session,
            registration_id=item.registration_id,
            employee_id=me.employee.id,
            now=context.now(),
            cutoff=cutoff(own.press.context),
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


@on_own("why")
async def _why(own: Own) -> None:
    """⚖️: the caller's own score parts and rank in a priority event."""
    update, context, session, me, item = own.unpack()
    assert me.employee is not None
    back = inline(
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
