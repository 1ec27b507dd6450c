"""`/pelatihan` and `/seminar`: upcoming events, five per page, filtered for me / all / by
competency, and each event's detail with the register button.

Callback data: `cat:<kind>:<scope>:<page>` for a list, `cf:<kind>` for the competency
picker, `ev:<event id>:<kind>:<scope>:<page>` for a detail (the rest says where Back goes).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import Context
from bot.handlers.common import office_today, who
from bot.keyboards import callback, parse_callback
from bot.replies import edit, reply
from db import catalog
from db.accounts import Caller
from db.catalog import EventCard, Recommendation
from db.models import EventKind

PER_PAGE = 5
KINDS: dict[str, frozenset[EventKind]] = {
    "p": frozenset({EventKind.PELATIHAN}),
    "s": frozenset({EventKind.SEMINAR, EventKind.WORKSHOP}),
}
TITLE_LIMIT = 40


@dataclass(frozen=True, slots=True)
class View:
    """Which list is shown: kind (`p` trainings, `s` seminars/workshops), scope, page."""

    kind: str
    scope: str = "all"
    page: int = 0

    @property
    def competency_id(self) -> int | None:
        """The competency filtered on, for scope `c<id>`."""
        return int(self.scope[1:]) if self.scope.startswith("c") else None

    def data(self) -> str:
        """The list's callback data."""
        return callback("cat", self.kind, f"{self.scope}:{self.page}")

    def detail(self, event_id: int) -> str:
        """Callback data for an event's detail that comes back to this list."""
        return callback("ev", str(event_id), f"{self.kind}:{self.scope}:{self.page}")

    @classmethod
    def parse(cls, kind: str, rest: str | None) -> View | None:
        """A view from callback parts; None when forged or stale."""
        scope, _, page = (rest or "all:0").partition(":")
        valid_scope = scope in ("all", "me") or (scope.startswith("c") and scope[1:].isdigit())
        if kind not in KINDS or not valid_scope or not page.isdigit():
            return None
        return cls(kind, scope, int(page))


@dataclass(frozen=True, slots=True)
class Item:
    """One line of the list: the event, and why it is recommended (in the 'for me' scope)."""

    event: EventCard
    recommendation: Recommendation | None = None


def event_button(
    context: Context, lang: str, number: int, event: EventCard, view: View
) -> InlineKeyboardButton:
    """A numbered button that opens an event's detail."""
    title = event.title if len(event.title) <= TITLE_LIMIT else event.title[: TITLE_LIMIT - 1] + "…"
    text = context.services.renderer.label("button.event", lang, number=number, title=title)
    return InlineKeyboardButton(text, callback_data=view.detail(event.id))


async def show_trainings(update: Update, context: Context) -> None:
    """/pelatihan — upcoming trainings."""
    await _show(update, context, View("p"), new_message=True)


async def show_seminars(update: Update, context: Context) -> None:
    """/seminar — upcoming seminars and workshops (often by universities)."""
    await _show(update, context, View("s"), new_message=True)


async def on_list_button(update: Update, context: Context) -> None:
    """◀ ▶, For me / All, or a competency chosen: show that list in place."""
    data = parse_callback(update.callback_query.data if update.callback_query else None)
    view = View.parse(data.action, data.arg) if data is not None else None
    if view is None:
        if update.callback_query is not None:
            await update.callback_query.answer()
        return
    await _show(update, context, view, new_message=False)


async def on_competency_filter(update: Update, context: Context) -> None:
    """🎯 Kompetensi…: the competencies that upcoming events of this kind target."""
    data = parse_callback(update.callback_query.data if update.callback_query else None)
    if data is None or data.action not in KINDS:
        return
    kind = data.action
    async with context.db() as session:
        me = await who(session, update, context)
        choices = await catalog.competencies_in_catalog(session, kinds=KINDS[kind], now=context.now())
    label = context.services.renderer.label
    rows = [
        [InlineKeyboardButton(name, callback_data=View(kind, f"c{competency_id}").data())]
        for competency_id, name in choices
    ]
    rows.append(
        [InlineKeyboardButton(label("button.back_to_list", me.language), callback_data=View(kind).data())]
    )
    await edit(
        update,
        context,
        "catalog_competencies",
        me.language,
        keyboard=InlineKeyboardMarkup(rows),
        names=[name for _, name in choices],
    )


async def on_detail_button(update: Update, context: Context) -> None:
    """A numbered event button: its detail, with Register and Back."""
    data = parse_callback(update.callback_query.data if update.callback_query else None)
    if data is None or not data.action.isdigit():
        return
    kind, _, rest = (data.arg or "").partition(":")
    view = View.parse(kind, rest) or View("p")
    event_id = int(data.action)
    async with context.db() as session:
        me = await who(session, update, context)
        event = await catalog.event_card(session, event_id=event_id)
        recommendation = None
        if event is not None and me.employee is not None:
            ranked = await _recommended(session, context, me, view, event_id=event_id)
            recommendation = next((r for r in ranked if _has_reason(r)), None)
    label = context.services.renderer.label
    back = InlineKeyboardButton(label("button.back_to_list", me.language), callback_data=view.data())
    if event is None:
        await edit(update, context, "event_gone", me.language, keyboard=InlineKeyboardMarkup([[back]]))
        return
    register = InlineKeyboardButton(
        label("button.register", me.language), callback_data=callback("reg", "new", event.id)
    )
    await edit(
        update,
        context,
        "event_detail",
        me.language,
        keyboard=InlineKeyboardMarkup([[register], [back]]),
        event=event,
        recommendation=recommendation,
    )


def _has_reason(recommendation: Recommendation) -> bool:
    return bool(recommendation.gaps_closed or recommendation.jp_toward_target)


async def _recommended(
    session: AsyncSession, context: Context, me: Caller, view: View, *, event_id: int | None = None
) -> list[Recommendation]:
    assert me.employee is not None
    return await catalog.recommendations(
        session,
        employee_id=me.employee.id,
        now=context.now(),
        year=office_today(context).year,
        target=context.services.settings.jp_target,
        kinds=KINDS[view.kind],
        event_id=event_id,
        limit=1000,
    )


async def _show(update: Update, context: Context, view: View, *, new_message: bool) -> None:
    async with context.db() as session:
        me = await who(session, update, context)
        if view.scope == "me" and me.employee is None:
            await (reply if new_message else edit)(update, context, "not_linked", me.language)
            return
        competency_name: str | None = None
        if view.scope == "me":
            ranked = await _recommended(session, context, me, view)
            pages = max(1, -(-len(ranked) // PER_PAGE))
            page = min(view.page, pages - 1)
            items = [
                Item(r.event, r if _has_reason(r) else None)
                for r in ranked[page * PER_PAGE : (page + 1) * PER_PAGE]
            ]
        else:
            listing = await catalog.upcoming_events(
                session,
                kinds=KINDS[view.kind],
                now=context.now(),
                page=view.page,
                per_page=PER_PAGE,
                competency_id=view.competency_id,
            )
            page, pages = listing.page, listing.pages
            items = [Item(event) for event in listing.items]
            if view.competency_id is not None:
                choices = dict(
                    await catalog.competencies_in_catalog(session, kinds=KINDS[view.kind], now=context.now())
                )
                competency_name = choices.get(view.competency_id)
    shown = View(view.kind, view.scope, page)
    keyboard = _list_keyboard(context, me.language, shown, items, pages)
    values = {
        "kind": "pelatihan" if view.kind == "p" else "seminar",
        "scope": view.scope,
        "competency": competency_name,
        "items": items,
        "page": page,
        "pages": pages,
        "first": page * PER_PAGE,
    }
    if new_message:
        await reply(update, context, "catalog", me.language, keyboard=keyboard, **values)
    else:
        await edit(update, context, "catalog", me.language, keyboard=keyboard, **values)


def _list_keyboard(
    context: Context, lang: str, view: View, items: list[Item], pages: int
) -> InlineKeyboardMarkup:
    label = context.services.renderer.label
    first = view.page * PER_PAGE
    rows = [
        [event_button(context, lang, first + n, item.event, view)] for n, item in enumerate(items, start=1)
    ]
    navigation = []
    if view.page > 0:
        navigation.append(
            InlineKeyboardButton(
                label("button.prev", lang), callback_data=View(view.kind, view.scope, view.page - 1).data()
            )
        )
    if view.page + 1 < pages:
        navigation.append(
            InlineKeyboardButton(
                label("button.next", lang), callback_data=View(view.kind, view.scope, view.page + 1).data()
            )
        )
    if navigation:
        rows.append(navigation)
    scope_button = (
        InlineKeyboardButton(label("button.all", lang), callback_data=View(view.kind).data())
        if view.scope != "all"
        else InlineKeyboardButton(label("button.for_me", lang), callback_data=View(view.kind, "me").data())
    )
    rows.append(
        [
            scope_button,
            InlineKeyboardButton(
                label("button.by_competency", lang), callback_data=callback("cf", view.kind)
            ),
        ]
    )
    return InlineKeyboardMarkup(rows)
