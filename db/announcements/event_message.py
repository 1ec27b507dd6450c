"""An event announced to the ASN it targets: the outbox rows, rendered from the event in each
recipient's language (`announce_event`), with a button that opens the event in the catalog.

Their dedupe key is the event's, `event-targets:<event>:<chat>`, not the announcement's: an ASN
hears of an event once, however often it is announced (a second announcement reaches only
those who became its targets, or linked their account, since).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import outbox
from db.models import Event, EventKind, NotificationKind
from db.notify import event_context

TEMPLATE = "announce_event"
#: The catalog list an event's detail belongs to (`bot.handlers.catalog.KINDS`): trainings
#: or seminars and workshops.
CATALOG_KIND = {EventKind.PELATIHAN: "p"}


def message_context(event: Event) -> dict[str, Any]:
    """What `announce_event` shows of the event, as JSON, and the catalog detail its button opens."""
    return {
        "event": event_context(event)
        | {
            "code": event.code,
            "kind": event.kind.value,
            "online_url": event.online_url,
            "registration_deadline": event.registration_deadline.isoformat(),
            "jp": event.jp,
            "quota": event.quota,
            "cost": event.cost,
        },
        "open_event": {"id": event.id, "list": CATALOG_KIND.get(event.kind, "s")},
    }


async def event_rows(
    session: AsyncSession, *, announcement_id: int, code: str, chats: Iterable[int], due_at: datetime
) -> list[outbox.NewMessage]:
    """One row per chat announcing the event with this code (none when it is gone)."""
    event = await session.scalar(select(Event).where(func.lower(Event.code) == code.casefold()))
    if event is None:
        return []
    context = message_context(event)
    return [
        outbox.NewMessage(
            chat_id=chat_id,
            kind=NotificationKind.ANNOUNCEMENT,
            due_at=due_at,
            template=TEMPLATE,
            context=context,
            announcement_id=announcement_id,
            dedupe_key=f"event-targets:{event.id}:{chat_id}",
        )
        for chat_id in chats
    ]
