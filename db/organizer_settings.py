"""Each organizer's settings (table `organizers`): who signs its certificates, and whether HR
approves its events before they are published. HR sets them (`asn-bot admin organizer`) and
reads them in `/admin`; every change is audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit
from db.models import Organizer, Role, RoleGrant
from db.upsert import insert

#: Leave a setting as it is.
KEEP = None


@dataclass(frozen=True, slots=True)
class OrganizerSettings:
    """One organizer's settings and how many people hold its organizer role."""

    name: str
    signer_name: str | None
    signer_title: str | None
    review_required: bool
    holders: int


async def remember(session: AsyncSession, names: Iterable[str]) -> None:
    """Give each organizer named on an event its row (default settings) if it has none yet, so
    that HR finds it among the organizers to pick and to configure; no commit."""
    rows = [{"name": name} for name in sorted({" ".join(n.split()) for n in names} - {""})]
    if rows:
        await session.execute(insert(session)(Organizer).values(rows).on_conflict_do_nothing())


def _clean(value: str) -> str | None:
    return " ".join(value.split()) or None


async def _settings(session: AsyncSession, organizer: Organizer) -> OrganizerSettings:
    held = await session.scalars(
        select(RoleGrant.id).where(RoleGrant.role == Role.ORGANIZER, RoleGrant.organizer == organizer.name)
    )
    return OrganizerSettings(
        organizer.name,
        organizer.signer_name,
        organizer.signer_title,
        organizer.review_required,
        len(list(held)),
    )


async def all_settings(session: AsyncSession) -> list[OrganizerSettings]:
    """Every organizer with its settings, by name."""
    organizers = await session.scalars(select(Organizer).order_by(Organizer.name))
    return [await _settings(session, organizer) for organizer in organizers]


async def settings(session: AsyncSession, *, name: str) -> OrganizerSettings | None:
    """One organizer's settings (the name as on its events, spaces tidied), or None."""
    organizer = await session.scalar(select(Organizer).where(Organizer.name == _clean(name)))
    return None if organizer is None else await _settings(session, organizer)


async def configure(
    session: AsyncSession,
    *,
    name: str,
    signer_name: str | None = KEEP,
    signer_title: str | None = KEEP,
    review_required: bool | None = KEEP,
    actor: int | None = None,
) -> OrganizerSettings:
    """Change what is given (an empty text clears it), creating the organizer when new (audited)."""
    cleaned = _clean(name)
    if cleaned is None:
        raise ValueError("an organizer needs a name")
    organizer = await session.scalar(select(Organizer).where(Organizer.name == cleaned))
    if organizer is None:
        organizer = Organizer(name=cleaned, review_required=False)
        session.add(organizer)
    changes: dict[str, object] = {}
    if signer_name is not None and _clean(signer_name) != organizer.signer_name:
        organizer.signer_name = changes["signer_name"] = _clean(signer_name)
    if signer_title is not None and _clean(signer_title) != organizer.signer_title:
        organizer.signer_title = changes["signer_title"] = _clean(signer_title)
    if review_required is not None and review_required != organizer.review_required:
        organizer.review_required = changes["review_required"] = review_required
    if changes or organizer.id is None:
        audit.record(
            session,
            action="organizer.configured",
            actor_telegram_id=actor,
            subject=cleaned,
            details={"changed": sorted(changes), "review_required": organizer.review_required},
        )
    await session.commit()
    return await _settings(session, organizer)
