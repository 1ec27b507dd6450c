"""Who holds which role: granting (an organizer role always names its organizer), the list HR
reads in `/admin` and `asn-bot admin list`, and revoking. Every change is audited with ids only.

Holders named in `BOT_ADMIN_IDS` are HR by configuration, not by a grant: the list shows them
(`configured`), and only the configuration can take that away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import accounts, audit
from db.models import Employee, Organizer, Role, RoleGrant, TelegramAccount


class OrganizerMissing(ValueError):
    """An organizer role was asked for without the organizer's name."""


@dataclass(frozen=True, slots=True)
class Holder:
    """One role held by one Telegram user; `grant_id` is None for `BOT_ADMIN_IDS` (configured)."""

    grant_id: int | None
    telegram_user_id: int
    role: Role
    organizer: str | None
    granted_at: datetime | None
    employee_name: str | None

    @property
    def configured(self) -> bool:
        """HR by `BOT_ADMIN_IDS`, which only the configuration can revoke."""
        return self.grant_id is None


async def grant(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    role: Role,
    organizer: str | None = None,
    actor: int | None = None,
) -> bool:
    """Give a role (`accounts.grant_role`); an organizer role needs its organizer's name, which
    gets its row in `organizers` (for its signer and review settings). False when already held."""
    name = " ".join((organizer or "").split()) or None
    if role is Role.ORGANIZER and name is None:
        raise OrganizerMissing(role)
    if role is Role.ORGANIZER and name is not None:
        known = await session.scalar(select(Organizer.id).where(Organizer.name == name))
        if known is None:
            session.add(Organizer(name=name))
            audit.record(session, action="organizer.created", actor_telegram_id=actor, subject=name)
    return await accounts.grant_role(
        session,
        telegram_user_id=telegram_user_id,
        role=role,
        organizer=name if role is Role.ORGANIZER else None,
    )


async def holders(session: AsyncSession, *, configured_hr: Iterable[int] = ()) -> list[Holder]:
    """Everyone with a role, HR first then organizers, by organizer and id; `configured_hr` are
    the `BOT_ADMIN_IDS`, listed as HR unless a grant already says so."""
    rows = await session.execute(
        select(RoleGrant, Employee.name)
        .outerjoin(TelegramAccount, TelegramAccount.telegram_user_id == RoleGrant.telegram_user_id)
        .outerjoin(Employee, Employee.id == TelegramAccount.employee_id)
    )
    found = [
        Holder(grant.id, grant.telegram_user_id, grant.role, grant.organizer, grant.granted_at, name)
        for grant, name in rows.tuples()
    ]
    granted_hr = {h.telegram_user_id for h in found if h.role is Role.HR}
    found += [
        Holder(None, user_id, Role.HR, None, None, None)
        for user_id in sorted(set(configured_hr) - granted_hr)
    ]
    found.sort(key=lambda h: (h.role is not Role.HR, h.organizer or "", h.telegram_user_id))
    return found


async def holder(session: AsyncSession, *, grant_id: int) -> Holder | None:
    """One grant, or None when it is gone."""
    return next((h for h in await holders(session) if h.grant_id == grant_id), None)


async def revoke(
    session: AsyncSession, *, telegram_user_id: int, role: Role | None = None, actor: int | None = None
) -> list[Role]:
    """Take away one role, or every role when `role` is None; the roles taken (audited)."""
    conditions = [RoleGrant.telegram_user_id == telegram_user_id]
    if role is not None:
        conditions.append(RoleGrant.role == role)
    taken = sorted(await session.scalars(select(RoleGrant.role).where(*conditions)))
    if not taken:
        return []
    await session.execute(delete(RoleGrant).where(*conditions))
    audit.record(
        session,
        action="role.revoked",
        actor_telegram_id=actor,
        subject=f"tg:{telegram_user_id}",
        details={"roles": [r.value for r in taken]},
    )
    await session.commit()
    return taken
