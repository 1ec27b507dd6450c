"""Telling an ASN something on their phone right away — a seat after waiting, an approval,
an allocation result, a removal — in their linked chat and their language.

These go straight to Telegram; a chat without a linked, unblocked account is skipped.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import TelegramError

from bot.context import Context
from db import catalog, notify
from db.registration import Promotion

log = logging.getLogger(__name__)


async def tell(
    context: Context, session: AsyncSession, *, employee_id: int, template: str, **values: Any
) -> None:
    """Render `template` in the ASN's language and send it to their linked chat."""
    chat = await notify.chat_for_employee(session, employee_id=employee_id)
    if chat is None:
        return
    chat_id, lang = chat
    text = context.services.renderer.render(template, lang, **values)
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError:
        log.warning("could not tell employee %s (%s)", employee_id, template, exc_info=True)


async def tell_promoted(context: Context, session: AsyncSession, promoted: list[Promotion]) -> None:
    """Everyone who moved up from a waiting list hears they now have a seat."""
    for promotion in promoted:
        event = await catalog.event_card(session, event_id=promotion.event_id)
        if event is not None:
            await tell(
                context, session, employee_id=promotion.employee_id, template="reg_promoted", event=event
            )
