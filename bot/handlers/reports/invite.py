"""After the budget plan: its participants for each upcoming event it funds, invited in one
step. Each event gets a draft announcement to exactly those ASN, with the invitation written
out; one press opens its preview and the summary, where HR sends it (or changes it) as any
announcement (`bot.handlers.announce`)."""

from __future__ import annotations

from bot.handlers.announce.common import data as announce_data
from bot.handlers.announce.common import short
from bot.replies import reply
from bot.ui.flows import Typed
from bot.ui.keyboards import button, markup
from db import announcements, catalog
from db.announcements import Audience
from db.planning import Invitation


async def offer(typed: Typed, invitations: tuple[Invitation, ...]) -> None:
    """A draft invitation per funded event, and a button that opens each one's preview."""
    rows = []
    for invitation in invitations:
        draft_id = await _draft(typed, invitation)
        if draft_id is not None:
            label = {"count": len(invitation.employee_ids), "title": short(invitation.title)}
            rows.append(
                [
                    button(
                        typed.context,
                        typed.lang,
                        "report.button.invite",
                        announce_data("pv", draft_id),
                        **label,
                    )
                ]
            )
    if rows:
        await reply(
            typed.update, typed.context, "report_invite", typed.lang, keyboard=markup(rows), events=len(rows)
        )


async def _draft(typed: Typed, invitation: Invitation) -> int | None:
    """The invitation to one event as HR's draft, to the chosen ASN only; None when the event is gone."""
    event = await catalog.event_card(typed.session, event_id=invitation.event_id)
    if event is None:
        return None
    renderer, lang = typed.context.services.renderer, typed.lang
    text = renderer.label(
        "report.invitation",
        lang,
        title=event.title,
        when=renderer.format_datetime(event.starts_at, lang),
        place=event.location,
        deadline=renderer.format_datetime(event.registration_deadline, lang),
        code=event.code,
    )
    draft = await announcements.create_draft(
        typed.session,
        text=text[: announcements.TEXT_LIMIT],
        created_by=typed.me.telegram_user_id,
        audience=Audience(employees=invitation.employee_ids),
    )
    return draft.id
