"""`/kompetensi` and `/jp`: the ASN's competency status (with chart) and 20 JP progress,
each with the events recommended to close what is missing."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from telegram import Chat, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import Context
from bot.documents import charts
from bot.handlers.catalog import View, event_button
from bot.replies import reply
from bot.ui.caller import office_today, who
from db import catalog, competency, learning
from db.competency import CompetencyStatus, JpmThresholds

RECOMMENDED = 3
#: bot_data key of the charts sent so far (what they draw → Telegram's file_id), least recent first.
CHARTS_SENT = "competency_charts_sent"
#: A file_id is a short string: thousands of distinct charts cost well under a megabyte.
CHARTS_REMEMBERED = 4096


def thresholds(context: Context) -> JpmThresholds:
    """The JPM category thresholds from the settings."""
    settings = context.services.settings
    return JpmThresholds(
        memenuhi=settings.jpm_threshold_memenuhi, masih_memenuhi=settings.jpm_threshold_masih_memenuhi
    )


def _buttons(
    recommendations: list[catalog.Recommendation], lang: str, context: Context
) -> InlineKeyboardMarkup | None:
    """One button per recommended event, opening its detail (back leads to the 'for me' list)."""
    if not recommendations:
        return None
    view = View(kind="p", scope="me", page=0)
    rows = [
        [event_button(context, lang, number, rec.event, view)]
        for number, rec in enumerate(recommendations, 1)
    ]
    return InlineKeyboardMarkup(rows)


async def _send_chart(
    chat: Chat, context: Context, status: CompetencyStatus, lang: str, caption: str
) -> None:
    """The competency chart as a photo.  Equal charts are equal PNGs, so a chart Telegram already
    has goes out again by its file_id: drawing one costs CPU (milliseconds, queued behind the other
    charts of a burst) and uploading it costs the office's bandwidth."""
    label = context.services.renderer.label
    texts = (label("chart.title", lang), label("chart.required", lang), label("chart.assessed", lang))
    key = (texts, charts.chart_key(status))
    sent: OrderedDict[Hashable, str] = context.bot_data.setdefault(CHARTS_SENT, OrderedDict())
    file_id = sent.get(key)
    if file_id is not None:
        sent.move_to_end(key)
        try:
            await chat.send_photo(file_id, caption=caption)
        except BadRequest:
            del sent[key]  # Telegram no longer has the file (another Bot API server): draw it again
        else:
            return
    title, required_label, assessed_label = texts
    # no "sending a photo…" first: a chart takes milliseconds to draw (bench: chart.ms), and
    # the status would cost a request per chart for a flash on the screen
    png = await context.services.charts.draw(
        charts.competency_chart,
        status,
        title=title,
        required_label=required_label,
        assessed_label=assessed_label,
    )
    message = await chat.send_photo(png, caption=caption)
    sent[key] = message.photo[-1].file_id
    if len(sent) > CHARTS_REMEMBERED:
        sent.popitem(last=False)


async def show_competency(update: Update, context: Context) -> None:
    """/kompetensi — required vs assessed level per competency, gaps, JPM and recommendations,
    then the chart: the text the ASN reads never waits for the picture."""
    chat = update.effective_chat
    if chat is None:
        return
    async with context.db() as session:
        me = await who(session, update, context)
        if me.employee is None:
            await reply(update, context, "not_linked", me.language)
            return
        status = await competency.competency_status(
            session, employee_id=me.employee.id, thresholds=thresholds(context)
        )
        recommended = [
            rec
            for rec in await catalog.recommendations(
                session,
                employee_id=me.employee.id,
                now=context.now(),
                year=office_today(context).year,
                target=context.services.settings.jp_target,
                status=status,
                timezone=context.services.settings.timezone,
            )
            if rec.gaps_closed
        ][:RECOMMENDED]
    lang = me.language
    await reply(
        update,
        context,
        "competency",
        lang,
        keyboard=_buttons(recommended, lang, context),
        status=status,
        recommendations=recommended,
    )
    if status.has_standard and status.has_assessment:
        caption = context.services.renderer.render(
            "chart_caption", lang, count=sum(1 for line in status.lines if line.in_standard)
        )
        await _send_chart(chat, context, status, lang, caption)


async def show_jp(update: Update, context: Context) -> None:
    """/jp — this year's learning hours against the 20 JP target, those planned (registered, not
    attended yet), and what would bring the rest."""
    async with context.db() as session:
        me = await who(session, update, context)
        if me.employee is None:
            await reply(update, context, "not_linked", me.language)
            return
        year = office_today(context).year
        settings = context.services.settings
        summary = await learning.year_summary(
            session,
            employee_id=me.employee.id,
            year=year,
            target=settings.jp_target,
            now=context.now(),
            timezone=settings.timezone,
        )
        recommended: list[catalog.Recommendation] = []
        if summary.unplanned > 0:
            recommended = [
                rec
                for rec in await catalog.recommendations(
                    session,
                    employee_id=me.employee.id,
                    now=context.now(),
                    year=year,
                    target=settings.jp_target,
                    summary=summary,
                    timezone=settings.timezone,
                )
                if rec.jp_toward_target > 0
            ][:RECOMMENDED]
    await reply(
        update,
        context,
        "jp",
        me.language,
        keyboard=_buttons(recommended, me.language, context),
        summary=summary,
        bar=learning.progress_bar(summary.total, summary.target),
        recommendations=recommended,
    )
