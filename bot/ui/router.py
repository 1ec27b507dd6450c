"""Buttons by feature: each feature makes one `Buttons` router for its callback prefix, with
the role its buttons need, and registers its actions on it once.

The router decodes the press (`bot.ui.callbacks`), opens the update's one session, identifies
the caller and checks the role before any action runs, so an action starts from a `Press`
whose caller is allowed and never re-checks. Per-object checks (this registration is the
caller's own, this event is within the organizer's scope) stay with the action, which asks
the domain with the caller's identity or scope.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.context import Context
from bot.ui.callbacks import BadCallback, Callback, decode
from bot.ui.caller import who
from db.accounts import Caller
from db.admin import Scope, scope_for
from db.models import Employee


class Role(enum.Enum):
    """Who may press a feature's buttons."""

    ANYONE = "anyone"
    #: an ASN whose account is linked to the roster
    LINKED = "linked"
    #: HR or an organizer (the press carries their scope: which events they manage)
    STAFF = "staff"
    #: HR only
    HR = "hr"


@dataclass(frozen=True, slots=True)
class Press:
    """A button press by a caller who holds the router's role, in the update's one session."""

    update: Update
    context: Context
    session: AsyncSession
    me: Caller
    data: Callback
    scope: Scope | None = None

    @property
    def lang(self) -> str:
        """The caller's language."""
        return self.me.language

    @property
    def employee(self) -> Employee:
        """The caller's employee (routers with `Role.LINKED` guarantee one)."""
        if self.me.employee is None:
            raise LookupError("an action that needs a linked caller was registered without Role.LINKED")
        return self.me.employee

    @property
    def staff(self) -> Scope:
        """The caller's admin scope (routers with `Role.STAFF` or `Role.HR` guarantee one)."""
        if self.scope is None:
            raise LookupError("an action that needs a scope was registered without Role.STAFF/HR")
        return self.scope

    def number(self, index: int = 0, *, default: int | None = None) -> int:
        """A numeric argument of the press (see `Callback.number`)."""
        return self.data.number(index, default=default)

    def word(self, index: int = 0) -> str:
        """A word argument of the press (see `Callback.word`)."""
        return self.data.word(index)


Action = Callable[[Press], Awaitable[None]]


class Buttons:
    """The buttons of one callback prefix: the role they need and the action per name."""

    def __init__(self, prefix: str, *, role: Role, refused: Action | None = None) -> None:
        """`refused` answers a caller without the role (default: the press is only acknowledged)."""
        self.prefix = prefix
        self.role = role
        self._refused = refused
        self._actions: dict[str, _Registered] = {}

    def on(
        self, *names: str, role: Role | None = None, refused: Action | None = None
    ) -> Callable[[Action], Action]:
        """Decorator: run this action for presses `prefix:<name>…`; `role` narrows the router's
        role for these actions (HR-only actions on a staff router), `refused` answers those
        without it (default: the router's answer)."""

        def register(action: Action) -> Action:
            for name in names:
                if name in self._actions:
                    raise ValueError(f"{self.prefix}:{name} registered twice")
                self._actions[name] = _Registered(action, role or self.role, refused or self._refused)
            return action

        return register

    @property
    def actions(self) -> tuple[str, ...]:
        """The action names registered on this prefix."""
        return tuple(self._actions)

    def handler(self) -> CallbackQueryHandler[Context, None]:
        """The PTB handler for this prefix (add it before the catch-all handlers)."""
        return CallbackQueryHandler(self.dispatch, pattern=rf"^{self.prefix}:")

    async def dispatch(self, update: Update, context: Context) -> None:
        """Decode, check the role, run the action; garbage reads like an expired button."""
        query = update.callback_query
        if query is None:
            return
        data = decode(query.data)
        registered = self._actions.get(data.action) if data is not None else None
        if data is None or registered is None:
            await query.answer()
            return
        async with context.db() as session:
            me = await who(session, update, context)
            press = await _admit(Press(update, context, session, me, data), registered)
            if press is None:
                return
            try:
                await registered.action(press)
            except BadCallback:
                await query.answer()


@dataclass(frozen=True, slots=True)
class _Registered:
    """An action with the role it needs and the answer for those without it."""

    action: Action
    role: Role
    refused: Action | None


async def _admit(press: Press, registered: _Registered) -> Press | None:
    """The press with the caller's scope when the caller holds the role; None after refusing."""
    me, role = press.me, registered.role
    if role is Role.ANYONE or (role is Role.LINKED and me.is_linked):
        return press
    if role in (Role.STAFF, Role.HR):
        scope = await scope_for(press.session, telegram_user_id=me.telegram_user_id, roles=me.roles)
        if scope is not None and (scope.hr or role is Role.STAFF):
            return Press(press.update, press.context, press.session, me, press.data, scope)
    if registered.refused is not None:
        await registered.refused(press)
    elif press.update.callback_query is not None:
        await press.update.callback_query.answer()
    return None
