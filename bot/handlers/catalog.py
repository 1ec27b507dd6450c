"""`/pelatihan` and `/seminar`: upcoming events, five per page, filtered for me / all / by
competency, and each event's detail with the register button.

Callback data: `cat:<kind>:<scope>:<page>` for a list, `cf:<kind>` for the competency
picker, `ev:open:<event id>:<kind>:<scope>:<page>` for a detail (the rest says where Back goes).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import Context
from bot.replies import edit, edit_text, reply
from bot.ui import limits
from bot.ui.callbacks import BadCallback, encode, is_number
from bot.ui.caller import office_today, who
from bot.ui.keyboards import button
from bot.ui.pages import Page
from bot.ui.router import Buttons, Press, Role
from db import catalog
from db.accounts import Caller
from db.catalog import EventCard, Recommendation
from db.models import EventKind
from db.offer import Offer, offer

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
        return encode("cat", self.kind, self.scope, self.page)

    def detail(self, event_id: int) -> str:
        """Callback data for an event's detail that comes back to this list."""
        return encode("ev", "open", event_id, self.kind, self.scope, self.page)

    @classmethod
    def checked(cls, kind: str, scope: str, page: int) -> View:
        """The view named by a button (kind, scope, page); BadCallback when forged or stale."""
        # a competency id is bounded like every number the codec decodes
        competency = scope.startswith("c") and is_number(scope[1:])
        valid_scope = scope in ("all", "me") or competency
        if kind not in KINDS or not valid_scope:
            raise BadCallback(f"{kind}:{scope}")
        return cls(kind, scope, page)


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


LISTS = Buttons("cat", role=Role.ANYONE)
COMPETENCIES = Buttons("cf", role=Role.ANYONE)
DETAILS = Buttons("ev", role=Role.ANYONE)


async def show_trainings(update: Update, context: Context) -> None:
    """/pelatihan — upcoming trainings."""
    async with context.db() as session:
        me = await who(session, update, context)
        await _show(update, context, session, me, View("p"), new_message=True)


async def show_seminars(update: Update, context: Context) -> None:
    """/seminar — upcoming seminars and workshops (often by universities)."""
    async with context.db() as session:
        me = await who(session, update, context)
        await _show(update, context, session, me, View("s"), new_message=True)


@LISTS.on(*KINDS)
async def _list(press: Press) -> None:
    """◀ ▶, For me / All, or a competency chosen: show that list in place."""
    view = View.checked(press.data.action, press.word(0), press.number(1))
    await _show(press.update, press.context, press.session, press.me, view, new_message=False)


@COMPETENCIES.on(*KINDS)
async def _competencies(press: Press) -> None:
    """🎯 Kompetensi…: the competencies that upcoming events of this kind target."""
    kind, context = press.data.action, press.context
    choices = await catalog.competencies_in_catalog(press.session, kinds=KINDS[kind], now=context.now())
    rows = [
        [InlineKeyboardButton(name, callback_data=View(kind, f"c{competency_id}").data())]
        for competency_id, name in choices
    ]
    rows.append([button(context, press.lang, "button.back_to_list", View(kind).data())])
    await edit(
        press.update,
        context,
        "catalog_competencies",
        press.lang,
        keyboard=InlineKeyboardMarkup(rows),
        names=[name for _, name in choices],
    )


@DETAILS.on("open")
async def _detail(press: Press) -> None:
    """A numbered event button: its detail, with Register (or why the ASN cannot) and Back."""
    event_id, view = press.number(0), View.checked(press.word(1), press.word(2), press.number(3))
    context, me = press.context, press.me
    back = button(context, me.language, "button.back_to_list", view.data())
    found = await _offer(press.session, context, me, event_id)
    if found is None:
        await edit(press.update, context, "event_gone", me.language, keyboard=InlineKeyboardMarkup([[back]]))
        return
    event = found.event
    text, cut = limits.fit(
        lambda description: context.services.renderer.render(
            "event_detail",
            me.language,
            event=event,
            offer=found,
            description=description,
            year=office_today(context).year,
        ),
        event.description or "",
    )
    rows = [[back]]
    if found.refusal is None:
        label = "button.register_waitlist" if found.waitlist else "button.register"
        rows.insert(0, [button(context, me.language, label, encode("reg", "new", event.id))])
    if cut:  # a description of up to 10,000 characters: the rest is one press away
        rows.insert(0, [button(context, me.language, "button.read_more", encode("ev", "more", event.id))])
    await edit_text(press.update, text, keyboard=InlineKeyboardMarkup(rows))


async def _offer(session: AsyncSession, context: Context, me: Caller, event_id: int) -> Offer | None:
    """The event as offered to a linked ASN; for anyone else its card, as if they could register
    (📝 Daftar then asks them to link their account first)."""
    if me.employee is None:
        card = await catalog.event_card(
            session, event_id=event_id, timezone=context.services.settings.timezone
        )
        return None if card is None else Offer(card, None, waitlist=False, recommendation=None)
    return await offer(
        session,
        event_id=event_id,
        employee_id=me.employee.id,
        now=context.now(),
        year=office_today(context).year,
        target=context.services.settings.jp_target,
        timezone=context.services.settings.timezone,
    )


@DETAILS.on("more")
async def _more(press: Press) -> None:
    """📄 Selengkapnya under a detail whose description was cut: the whole description, in
    messages that each fit."""
    event = await catalog.event_card(press.session, event_id=press.number(0))
    query = press.update.callback_query
    if query is not None:
        await query.answer()
    if event is None or not event.description:
        await reply(press.update, press.context, "event_gone", press.lang)
        return
    parts = limits.pieces(event.description)
    for number, part in enumerate(parts, start=1):
        await reply(
            press.update,
            press.context,
            "event_description",
            press.lang,
            title=event.title,
            text=part,
            part=number,
            parts=len(parts),
        )


async def _recommended(
    session: AsyncSession, context: Context, me: Caller, view: View
) -> list[Recommendation]:
    assert me.employee is not None
    return await catalog.recommendations(
        session,
        employee_id=me.employee.id,
        now=context.now(),
        year=office_today(context).year,
        target=context.services.settings.jp_target,
        kinds=KINDS[view.kind],
        limit=1000,
        timezone=context.services.settings.timezone,
    )


async def _show(
    update: Update, context: Context, session: AsyncSession, me: Caller, view: View, *, new_message: bool
) -> None:
    if view.scope == "me" and me.employee is None:
        await (reply if new_message else edit)(update, context, "not_linked", me.language)
        return
    competency_name: str | None = None
    if view.scope == "me":
        ranked = await _recommended(session, context, me, view)
        page = Page.of(len(ranked), PER_PAGE, view.page)
        items = [Item(r.event, r if r.has_reason else None) for r in page.slice(ranked)]
    else:
        listing = await catalog.upcoming_events(
            session,
            kinds=KINDS[view.kind],
            now=context.now(),
            page=view.page,
            per_page=PER_PAGE,
            competency_id=view.competency_id,
            timezone=context.services.settings.timezone,
        )
        page = Page(listing.page, listing.pages, PER_PAGE)
        items = [Item(event) for event in listing.items]
        if view.competency_id is not None:
            choices = dict(
                await catalog.competencies_in_catalog(session, kinds=KINDS[view.kind], now=context.now())
            )
            competency_name = choices.get(view.competency_id)
    keyboard = _list_keyboard(context, me.language, View(view.kind, view.scope, page.number), items, page)
    values = {
        "kind": "pelatihan" if view.kind == "p" else "seminar",
        "scope": view.scope,
        "competency": competency_name,
        "items": items,
        "page": page.number,
        "pages": page.count,
        "first": page.first,
        "year": office_today(context).year,
    }
    if new_message:
        await reply(update, context, "catalog", me.language, keyboard=keyboard, **values)
    else:
        await edit(update, context, "catalog", me.language, keyboard=keyboard, **values)


def _list_keyboard(
    context: Context, lang: str, view: View, items: list[Item], page: Page
) -> InlineKeyboardMarkup:
    rows = [
        [event_button(context, lang, page.first + n, item.event, view)]
        for n, item in enumerate(items, start=1)
    ]
    rows.append(page.navigation(context, lang, lambda number: View(view.kind, view.scope, number).data()))
    scope_button = (
        button(context, lang, "button.all", View(view.kind).data())
        if view.scope != "all"
        else button(context, lang, "button.for_me", View(view.kind, "me").data())
    )
    rows.append([scope_button, button(context, lang, "button.by_competency", encode("cf", view.kind))])
    return InlineKeyboardMarkup([row for row in rows if row])
