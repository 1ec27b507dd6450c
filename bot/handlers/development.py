"""`/kompetensi` and `/jp`: the ASN's competency status (with chart) and 20 JP progress,
each with the events recommended to close what is missing."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardMarkup, Update

from bot import charts
from bot.context import Context
from bot.handlers.catalog import View, event_button
from bot.handlers.common import office_today, who
from bot.replies import reply
from db import catalog, competency, learning
from db.competency import JpmThresholds

RECOMMENDED = 3


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


async def show_competency(update: Update, context: Context) -> None:
    """/kompetensi — required vs assessed level per competency, gaps, JPM, chart, recommendations."""
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
            )
            if rec.gaps_closed
        ][:RECOMMENDED]
    lang = me.language
    if status.has_standard and status.has_assessment:
        label = context.services.renderer.label
        png = await asyncio.to_thread(
            charts.competency_chart,
            status,
            title=label("chart.title", lang),
            required_label=label("chart.required", lang),
            assessed_label=label("chart.assessed", lang),
        )
        caption = context.services.renderer.render(
            "chart_caption", lang, count=sum(1 for line in status.lines if line.in_standard)
        )
        await chat.send_photo(png, caption=caption)
    await reply(
        update,
        context,
        "competency",
        lang,
        keyboard=_buttons(recommended, lang, context),
        status=status,
        recommendations=recommended,
    )


async def show_jp(update: Update, context: Context) -> None:
    """/jp — this year's learning hours against the 20 JP target, and what would close the rest."""
    async with context.db() as session:
        me = await who(session, update, context)
        if me.employee is None:
            await reply(update, context, "not_linked", me.language)
            return
        year = office_today(context).year
        target = context.services.settings.jp_target
        summary = await learning.year_summary(session, employee_id=me.employee.id, year=year, target=target)
        recommended: list[catalog.Recommendation] = []
        if not summary.reached:
            timezone = context.services.settings.timezone
            recommended = [
                rec
                for rec in await catalog.recommendations(
                    session, employee_id=me.employee.id, now=context.now(), year=year, target=target
                )
                if rec.jp_toward_target > 0 and learning.office_date(rec.event.ends_at, timezone).year == year
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
