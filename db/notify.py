"""Where to reach an ASN directly: the linked chat and its language.

Used to tell a waitlisted ASN they got a seat until the outbox takes over delivery.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TelegramAccount


async def chat_for_employee(session: AsyncSession, *, employee_id: int) -> tuple[int, str] | None:
    """(chat id, language) of the Telegram account linked to the employee, or None."""
    row = (
        await session.execute(
            select(TelegramAccount.chat_id, TelegramAccount.language)
            .where(TelegramAccount.employee_id == employee_id, TelegramAccount.blocked_at.is_(None))
            .order_by(TelegramAccount.linked_at.desc())
            .limit(1)
        )
    ).first()
    return (row.chat_id, row.language) if row is not None else None
