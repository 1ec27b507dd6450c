"""What a user's next typed message is for: the one owner of `conversation_states`.

Each multi-step flow (linking, a rating comment, an announcement's text or time, an
event's new value or reason, …) keeps its step here under its own flow name, so a restart
resumes where the user was. A user is in at most one flow at a time: starting one replaces
any other. The bot's text handler asks `current()` and dispatches on the flow name through
one table (`bot.ui.flows`); domain modules never touch the table themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db import upsert
from db.models import ConversationState
from db.types import utcnow


@dataclass(frozen=True, slots=True)
class Step:
    """Where one user is: the flow, its step, and what the flow keeps between messages."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def current(session: AsyncSession, *, telegram_user_id: int) -> Step | None:
    """The flow and step this user is at, or None when the next message is not awaited."""
    state = await session.get(ConversationState, telegram_user_id)
    if state is None:
        return None
    return Step(state.flow, state.step, dict(state.data))


async def step_in(session: AsyncSession, *, telegram_user_id: int, flow: str) -> Step | None:
    """This user's step in `flow`, or None when they are elsewhere (or nowhere)."""
    step = await current(session, telegram_user_id=telegram_user_id)
    return step if step is not None and step.flow == flow else None


async def enter(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    flow: str,
    step: str,
    data: dict[str, Any] | None = None,
) -> None:
    """Await the user's next message for `flow` at `step` (replaces any other flow; no commit)."""
    values = dict(data or {})
    state = await session.get(ConversationState, telegram_user_id)
    if state is None:
        # Two presses at once may both find no state: the later one replaces the earlier's.
        changes = {"flow": flow, "step": step, "data": values, "updated_at": utcnow()}
        await session.execute(
            upsert.insert(session)(ConversationState)
            .values(telegram_user_id=telegram_user_id, **changes)
            .on_conflict_do_update(index_elements=[ConversationState.telegram_user_id], set_=changes)
        )
    else:
        state.flow, state.step, state.data = flow, step, values
    await session.flush()


async def leave(session: AsyncSession, *, telegram_user_id: int, flow: str | None = None) -> None:
    """Stop awaiting input: only `flow`'s state when named (others are left alone), else any (no commit)."""
    statement = delete(ConversationState).where(ConversationState.telegram_user_id == telegram_user_id)
    if flow is not None:
        statement = statement.where(ConversationState.flow == flow)
    await session.execute(statement)
