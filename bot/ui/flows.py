"""The one table of typed-input flows: what a user's next plain text is for.

A feature that asks the user to type something enters its flow in `db.conversation` and
registers here, once, the function that takes the text (with the role it needs). The text
handler asks `dispatch`: it reads the user's step, checks the role and calls the flow's
function, so a new flow never edits the text handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.context import Context
from bot.ui.caller import who
from bot.ui.router import Role
from db import conversation
from db.accounts import Caller
from db.conversation import Step


@dataclass(frozen=True, slots=True)
class Typed:
    """A plain text typed while a flow awaited it, in the update's one session."""

    update: Update
    context: Context
    session: AsyncSession
    me: Caller
    step: Step
    text: str

    @property
    def lang(self) -> str:
        """The caller's language."""
        return self.me.language


TypedHandler = Callable[[Typed], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Flow:
    """One flow: who may type in it, what takes the text, and what a caller without the role
    hears (None: the text is treated as if no flow awaited it)."""

    role: Role
    handler: TypedHandler
    refused: TypedHandler | None = None


_FLOWS: dict[str, Flow] = {}


def register(name: str, handler: TypedHandler, *, role: Role, refused: TypedHandler | None = None) -> None:
    """Route texts typed in the flow `name` (as kept in `db.conversation`) to `handler`."""
    if role is Role.STAFF:
        raise ValueError("typed-input flows are for HR, linked ASN or anyone")
    if _FLOWS.get(name, Flow(role, handler, refused)) != Flow(role, handler, refused):
        raise ValueError(f"flow {name!r} registered twice")
    _FLOWS[name] = Flow(role, handler, refused)


async def dispatch(update: Update, context: Context, text: str) -> bool:
    """Give `text` to the flow awaiting it; False when no flow (or no flow this caller may use)
    awaited it, so the caller answers it some other way."""
    user = update.effective_user
    if user is None:
        return False
    async with context.db() as session:
        step = await conversation.current(session, telegram_user_id=user.id)
        flow = _FLOWS.get(step.flow) if step is not None else None
        if step is None or flow is None:
            return False
        me = await who(session, update, context)
        typed = Typed(update, context, session, me, step, text)
        if _allowed(flow.role, me):
            await flow.handler(typed)
            return True
        await conversation.leave(session, telegram_user_id=user.id, flow=step.flow)
        await session.commit()
        if flow.refused is None:
            return False
        await flow.refused(typed)
        return True


def _allowed(role: Role, me: Caller) -> bool:
    return role is Role.ANYONE or (role is Role.LINKED and me.is_linked) or (role is Role.HR and me.is_hr)
