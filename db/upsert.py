"""`INSERT … ON CONFLICT` on either engine, for rows that concurrent updates may both create
(a newcomer's account, a flow's state): whichever comes first inserts, the other finds it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

Insert = postgresql.Insert | sqlite.Insert


def insert(session: AsyncSession) -> Callable[[Any], Insert]:
    """The `insert` of the session's dialect, which has `on_conflict_do_nothing/_update`."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert
