"""`/admin`: the events the caller manages, and one event's screen with its actions; HR also
raises the quota and runs a priority allocation; anyone with the event sees its ratings."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update

from bot.context import Context
from bot.handlers.admin import changes, reach, roles
from bot.handlers.admin.common import ADMIN, back_to_event, data, gone, page_of, short, summary
from bot.handlers.admin.editor_common import data as editor_data
from bot.replies import edit, reply
from bot.ui.callbacks import encode
from bot.ui.caller import who
from bot.ui.keyboards import button, markup
from bot.ui.pages import Page
from bot.ui.router import Press, Role
from db import admin, registration
from db.accounts import Caller
from db.admin import Scope
from db.events import publishing
from db.registration import RegistrationError

EVENTS_PER_PAGE = 5


async def show_admin(update: Update, context: Context) -> None:
    """/admin — the HR/organizer menu: the events they manage."""
    async with context.db() as session:
        me = await who(session, update, context)
        scope = await admin.scope_for(session, telegram_user_id=me.telegram_user_id, roles=me.roles)
        if scope is None:
            await reply(update, context, "admin_refused", me.language)
            return
        await _event_list(update, context, session, me, scope, page=0, new_message=True)


@ADMIN.on("ls")
async def _list(press: Press) -> None:
    """◀ ▶ through the event list, or back to it."""
    await _event_list(
        press.update,
        press.context,
        press.session,
        press.me,
        press.staff,
        page=press.number(0),
        new_message=False,
    )


async def _event_list(
    update: Update,
    context: Context,
    session: AsyncSession,
    me: Caller,
    scope: Scope,
    *,
    page: int,
    new_message: bool,
) -> None:
    listing = await admin.events_page(
        session, scope=scope, now=context.now(), page=page, per_page=EVENTS_PER_PAGE
    )
    lang, shown = me.language, Page(listing.page, listing.pages, EVENTS_PER_PAGE)
    rows = [
        [
            button(
                context,
                lang,
                "button.event",
                data("ev", item.id, shown.number),
                number=shown.first + number,
                title=short(item.title),
            )
        ]
        for number, item in enumerate(listing.items, start=1)
    ]
    rows.append(shown.navigation(context, lang, lambda number: encode("adm", "ls", number)))
    rows.append([button(context, lang, "editor.button.new", editor_data("new"))])
    waiting = len(await publishing.waiting(session)) if scope.hr else 0
    if waiting:
        rows.append([button(context, lang, "editor.button.waiting", editor_data("rv", 0), count=waiting)])
    if scope.hr:
        rows.append([button(context, lang, "announce.button.open", encode("ann", "menu"))])
        rows.append(roles.entry_button(context, lang))
    statuses = await publishing.statuses(session, event_ids=[item.id for item in listing.items])
    values: dict[str, Any] = {
        "statuses": {eid: status.value for eid, status in statuses.items()},
        "items": listing.items,
        "page": shown.number,
        "pages": shown.count,
        "first": shown.first,
        "hr": scope.hr,
        "organizers": sorted(scope.organizers),
    }
    answer = reply if new_message else edit
    await answer(update, context, "admin_events", lang, keyboard=markup(rows), **values)


@ADMIN.on("ev")
async def _pressed_event(press: Press) -> None:
    """One event: its counts and the actions."""
    await show_event(press, press.number(0), page_of(press))


async def show_event(press: Press, event_id: int, page: int) -> None:
    """The event's screen; `page` is the event-list page its ◀ goes back to."""
    event = await summary(press, event_id)
    if event is None:
        return
    context, lang, eid, hr = press.context, press.lang, event.id, press.staff.hr
    rows = [
        [
            button(context, lang, "admin.button.registrants", data("rg", eid, 0)),
            button(context, lang, "admin.button.export", data("ex", eid)),
        ],
        [
            button(context, lang, "admin.button.checkin", data("ci", eid)),
            button(context, lang, "admin.button.attendance", data("at", eid, 0)),
        ],
    ]
    if event.decidable:
        rows.append([button(context, lang, "admin.button.pending", data("pd", eid, 0), count=event.pending)])
    if event.awaiting_allocation and hr:
        rows.append([button(context, lang, "admin.button.allocate", data("al", eid))])
    if hr:
        rows.append(
            [
                button(context, lang, "admin.button.quota_up", data("q1", eid), count=1),
                button(context, lang, "admin.button.quota_up", data("q5", eid), count=5),
            ]
        )
        rows.append([button(context, lang, "admin.button.remove", data("rm", eid, 0))])
    if not event.event_cancelled and event.starts_at > context.now():
        rows.append(changes.entry_buttons(context, lang, eid))
    if reached := reach.entry_buttons(context, lang, event):
        rows.append(reached)
    rows.append([button(context, lang, "admin.button.ratings", data("rt", eid))])
    rows.append(
        [
            button(context, lang, "editor.button.edit", editor_data("m", eid)),
            button(context, lang, "editor.button.duplicate", editor_data("du", eid)),
        ]
    )
    rows.append([button(context, lang, "admin.button.events", encode("adm", "ls", page))])
    status = (await publishing.statuses(press.session, event_ids=[eid])).get(eid)
    await edit(
        press.update,
        context,
        "admin_event",
        lang,
        keyboard=InlineKeyboardMarkup(rows),
        event=event,
        status=status.value if status is not None else "published",
    )


@ADMIN.on("q1", "q5", role=Role.HR, refused=gone)
async def _raise_quota(press: Press) -> None:
    """🎟 +1 / +5: more seats (HR); the first on the waiting list get them at once."""
    event = await summary(press, press.number(0))
    if event is None:
        return
    more = 1 if press.data.action == "q1" else 5
    await registration.set_quota(
        press.session,
        event_id=event.id,
        quota=event.quota + more,
        actor=press.me.telegram_user_id,
        now=press.context.now(),
    )
    await show_event(press, event.id, page_of(press))


@ADMIN.on("rt")
async def _ratings(press: Press) -> None:
    """⭐ The event's average rating and how many rated."""
    event = await summary(press, press.number(0))
    if event is None:
        return
    ratings = await registration.event_ratings(press.session, event_id=event.id)
    back = InlineKeyboardMarkup([back_to_event(press.context, press.lang, event.id)])
    await edit(
        press.update, press.context, "admin_ratings", press.lang, keyboard=back, event=event, ratings=ratings
    )


@ADMIN.on("al")
async def _allocate(press: Press) -> None:
    """⚖️ HR runs a priority event's allocation now; everyone placed is told."""
    event = await summary(press, press.number(0))
    if event is None:
        return
    values: dict[str, Any] = {"outcome": "hr_only", "seated": 0, "waitlisted": 0}
    if press.staff.hr:
        try:
            report = await registration.allocate(
                press.session,
                event_id=event.id,
                now=press.context.now(),
                timezone=press.context.services.settings.timezone,
                actor=press.me.telegram_user_id,
            )
        except RegistrationError as refusal:
            values["outcome"] = refusal.reason
        else:
            values = {
                "outcome": "already" if report.already_allocated else "done",
                "seated": len(report.registered),
                "waitlisted": len(report.waitlisted),
            }
    back = InlineKeyboardMarkup([back_to_event(press.context, press.lang, event.id)])
    await edit(
        press.update, press.context, "admin_allocation", press.lang, keyboard=back, event=event, **values
    )
