"""🚀 Publishing a draft (or sending it for HR's approval), 💾 keeping it a draft, 📄 copying an
event for its next batch, and HR's ⏳ list of organizer events waiting for approval: approve,
or send back with a reason the organizer receives."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.handlers.admin.editor_common import EDITOR, Screen, data, event_of, invalid, overview
from bot.ui.callbacks import encode
from bot.ui.router import Press, Role
from db.events import creating, editing, publishing
from db.events.editing import EDIT, RETURN_REASON, Editing
from db.events.proposal import EventChangeError
from db.models import EventStatus


def _back(screen: Screen, event_id: int) -> list[InlineKeyboardButton]:
    return [screen.button("admin.button.back_to_event", encode("adm", "ev", event_id))]


@EDITOR.on("pb")
async def _publish(press: Press) -> None:
    """🚀 Publish (or send for approval when HR reviews this organizer's events)."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is None:
        return
    await editing.stop(press.session, telegram_user_id=press.me.telegram_user_id)
    try:
        status = await publishing.publish(
            press.session,
            scope=screen.scope,
            event_id=event.id,
            actor=press.me.telegram_user_id,
            now=press.context.now(),
        )
    except EventChangeError as refusal:
        await invalid(screen, event, refusal.reason, retry=False)
        return
    rows = [_back(screen, event.id)]
    if status is EventStatus.PUBLISHED and screen.scope.hr:
        rows.insert(0, [screen.button("editor.button.announce", encode(*publishing.ANNOUNCE_HOOK, event.id))])
    await screen.show("editor_published", rows, event=event, outcome=status.value)


@EDITOR.on("dr")
async def _keep_draft(press: Press) -> None:
    """💾 Keep it a draft: it waits in the event list for later."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is not None:
        await editing.stop(press.session, telegram_user_id=press.me.telegram_user_id)
        await screen.show("editor_published", [_back(screen, event.id)], event=event, outcome="draft")


@EDITOR.on("du")
async def _duplicate(press: Press) -> None:
    """📄 A draft copy for the next batch, its dates to be set: its edit menu."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is None:
        return
    copy = await creating.duplicate(
        press.session,
        event_id=event.id,
        actor=press.me.telegram_user_id,
        now=press.context.now(),
        timezone=press.context.services.settings.timezone,
    )
    if copy is not None:
        await overview(screen, copy, creating=False)


@EDITOR.on("rv", role=Role.HR)
async def _waiting(press: Press) -> None:
    """⏳ Organizer events waiting for HR's approval."""
    screen = Screen.of(press)
    waiting = await publishing.waiting(press.session)
    rows = [
        [
            screen.button(
                "editor.button.review_item", data("ri", item.id), number=number, title=item.title[:30]
            )
        ]
        for number, item in enumerate(waiting[:20], start=1)
    ]
    rows.append([screen.button("admin.button.events", encode("adm", "ls", 0))])
    await screen.show("editor_reviews", rows, items=waiting[:20], total=len(waiting))


@EDITOR.on("ri", role=Role.HR)
async def _review_item(press: Press) -> None:
    """One event waiting: all its items, with approve and send back."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is None:
        return
    await overview(screen, event, creating=False)


@EDITOR.on("ap", role=Role.HR)
async def _approve(press: Press) -> None:
    """✅ Approve: the event is published and its organizer told."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is None:
        return
    try:
        await publishing.decide(
            press.session,
            event_id=event.id,
            approve=True,
            reason=None,
            actor=press.me.telegram_user_id,
            now=press.context.now(),
        )
    except EventChangeError as refusal:
        await invalid(screen, event, refusal.reason, retry=False)
        return
    rows = [
        [screen.button("editor.button.announce", encode(*publishing.ANNOUNCE_HOOK, event.id))],
        _back(screen, event.id),
    ]
    await screen.show("editor_published", rows, event=event, outcome="approved")


@EDITOR.on("rb", role=Role.HR)
async def _send_back(press: Press) -> None:
    """↩️ Send back: HR types the reason the organizer receives."""
    screen = Screen.of(press)
    event = await event_of(screen, press.number(0))
    if event is None:
        return
    if event.status is not EventStatus.REVIEW:
        await invalid(screen, event, "not_in_review", retry=False)
        return
    state = Editing(EDIT, RETURN_REASON, event.id)
    await editing.remember(press.session, telegram_user_id=press.me.telegram_user_id, editing=state)
    await screen.show(
        "editor_return_reason", [[screen.button("editor.button.discard", data("rv", 0))]], event=event
    )


async def returned(screen: Screen, state: Editing, text: str) -> None:
    """HR's reason typed: the event goes back to its organizer, who is told why."""
    event = await event_of(screen, state.event_id or 0)
    if event is None or not screen.scope.hr:
        await editing.stop(screen.session, telegram_user_id=screen.me.telegram_user_id)
        return
    try:
        await publishing.decide(
            screen.session,
            event_id=event.id,
            approve=False,
            reason=text,
            actor=screen.me.telegram_user_id,
            now=screen.context.now(),
        )
    except EventChangeError as refusal:
        retry = refusal.reason in ("empty", "too_long")
        if not retry:
            await editing.stop(screen.session, telegram_user_id=screen.me.telegram_user_id)
        await invalid(screen, event, refusal.reason, retry=retry)
        return
    await editing.stop(screen.session, telegram_user_id=screen.me.telegram_user_id)
    rows = [[screen.button("editor.button.reviews", data("rv", 0))]]
    await screen.show("editor_published", rows, event=event, outcome="returned")
