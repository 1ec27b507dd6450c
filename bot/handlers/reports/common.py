"""What every report screen shares: the `lap:` router (HR only), the request for the office's
current year, and sending a report (summary, chart, file) to the chat."""

from __future__ import annotations

import contextlib

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.context import Context
from bot.documents.reports import Report, ReportKind, Request, build
from bot.replies import edit
from bot.ui.callbacks import encode
from bot.ui.caller import office_today
from bot.ui.router import Buttons, Press, Role

PREFIX = "lap"


async def _refused(press: Press) -> None:
    await edit(press.update, press.context, "report_refused", press.lang)


#: HR only: every press re-reads the caller's roles.
REPORTS = Buttons(PREFIX, role=Role.HR, refused=_refused)


def data(action: str, *args: int) -> str:
    """`lap:<action>[:<args>]`."""
    return encode(PREFIX, action, *args)


def request(context: Context, *, budget: int = 0, year: int | None = None) -> Request:
    """A report for `year` (default: the office's current year) with the settings' JP target."""
    settings = context.services.settings
    return Request(
        year=year or office_today(context).year,
        target=settings.jp_target,
        now=context.now(),
        timezone=settings.timezone,
        budget=budget,
    )


async def send(
    update: Update, context: Context, session: AsyncSession, kind: ReportKind, asked: Request, lang: str
) -> Report | None:
    """Build the report and send its summary, its chart (if any) and its `.xlsx`; the report sent."""
    chat = update.effective_chat
    if chat is None:
        return None
    with contextlib.suppress(TelegramError):  # cosmetic: "sending a file…" while it is built
        await chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    renderer = context.services.renderer
    report = await build(session, kind, asked, renderer=renderer, lang=lang)
    await chat.send_message(report.summary)
    if report.chart is not None:
        await chat.send_photo(report.chart)
    caption = renderer.label("report.file_caption", lang, name=report.filename)
    await chat.send_document(report.workbook, filename=report.filename, caption=caption)
    return report
