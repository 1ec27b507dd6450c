"""`/laporan`: the report menu (HR only), each report one press away, and the budget plan
with the budget typed in the chat."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.documents.reports import ReportKind
from bot.handlers.reports import invite
from bot.handlers.reports.common import REPORTS, data, request, send
from bot.replies import reply
from bot.ui.caller import who
from bot.ui.flows import Typed
from bot.ui.keyboards import button, markup
from bot.ui.router import Press
from db.planning import budget as budgets

#: Button action → report, in the order of the menu.
ACTIONS: dict[str, ReportKind] = {
    "jp": ReportKind.JP,
    "gp": ReportKind.GAPS,
    "ev": ReportKind.EVENTS,
    "rk": ReportKind.RECAP,
    "nd": ReportKind.NEEDS,
}
LABELS = {"jp": "jp", "gp": "gaps", "ev": "events", "rk": "recap", "nd": "needs", "pl": "plan"}


async def show_menu(update: Update, context: Context) -> None:
    """/laporan — the reports, for HR; everyone else is refused."""
    async with context.db() as session:
        me = await who(session, update, context)
    if not me.is_hr:
        await reply(update, context, "report_refused", me.language)
        return
    rows = [
        [button(context, me.language, f"report.button.{LABELS[action]}", data(action))]
        for action in (*ACTIONS, "pl")
    ]
    await reply(update, context, "report_menu", me.language, keyboard=markup(rows))


@REPORTS.on(*ACTIONS)
async def _report(press: Press) -> None:
    """One report: summary, chart, file."""
    if press.update.callback_query is not None:
        await press.update.callback_query.answer()
    kind = ACTIONS[press.data.action]
    await send(press.update, press.context, press.session, kind, request(press.context), press.lang)


@REPORTS.on("pl")
async def _ask_budget(press: Press) -> None:
    """💰 Wait for the budget, typed."""
    if press.update.callback_query is not None:
        await press.update.callback_query.answer()
    await budgets.wait_for_budget(press.session, telegram_user_id=press.me.telegram_user_id)
    rows = [[button(press.context, press.lang, "report.button.cancel", data("x"))]]
    await reply(press.update, press.context, "report_ask_budget", press.lang, keyboard=markup(rows))


@REPORTS.on("x")
async def _cancel(press: Press) -> None:
    """✖️ No budget after all."""
    await budgets.stop_waiting(press.session, telegram_user_id=press.me.telegram_user_id)
    if press.update.callback_query is not None:
        await press.update.callback_query.answer(
            press.context.services.renderer.label("report.cancelled", press.lang)
        )


async def typed_budget(typed: Typed) -> None:
    """The budget (and year) typed by HR: the plan, or the format asked again."""
    found = budgets.parse_budget(typed.text)
    if found is None:
        await reply(typed.update, typed.context, "report_bad_budget", typed.lang)
        return
    await budgets.stop_waiting(typed.session, telegram_user_id=typed.me.telegram_user_id)
    await reply(typed.update, typed.context, "report_working", typed.lang)
    asked = request(typed.context, budget=found.rupiah, year=found.year)
    report = await send(typed.update, typed.context, typed.session, ReportKind.PLAN, asked, typed.lang)
    if report is not None and report.invitations:
        await invite.offer(typed, report.invitations)


async def refused_budget(typed: Typed) -> None:
    """A budget typed by someone who is no longer HR."""
    await reply(typed.update, typed.context, "report_refused", typed.lang)
