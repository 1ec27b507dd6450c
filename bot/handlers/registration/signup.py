"""📝 Daftar on an event's detail: register, and say where the ASN stands."""

from __future__ import annotations

from typing import Any

from bot.handlers.registration.common import (
    REGISTRATIONS,
    Status,
    inline,
)
from bot.replies import reply
from bot.ui.callbacks import encode
from bot.ui.keyboards import button
from bot.ui.router import Press
from db import catalog, registration
from db.models import RegistrationStatus
from db.registration import (
    AlreadyRegistered,
    NotEligible,
    RegistrationClosed,
    RegistrationError,
    RegistrationNotOpen,
    ScheduleClash,
)


@REGISTRATIONS.on("new")
async def _register(press: Press) -> None:
    """📝 Daftar on an event's detail: register, and say where the ASN stands (new message)."""
    update, context, session, me = press.update, press.context, press.session, press.me
    event_id = press.number(0)
    if update.callback_query is not None:
        await update.callback_query.answer()
    values: dict[str, Any] = {}
    try:
        result = await registration.register(
            session, event_id=event_id, employee_id=press.employee.id, now=context.now()
        )
    except RegistrationError as refusal:
        outcome = refusal.reason
        values = _refusal_values(refusal)
    else:
        outcome = _outcome(result.status, awaiting_allocation=result.awaiting_allocation)
        values["position"] = result.waitlist_position
    event = await catalog.event_card(session, event_id=event_id)
    if event is None or outcome == "not_found":
        await reply(update, context, "reg_gone", me.language)
        return
    keyboard = inline([[button(context, me.language, "button.my_registrations", encode("reg", "list"))]])
    await reply(
        update, context, "reg_result", me.language, keyboard=keyboard, outcome=outcome, event=event, **values
    )


def _outcome(status: RegistrationStatus, *, awaiting_allocation: bool) -> str:
    if status is Status.PENDING:
        return "allocation" if awaiting_allocation else "approval"
    return status.value


def _refusal_values(refusal: RegistrationError) -> dict[str, Any]:
    """What each refusal's message names: a date, the criterion, the other event, the status."""
    if isinstance(refusal, RegistrationNotOpen):
        return {"opens_at": refusal.opens_at}
    if isinstance(refusal, RegistrationClosed):
        return {"deadline": refusal.deadline}
    if isinstance(refusal, NotEligible):
        return {"criterion": refusal.criterion, "allowed": list(refusal.allowed)}
    if isinstance(refusal, ScheduleClash):
        return {"clash": refusal}
    if isinstance(refusal, AlreadyRegistered):
        return {"status": refusal.status.value}
    return {}
