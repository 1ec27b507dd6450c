"""Who an announcement goes to: the audience in words with a live recipient count, and the
pickers of units, position types, ranks, events and competencies (HR's own draft only)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import Context
from bot.handlers.announce.common import ANNOUNCE, count, data, draft, short, show
from bot.replies import reply
from bot.ui.keyboards import button
from bot.ui.pages import Page
from bot.ui.router import Press
from db import announcements
from db.accounts import Caller
from db.announcements import Audience
from db.models import Announcement

OPTIONS_PER_PAGE = 8
PICKERS = {
    "u": "units",
    "t": "position_types",
    "r": "ranks",
    "e": "events",
    "c": "competencies",
}


@ANNOUNCE.on("au")
async def _audience_screen(press: Press) -> None:
    """👥 The draft's audience in words, the live count, and the filters."""
    found = await draft(press)
    if found is not None:
        await show_audience(press.update, press.context, press.session, press.me, found, new_message=False)


async def show_audience(
    update: Update,
    context: Context,
    session: AsyncSession,
    me: Caller,
    found: Announcement,
    *,
    new_message: bool,
) -> None:
    """The audience screen of this draft (a new message right after composing)."""
    lang, aid = me.language, found.id
    audience = announcements.audience_from(found.audience)
    jp_key = "announce.button.chosen" if audience.below_jp else "announce.button.below_jp"
    target = context.services.settings.jp_target
    jp_label = context.services.renderer.label("announce.button.below_jp", lang, target=target)
    rows = [
        [button(context, lang, "announce.button.everyone", data("all", aid))],
        [
            button(context, lang, "announce.button.units", data("pu", aid, 0)),
            button(context, lang, "announce.button.position_types", data("pt", aid, 0)),
        ],
        [
            button(context, lang, "announce.button.ranks", data("pr", aid, 0)),
            button(context, lang, "announce.button.events", data("pe", aid, 0)),
        ],
        [button(context, lang, "announce.button.competencies", data("pc", aid, 0))],
        [button(context, lang, jp_key, data("jp", aid), name=jp_label, target=target)],
        [button(context, lang, "announce.button.preview", data("pv", aid))],
        [button(context, lang, "announce.button.cancel", data("x", aid))],
    ]
    values = {"audience": audience, "count": await count(context, session, audience)}
    if new_message:
        await reply(update, context, "announce_audience", lang, keyboard=InlineKeyboardMarkup(rows), **values)
    else:
        await show(update, context, "announce_audience", lang, rows, **values)


@ANNOUNCE.on("all")
async def _everyone(press: Press) -> None:
    """👥 Clear every filter."""
    found = await draft(press)
    if found is None:
        return
    await announcements.set_audience(press.session, draft=found, audience=Audience())
    await show_audience(press.update, press.context, press.session, press.me, found, new_message=False)


@ANNOUNCE.on("jp")
async def _below_jp(press: Press) -> None:
    """⏳ Only ASN below the JP target this year, on or off."""
    found = await draft(press)
    if found is None:
        return
    audience = announcements.audience_from(found.audience)
    changed = replace(audience, below_jp=not audience.below_jp)
    await announcements.set_audience(press.session, draft=found, audience=changed)
    await show_audience(press.update, press.context, press.session, press.me, found, new_message=False)


@ANNOUNCE.on(*(f"p{key}" for key in PICKERS))
async def _picker(press: Press) -> None:
    """A page of one filter's options from the data, the chosen ones ticked."""
    found = await draft(press)
    if found is not None:
        await _picker_page(press, found, press.data.action[1:], press.number(1, default=0))


@ANNOUNCE.on(*(f"t{key}" for key in PICKERS))
async def _toggle(press: Press) -> None:
    """An option pressed in a picker: add it to the filter or take it out."""
    found = await draft(press)
    if found is None:
        return
    kind = PICKERS[press.data.action[1:]]
    value = await announcements.option_name(press.session, kind=kind, option_id=press.number(1, default=0))
    if value is not None:
        audience = announcements.toggle(announcements.audience_from(found.audience), kind=kind, value=value)
        await announcements.set_audience(press.session, draft=found, audience=audience)
    await _picker_page(press, found, press.data.action[1:], press.number(2, default=0))


async def _picker_page(press: Press, found: Announcement, key: str, wanted: int) -> None:
    context, lang, aid, kind = press.context, press.lang, found.id, PICKERS[key]
    audience = announcements.audience_from(found.audience)
    chosen = _chosen(audience, kind)
    options = await announcements.options(press.session, kind=kind)
    page = Page.of(len(options), OPTIONS_PER_PAGE, wanted)
    rows: list[list[InlineKeyboardButton]] = []
    for option in page.slice(options):
        value = option.name.split(" — ")[0] if kind == "events" else option.name
        name, toggle = short(option.name), data(f"t{key}", aid, option.id, page.number)
        if value.casefold() in chosen:
            rows.append([button(context, lang, "announce.button.chosen", toggle, name=name)])
        else:
            rows.append([InlineKeyboardButton(name, callback_data=toggle)])
    rows.append(page.navigation(context, lang, lambda number: data(f"p{key}", aid, number)))
    rows.append([button(context, lang, "announce.button.audience", data("au", aid))])
    await show(
        press.update,
        context,
        "announce_picker",
        lang,
        rows,
        kind=kind,
        audience=audience,
        count=await count(context, press.session, audience),
        total=len(options),
        page=page.number,
        pages=page.count,
    )


def _chosen(audience: Audience, kind: str) -> set[str]:
    values: tuple[str, ...] = {
        "units": audience.units,
        "position_types": audience.position_types,
        "ranks": audience.ranks,
        "events": (audience.event_code,) if audience.event_code else (),
        "competencies": (audience.gap_competency,) if audience.gap_competency else (),
    }[kind]
    return {value.casefold() for value in values}
