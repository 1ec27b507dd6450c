"""`/admin` for HR and organizers: their events with counts, and per event the registrant
list, exports (CSV and XLSX), the check-in code with its QR image, marking attendance,
approving pending registrations, running a priority allocation (HR) and the ratings;
and `/verifikasi KODE` for certificates.

Callback data is `adm:<action>:<id>[:<page>]`: `ls:<page>` the event list; `ev`, `rg`
(registrants), `ex` (export), `ci` (check-in code), `at` (attendance picker), `pd`
(pending), `al` (allocate) and `rt` (ratings) take an event id; `am` (mark attended),
`ok` and `no` (approve, reject) a registration id; HR also has `q1`/`q5` (raise the quota),
`rm` (removal picker, an event id) and `rx` (remove, a registration id); changing and cancelling
an event is `bot.handlers.event_admin` (`eva:`). Every press re-reads the caller's
roles and scope: an event or registration outside it reads as gone.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotApplication, Context
from bot.documents import exports, qr
from bot.handlers import event_admin
from bot.handlers.common import button, who
from bot.keyboards import callback, parse_callback
from bot.replies import edit, reply
from db import admin, registration
from db.accounts import Caller
from db.admin import EventSummary, Registrant, Scope
from db.identity import mask_nip
from db.models import RegistrationStatus
from db.registration import RegistrationError

logger = logging.getLogger(__name__)

PREFIX = "adm"
EVENTS_PER_PAGE = 5
REGISTRANTS_PER_PAGE = 15
PICK_PER_PAGE = 8
NAME_LIMIT = 30
Status = RegistrationStatus


@dataclass(frozen=True, slots=True)
class Pressed:
    """An admin button press, with the caller's scope already checked."""

    update: Update
    context: Context
    session: AsyncSession
    me: Caller
    scope: Scope
    target: int
    page: int

    @property
    def lang(self) -> str:
        """The admin's language."""
        return self.me.language


@dataclass(frozen=True, slots=True)
class Numbered:
    """A registrant with the number of its button."""

    number: int
    registrant: Registrant


def add_handlers(application: BotApplication) -> None:
    """Attach this feature's handlers (before the catch-all ones)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("admin", show_admin, filters=private))
    application.add_handler(CommandHandler("verifikasi", verify, filters=private))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"))


def _data(action: str, target: int, page: int | None = None) -> str:
    return callback(PREFIX, action, target if page is None else f"{target}:{page}")


def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…"


def _pages(total: int, per_page: int, page: int) -> tuple[int, int]:
    """(page clamped into range, number of pages)."""
    pages = max(1, -(-total // per_page))
    return min(max(page, 0), pages - 1), pages


def _navigation(
    context: Context, lang: str, action: str, target: int, page: int, pages: int
) -> list[InlineKeyboardButton]:
    row = []
    if page > 0:
        row.append(button(context, lang, "button.prev", _data(action, target, page - 1)))
    if page + 1 < pages:
        row.append(button(context, lang, "button.next", _data(action, target, page + 1)))
    return row


def _back_to_event(context: Context, lang: str, event_id: int) -> list[InlineKeyboardButton]:
    return [button(context, lang, "admin.button.back_to_event", _data("ev", event_id))]


# ---------------------------------------------------------------------------- /admin and the event list


async def show_admin(update: Update, context: Context) -> None:
    """/admin — the HR/organizer menu: the events they manage."""
    async with context.db() as session:
        me = await who(session, update, context)
        scope = await _scope(session, me)
        if scope is None:
            await reply(update, context, "admin_refused", me.language)
            return
        await _event_list(update, context, session, me, scope, page=0, new_message=True)


async def _scope(session: AsyncSession, me: Caller) -> Scope | None:
    return await admin.scope_for(session, telegram_user_id=me.telegram_user_id, roles=me.roles)


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
    lang = me.language
    first = listing.page * EVENTS_PER_PAGE
    rows = [
        [
            button(
                context,
                lang,
                "button.event",
                _data("ev", item.id, listing.page),
                number=first + number,
                title=_short(item.title),
            )
        ]
        for number, item in enumerate(listing.items, start=1)
    ]
    navigation = []
    if listing.page > 0:
        navigation.append(button(context, lang, "button.prev", callback(PREFIX, "ls", listing.page - 1)))
    if listing.page + 1 < listing.pages:
        navigation.append(button(context, lang, "button.next", callback(PREFIX, "ls", listing.page + 1)))
    if navigation:
        rows.append(navigation)
    if scope.hr:
        rows.append([button(context, lang, "announce.button.open", callback("ann", "menu"))])
    values: dict[str, Any] = {
        "items": listing.items,
        "page": listing.page,
        "pages": listing.pages,
        "first": first,
        "hr": scope.hr,
        "organizers": sorted(scope.organizers),
    }
    keyboard = InlineKeyboardMarkup(rows) if rows else None
    if new_message:
        await reply(update, context, "admin_events", lang, keyboard=keyboard, **values)
    else:
        await edit(update, context, "admin_events", lang, keyboard=keyboard, **values)


# ---------------------------------------------------------------------------- buttons


async def on_button(update: Update, context: Context) -> None:
    """Every `adm:` button: re-check the caller's rights, then do what it says."""
    query = update.callback_query
    data = parse_callback(query.data if query else None)
    if query is None or data is None:
        return
    target, _, page = (data.arg or "").partition(":")
    actions: dict[str, Callable[[Pressed], Awaitable[None]]] = {
        "ev": _event,
        "rg": _registrants,
        "ex": _export,
        "ci": _checkin,
        "at": _attendance,
        "am": _mark_attended,
        "pd": _pending,
        "ok": _approve,
        "no": _reject,
        "al": _allocate,
        "rt": _ratings,
        "q1": _quota_up_1,
        "q5": _quota_up_5,
        "rm": _removal,
        "rx": _remove,
    }
    action = actions.get(data.action)
    valid = target.isdigit() and (not page or page.isdigit())
    if (action is None and data.action != "ls") or not valid:
        await query.answer()
        return
    async with context.db() as session:
        me = await who(session, update, context)
        scope = await _scope(session, me)
        if scope is None:
            await edit(update, context, "admin_refused", me.language)
            return
        if action is None:
            await _event_list(update, context, session, me, scope, page=int(target), new_message=False)
            return
        await action(Pressed(update, context, session, me, scope, int(target), int(page or 0)))


async def _summary(pressed: Pressed, event_id: int) -> EventSummary | None:
    """The event if the caller may see it; otherwise says so and returns None."""
    found = await admin.event_summary(pressed.session, scope=pressed.scope, event_id=event_id)
    if found is None:
        await _gone(pressed)
    return found


async def _gone(pressed: Pressed) -> None:
    """An unknown event or registration, or one outside the caller's scope (they look alike)."""
    back = button(pressed.context, pressed.lang, "admin.button.events", callback(PREFIX, "ls", 0))
    await edit(
        pressed.update, pressed.context, "admin_gone", pressed.lang, keyboard=InlineKeyboardMarkup([[back]])
    )


async def _event(pressed: Pressed) -> None:
    """One event: its counts and the actions."""
    event = await _summary(pressed, pressed.target)
    if event is None:
        return
    context, lang, eid = pressed.context, pressed.lang, event.id
    rows = [
        [
            button(context, lang, "admin.button.registrants", _data("rg", eid, 0)),
            button(context, lang, "admin.button.export", _data("ex", eid)),
        ],
        [
            button(context, lang, "admin.button.checkin", _data("ci", eid)),
            button(context, lang, "admin.button.attendance", _data("at", eid, 0)),
        ],
    ]
    if event.decidable:
        rows.append([button(context, lang, "admin.button.pending", _data("pd", eid, 0), count=event.pending)])
    if event.awaiting_allocation and pressed.scope.hr:
        rows.append([button(context, lang, "admin.button.allocate", _data("al", eid))])
    if pressed.scope.hr:
        rows.append(
            [
                button(context, lang, "admin.button.quota_up", _data("q1", eid), count=1),
                button(context, lang, "admin.button.quota_up", _data("q5", eid), count=5),
            ]
        )
        rows.append([button(context, lang, "admin.button.remove", _data("rm", eid, 0))])
        if not event.event_cancelled and event.starts_at > context.now():
            rows.append(event_admin.entry_buttons(context, lang, eid))
    rows.append([button(context, lang, "admin.button.ratings", _data("rt", eid))])
    rows.append([button(context, lang, "admin.button.events", callback(PREFIX, "ls", pressed.page))])
    await edit(pressed.update, context, "admin_event", lang, keyboard=InlineKeyboardMarkup(rows), event=event)


async def _registrants(pressed: Pressed) -> None:
    """👥 The registrants, with status and waitlist position (NIP masked for organizers)."""
    event = await _summary(pressed, pressed.target)
    if event is None:
        return
    found = await admin.registrants(pressed.session, scope=pressed.scope, event_id=event.id) or []
    page, pages = _pages(len(found), REGISTRANTS_PER_PAGE, pressed.page)
    first = page * REGISTRANTS_PER_PAGE
    rows = [_navigation(pressed.context, pressed.lang, "rg", event.id, page, pages)]
    rows.append(_back_to_event(pressed.context, pressed.lang, event.id))
    await edit(
        pressed.update,
        pressed.context,
        "admin_registrants",
        pressed.lang,
        keyboard=InlineKeyboardMarkup([row for row in rows if row]),
        event=event,
        items=found[first : first + REGISTRANTS_PER_PAGE],
        first=first,
        page=page,
        pages=pages,
        total=len(found),
        masked=not pressed.scope.full_nip,
    )


async def _export(pressed: Pressed) -> None:
    """📥 The registrants as a CSV and an XLSX document."""
    update, context = pressed.update, pressed.context
    event = await _summary(pressed, pressed.target)
    chat = update.effective_chat
    if event is None or chat is None or update.callback_query is None:
        return
    await update.callback_query.answer()
    found = await admin.registrants(pressed.session, scope=pressed.scope, event_id=event.id) or []
    admin.record_export(
        pressed.session, actor=pressed.me.telegram_user_id, event_id=event.id, file_format="csv+xlsx"
    )
    await pressed.session.commit()
    timezone = context.services.settings.timezone
    caption = context.services.renderer.label(
        "admin.export_caption", pressed.lang, code=event.code, count=len(found)
    )
    files = (
        (exports.registrants_csv(found, timezone), exports.filename(event.code, "csv")),
        (exports.registrants_xlsx(found, timezone, sheet=event.code), exports.filename(event.code, "xlsx")),
    )
    for content, name in files:
        await context.bot.send_document(chat.id, document=content, filename=name, caption=caption)


async def _checkin(pressed: Pressed) -> None:
    """🔑 The check-in code and a QR image of its deep link."""
    update, context = pressed.update, pressed.context
    event = await _summary(pressed, pressed.target)
    chat = update.effective_chat
    if event is None or chat is None or update.callback_query is None:
        return
    await update.callback_query.answer()
    code = await registration.issue_checkin_code(pressed.session, event_id=event.id)
    link = qr.checkin_link(context.bot.username, code)
    caption = context.services.renderer.render(
        "admin_checkin", pressed.lang, event=event, code=code, link=link
    )
    await context.bot.send_photo(chat.id, photo=qr.qr_png(link), caption=caption)


async def _attendance(pressed: Pressed, **outcome: Any) -> None:
    """✅ Pick a seat holder to mark as attended (after marking, the picker again)."""
    event = await _summary(pressed, pressed.target)
    if event is None:
        return
    holders = (
        await admin.registrants(
            pressed.session, scope=pressed.scope, event_id=event.id, statuses=(Status.REGISTERED,)
        )
        or []
    )
    await _picker(pressed, event, holders, "admin_attendance", "at", outcome)


async def _picker(
    pressed: Pressed,
    event: EventSummary,
    candidates: list[Registrant],
    template: str,
    action: str,
    outcome: dict[str, Any],
) -> None:
    """A page of registrants, each with its buttons (attendance, or approve and reject)."""
    context, lang = pressed.context, pressed.lang
    page, pages = _pages(len(candidates), PICK_PER_PAGE, pressed.page)
    first = page * PICK_PER_PAGE
    shown = [Numbered(first + n, r) for n, r in enumerate(candidates[first : first + PICK_PER_PAGE], start=1)]
    rows: list[list[InlineKeyboardButton]] = []
    for item in shown:
        rid, name = item.registrant.registration_id, _short(item.registrant.name)
        if action == "rm":
            rows.append(
                [
                    button(
                        context,
                        lang,
                        "admin.button.remove_one",
                        _data("rx", rid, page),
                        number=item.number,
                        name=name,
                    )
                ]
            )
        elif action == "at":
            rows.append(
                [
                    button(
                        context,
                        lang,
                        "admin.button.mark",
                        _data("am", rid, page),
                        number=item.number,
                        name=name,
                    )
                ]
            )
        else:
            rows.append(
                [
                    button(
                        context,
                        lang,
                        "admin.button.approve",
                        _data("ok", rid, page),
                        number=item.number,
                        name=name,
                    ),
                    button(context, lang, "admin.button.reject", _data("no", rid, page), number=item.number),
                ]
            )
    rows.append(_navigation(context, lang, action, event.id, page, pages))
    rows.append(_back_to_event(context, lang, event.id))
    values: dict[str, Any] = {
        "outcome": None,
        "name": None,
        "jp": 0,
        "position": None,
        "promoted": 0,
    } | outcome
    await edit(
        pressed.update,
        context,
        template,
        lang,
        keyboard=InlineKeyboardMarkup([row for row in rows if row]),
        event=event,
        items=shown,
        total=len(candidates),
        page=page,
        pages=pages,
        **values,
    )


async def _mark_attended(pressed: Pressed) -> None:
    """A registrant pressed in the attendance picker: mark attended, credit JP once."""
    found = await admin.registrant(pressed.session, scope=pressed.scope, registration_id=pressed.target)
    if found is None:
        await _gone(pressed)
        return
    try:
        result = await registration.mark_attended(
            pressed.session,
            registration_id=found.registration_id,
            actor=pressed.me.telegram_user_id,
            now=pressed.context.now(),
            timezone=pressed.context.services.settings.timezone,
        )
    except RegistrationError as refusal:
        outcome: dict[str, Any] = {"outcome": refusal.reason, "name": found.name}
    else:
        outcome = {
            "outcome": "already" if result.already else "done",
            "name": found.name,
            "jp": result.jp_credited,
        }
    await _attendance(_retarget(pressed, found.event_id), **outcome)


def _retarget(pressed: Pressed, target: int) -> Pressed:
    return Pressed(
        pressed.update, pressed.context, pressed.session, pressed.me, pressed.scope, target, pressed.page
    )


async def _pending(pressed: Pressed, **outcome: Any) -> None:
    """✋ Registrations awaiting a decision, each with approve and reject."""
    event = await _summary(pressed, pressed.target)
    if event is None:
        return
    waiting = (
        await admin.registrants(
            pressed.session, scope=pressed.scope, event_id=event.id, statuses=(Status.PENDING,)
        )
        or []
    )
    if event.awaiting_allocation:
        waiting = []
    await _picker(pressed, event, waiting, "admin_pending", "pd", outcome)


async def _approve(pressed: Pressed) -> None:
    """✅ on a pending registration."""
    await _decide(pressed, approve=True)


async def _reject(pressed: Pressed) -> None:
    """❌ on a pending registration."""
    await _decide(pressed, approve=False)


async def _decide(pressed: Pressed, *, approve: bool) -> None:
    found = await admin.registrant(pressed.session, scope=pressed.scope, registration_id=pressed.target)
    if found is None:
        await _gone(pressed)
        return
    event_id = found.event_id
    try:
        decision = await registration.decide(
            pressed.session,
            registration_id=found.registration_id,
            approve=approve,
            actor_telegram_id=pressed.me.telegram_user_id,
            now=pressed.context.now(),
        )
    except RegistrationError as refusal:
        await _pending(_retarget(pressed, event_id), outcome=refusal.reason, name=found.name)
        return
    await _pending(
        _retarget(pressed, event_id),
        outcome=decision.status.value,
        name=found.name,
        position=decision.waitlist_position,
    )


async def _allocate(pressed: Pressed) -> None:
    """⚖️ HR runs a priority event's allocation now; everyone placed is told."""
    event = await _summary(pressed, pressed.target)
    if event is None:
        return
    back = InlineKeyboardMarkup([_back_to_event(pressed.context, pressed.lang, event.id)])
    if not pressed.scope.hr:
        await edit(
            pressed.update,
            pressed.context,
            "admin_allocation",
            pressed.lang,
            keyboard=back,
            outcome="hr_only",
            event=event,
            seated=0,
            waitlisted=0,
        )
        return
    try:
        report = await registration.allocate(
            pressed.session,
            event_id=event.id,
            now=pressed.context.now(),
            timezone=pressed.context.services.settings.timezone,
            actor=pressed.me.telegram_user_id,
        )
    except RegistrationError as refusal:
        await edit(
            pressed.update,
            pressed.context,
            "admin_allocation",
            pressed.lang,
            keyboard=back,
            outcome=refusal.reason,
            event=event,
            seated=0,
            waitlisted=0,
        )
        return
    await edit(
        pressed.update,
        pressed.context,
        "admin_allocation",
        pressed.lang,
        keyboard=back,
        outcome="already" if report.already_allocated else "done",
        event=event,
        seated=len(report.registered),
        waitlisted=len(report.waitlisted),
    )


async def _ratings(pressed: Pressed) -> None:
    """⭐ The event's average rating and how many rated."""
    event = await _summary(pressed, pressed.target)
    if event is None:
        return
    ratings = await registration.event_ratings(pressed.session, event_id=event.id)
    back = InlineKeyboardMarkup([_back_to_event(pressed.context, pressed.lang, event.id)])
    await edit(
        pressed.update,
        pressed.context,
        "admin_ratings",
        pressed.lang,
        keyboard=back,
        event=event,
        ratings=ratings,
    )


async def _quota_up_1(pressed: Pressed) -> None:
    """🎟 +1: one more seat (HR); the first on the waiting list gets it at once."""
    await _raise_quota(pressed, 1)


async def _quota_up_5(pressed: Pressed) -> None:
    """🎟 +5: five more seats (HR)."""
    await _raise_quota(pressed, 5)


async def _raise_quota(pressed: Pressed, more: int) -> None:
    if not pressed.scope.hr:
        await _gone(pressed)
        return
    event = await _summary(pressed, pressed.target)
    if event is None:
        return
    await registration.set_quota(
        pressed.session,
        event_id=event.id,
        quota=event.quota + more,
        actor=pressed.me.telegram_user_id,
        now=pressed.context.now(),
    )
    await _event(pressed)


async def _removal(pressed: Pressed, **outcome: Any) -> None:
    """🚫 Pick a registrant to remove (HR): their seat goes to the waiting list at once."""
    if not pressed.scope.hr:
        await _gone(pressed)
        return
    event = await _summary(pressed, pressed.target)
    if event is None:
        return
    active = (Status.REGISTERED, Status.WAITLISTED, Status.PENDING)
    candidates = await admin.registrants(
        pressed.session, scope=pressed.scope, event_id=event.id, statuses=active
    )
    await _picker(pressed, event, candidates or [], "admin_remove", "rm", outcome)


async def _remove(pressed: Pressed) -> None:
    """A registrant pressed in the removal picker: remove, tell them, promote and tell the next."""
    found = await admin.registrant(pressed.session, scope=pressed.scope, registration_id=pressed.target)
    if found is None or not pressed.scope.hr:
        await _gone(pressed)
        return
    try:
        removal = await registration.remove_registration(
            pressed.session,
            registration_id=found.registration_id,
            actor=pressed.me.telegram_user_id,
            now=pressed.context.now(),
        )
    except RegistrationError as refusal:
        await _removal(_retarget(pressed, found.event_id), outcome=refusal.reason, name=found.name)
        return
    await _removal(
        _retarget(pressed, found.event_id), outcome="removed", name=found.name, promoted=len(removal.promoted)
    )


# ---------------------------------------------------------------------------- /verifikasi


async def verify(update: Update, context: Context) -> None:
    """/verifikasi KODE — is this certificate genuine? (HR and organizers)"""
    async with context.db() as session:
        me = await who(session, update, context)
        scope = await _scope(session, me)
        if scope is None:
            await reply(update, context, "admin_refused", me.language)
            return
        if not context.args:
            await reply(
                update,
                context,
                "admin_verify",
                me.language,
                outcome="usage",
                certificate=None,
                nip=None,
                code="",
            )
            return
        code = "".join(context.args)
        found = await registration.verify_certificate(session, code=code)
    if found is None:
        await reply(
            update,
            context,
            "admin_verify",
            me.language,
            outcome="not_genuine",
            certificate=None,
            nip=None,
            code=code,
        )
        return
    nip = found.nip if scope.full_nip else mask_nip(found.nip)
    await reply(
        update,
        context,
        "admin_verify",
        me.language,
        outcome="genuine",
        certificate=found,
        nip=nip,
        code=found.code,
    )
