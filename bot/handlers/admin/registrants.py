"""One event's registrants on `/admin`: the list (NIPs masked for organizers), the exports
(CSV and XLSX) and the check-in code with its QR image."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.documents import exports, qr
from bot.handlers.admin.common import ADMIN, back_to_event, data, page_of, summary
from bot.replies import edit
from bot.ui.pages import Page
from bot.ui.router import Press
from db import admin, registration

REGISTRANTS_PER_PAGE = 15


@ADMIN.on("rg")
async def _registrants(press: Press) -> None:
    """👥 The registrants, with status and waitlist position (NIP masked for organizers)."""
    event = await summary(press, press.number(0))
    if event is None:
        return
    found = await admin.registrants(press.session, scope=press.staff, event_id=event.id) or []
    page = Page.of(len(found), REGISTRANTS_PER_PAGE, page_of(press))
    rows = [
        page.navigation(press.context, press.lang, lambda number: data("rg", event.id, number)),
        back_to_event(press.context, press.lang, event.id),
    ]
    await edit(
        press.update,
        press.context,
        "admin_registrants",
        press.lang,
        keyboard=InlineKeyboardMarkup([row for row in rows if row]),
        event=event,
        items=page.slice(found),
        first=page.first,
        page=page.number,
        pages=page.count,
        total=len(found),
        masked=not press.staff.full_nip,
    )


@ADMIN.on("ex")
async def _export(press: Press) -> None:
    """📥 The registrants as a CSV and an XLSX document."""
    update, context = press.update, press.context
    event = await summary(press, press.number(0))
    chat = update.effective_chat
    if event is None or chat is None or update.callback_query is None:
        return
    await update.callback_query.answer()
    found = await admin.registrants(press.session, scope=press.staff, event_id=event.id) or []
    admin.record_export(
        press.session, actor=press.me.telegram_user_id, event_id=event.id, file_format="csv+xlsx"
    )
    await press.session.commit()
    timezone, renderer = context.services.settings.timezone, context.services.renderer
    caption = renderer.label("admin.export_caption", press.lang, code=event.code, count=len(found))
    sheets = exports.registrants_xlsx(found, timezone, sheet=event.code, renderer=renderer, lang=press.lang)
    table = exports.registrants_csv(found, timezone, renderer=renderer, lang=press.lang)
    files = ((table, exports.filename(event.code, "csv")), (sheets, exports.filename(event.code, "xlsx")))
    for content, name in files:
        await context.bot.send_document(chat.id, document=content, filename=name, caption=caption)


@ADMIN.on("ci")
async def _checkin(press: Press) -> None:
    """🔑 The check-in code and a QR image of its deep link."""
    update, context = press.update, press.context
    event = await summary(press, press.number(0))
    chat = update.effective_chat
    if event is None or chat is None or update.callback_query is None:
        return
    await update.callback_query.answer()
    code = await registration.issue_checkin_code(press.session, event_id=event.id)
    link = qr.checkin_link(context.bot.username, code)
    caption = context.services.renderer.render("admin_checkin", press.lang, event=event, code=code, link=link)
    await context.bot.send_photo(chat.id, photo=qr.qr_png(link), caption=caption)
