"""Telegram accounts: who is asking, their language, roles and notification preferences."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from db import audit, conversation, privacy, upsert
from db.models import (
    ALWAYS_SENT,
    Employee,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    OutboxState,
    Role,
    RoleGrant,
    TelegramAccount,
)


@dataclass(frozen=True, slots=True)
class Caller:
    """The person behind an update, as far as the bot knows them."""

    telegram_user_id: int
    language: str
    employee: Employee | None
    roles: frozenset[Role] = field(default_factory=frozenset)
    linked_at: datetime | None = None

    @property
    def is_linked(self) -> bool:
        """Has this Telegram user proven to be an ASN on the roster?"""
        return self.employee is not None

    @property
    def is_hr(self) -> bool:
        """May this person run HR's tools (announcements, changing or cancelling events)?"""
        return Role.HR in self.roles


async def identify(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    default_language: str,
    admin_ids: frozenset[int] = frozenset(),
) -> Caller:
    """Who is asking: their account (with employee, position and unit loaded) and roles."""
    params = {"user_id": telegram_user_id}
    row = (await session.execute(_account_statement(), params)).first()
    if row is not None:
        account, *held = row
        roles = {role for role, has in zip(Role, held, strict=True) if has}
    else:  # not met yet: roles may still have been granted (`asn-bot admin grant`)
        account, roles = None, set(await session.scalars(_roles_statement(), params))
    if telegram_user_id in admin_ids:
        roles.add(Role.HR)
    if account is None:
        return Caller(telegram_user_id, default_language, None, frozenset(roles))
    return Caller(telegram_user_id, account.language, account.employee, frozenset(roles), account.linked_at)


@functools.cache
def _account_statement() -> Select[Any]:
    """`identify`'s account, with employee, position and unit, and whether it holds each role,
    in one statement built once: every update asks it, and building a statement costs more than
    SQLite takes to answer it (bench/RESULTS.md)."""
    user_id: BindParameter[int] = bindparam("user_id")
    holds = [
        select(RoleGrant.role).where(RoleGrant.telegram_user_id == user_id, RoleGrant.role == role).exists()
        for role in Role
    ]
    return (
        select(TelegramAccount, *holds)
        .where(TelegramAccount.telegram_user_id == user_id)
        .options(
            joinedload(TelegramAccount.employee).joinedload(Employee.position),
            joinedload(TelegramAccount.employee).joinedload(Employee.unit),
        )
    )


@functools.cache
def _roles_statement() -> Select[tuple[Role]]:
    """The roles of a user without an account, built once."""
    return select(RoleGrant.role).where(RoleGrant.telegram_user_id == bindparam("user_id"))


async def ensure_account(
    session: AsyncSession, *, telegram_user_id: int, chat_id: int, language: str
) -> TelegramAccount:
    """The account row for a Telegram user, created on first contact.

    A newcomer's first messages arrive together: the row is inserted by whichever update comes
    first (`ON CONFLICT DO NOTHING`), and the others find it rather than failing on the key.
    """
    account = await session.get(TelegramAccount, telegram_user_id)
    if account is None:
        await session.execute(
            upsert.insert(session)(TelegramAccount)
            .values(telegram_user_id=telegram_user_id, chat_id=chat_id, language=language)
            .on_conflict_do_nothing(index_elements=[TelegramAccount.telegram_user_id])
        )
        account = await session.get(TelegramAccount, telegram_user_id, populate_existing=True)
        if account is None:
            raise LookupError(f"account {telegram_user_id} vanished right after it was created")
    if account.chat_id != chat_id:
        account.chat_id = chat_id
    return account


async def set_language(session: AsyncSession, *, telegram_user_id: int, chat_id: int, language: str) -> None:
    """Remember the language the user chose."""
    account = await ensure_account(
        session, telegram_user_id=telegram_user_id, chat_id=chat_id, language=language
    )
    account.language = language
    await session.commit()


async def notification_settings(
    session: AsyncSession, *, telegram_user_id: int
) -> dict[NotificationKind, bool]:
    """Every kind a user may turn off, with whether they receive it (on unless turned off)."""
    rows = await session.execute(
        select(NotificationPreference.kind, NotificationPreference.enabled).where(
            NotificationPreference.telegram_user_id == telegram_user_id
        )
    )
    stored = {kind: enabled for kind, enabled in rows.tuples()}
    return {kind: stored.get(kind, True) for kind in NotificationKind if kind not in ALWAYS_SENT}


async def toggle_notification(
    session: AsyncSession, *, telegram_user_id: int, chat_id: int, language: str, kind: NotificationKind
) -> bool:
    """Flip one notification kind; returns whether it is now on. Kinds in `ALWAYS_SENT` stay on."""
    if kind in ALWAYS_SENT:
        return True
    await ensure_account(session, telegram_user_id=telegram_user_id, chat_id=chat_id, language=language)
    preference = await session.get(NotificationPreference, (telegram_user_id, kind))
    if preference is None:
        preference = NotificationPreference(telegram_user_id=telegram_user_id, kind=kind, enabled=False)
        session.add(preference)
    else:
        preference.enabled = not preference.enabled
    await session.commit()
    return preference.enabled


async def grant_role(
    session: AsyncSession, *, telegram_user_id: int, role: Role, organizer: str | None = None
) -> bool:
    """Give a role; False when the user already had it (the organizer name is updated)."""
    grant = await session.scalar(
        select(RoleGrant).where(RoleGrant.telegram_user_id == telegram_user_id, RoleGrant.role == role)
    )
    created = grant is None
    if grant is None:
        session.add(RoleGrant(telegram_user_id=telegram_user_id, role=role, organizer=organizer))
    elif organizer is not None:
        grant.organizer = organizer
    audit.record(
        session, action="role.granted", subject=f"tg:{telegram_user_id}", details={"role": role.value}
    )
    await session.commit()
    return created


async def erase(session: AsyncSession, *, telegram_user_id: int, now: datetime) -> bool:
    """`/hapus_data`: unlink and forget the chat (account, settings, flow state, pending messages),
    and cut what ties the chat to the person in what stays (`db.privacy.forget_chat`).

    The employee's record stays (HR's: roster, registrations, attendance, JP, certificates),
    and so do the guesses while linking, which exist to slow down guessing, would otherwise
    reset by erasing, and name no employee. Returns whether the account had been linked.
    """
    account = await session.get(TelegramAccount, telegram_user_id)
    was_linked = account is not None and account.employee_id is not None
    chat_id = account.chat_id if account is not None else None
    if account is not None:
        await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.chat_id == account.chat_id,
                # A row being sent goes too: anonymised, a dispatcher that lost its lease
                # would claim it again with no chat and no text.
                OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.SENDING)),
            )
        )
        # A statement, not `session.delete`: a second press erasing at the same moment finds
        # the row already gone, which is no error (erasing is idempotent).
        session.expunge(account)
        await session.execute(
            delete(TelegramAccount).where(TelegramAccount.telegram_user_id == telegram_user_id)
        )
    await conversation.leave(session, telegram_user_id=telegram_user_id)
    await privacy.forget_chat(session, telegram_user_id=telegram_user_id, chat_id=chat_id)
    audit.record(session, action="account.erased", details={"was_linked": was_linked, "at": now.isoformat()})
    await session.commit()
    return was_linked
