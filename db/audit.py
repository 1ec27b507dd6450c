"""The audit log: who did what. Ids only, never names, NIPs or phone numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditLog


def record(
    session: AsyncSession,
    *,
    action: str,
    actor_telegram_id: int | None = None,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry to the session's transaction (committed with the change it records)."""
    session.add(
        AuditLog(action=action, actor_telegram_id=actor_telegram_id, subject=subject, details=details or {})
    )
