"""The budget plan's candidates: training programmes HR could commission (imported, kind
`programmes`) and upcoming published events with a cost (per participant) and seats left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, EventStatus, Programme, event_competencies, programme_competencies
from db.planning.solver import Offer

PROGRAMME = "programme"
EVENT = "event"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A programme or an event the plan may fund; an event is one batch of its seats left."""

    kind: str
    id: int
    title: str
    competency_ids: frozenset[int]
    jp: int
    offer: Offer


async def candidates(session: AsyncSession, *, now: datetime) -> list[Candidate]:
    """Every programme, then the events starting after `now` with a cost and seats left (three queries)."""
    programme_links = await _links(session, programme_competencies, "programme_id")
    event_links = await _links(session, event_competencies, "event_id")
    found = [
        Candidate(
            PROGRAMME,
            programme.id,
            programme.title,
            programme_links.get(programme.id, frozenset()),
            programme.jp,
            Offer(
                programme.seats_per_batch,
                programme.max_batches,
                programme.cost_per_batch or 0,
                programme.cost_per_participant or 0,
            ),
        )
        for programme in await session.scalars(select(Programme).order_by(Programme.title))
    ]
    events = await session.scalars(
        select(Event)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.cost.is_not(None),
            Event.quota > Event.seats_taken,
        )
        .order_by(Event.starts_at, Event.code)
    )
    found += [
        Candidate(
            EVENT,
            event.id,
            event.title,
            event_links.get(event.id, frozenset()),
            event.jp,
            Offer(event.quota - event.seats_taken, 1, 0, event.cost or 0),
        )
        for event in events
    ]
    return found


async def _links(session: AsyncSession, table: Table, owner: str) -> dict[int, frozenset[int]]:
    found: dict[int, set[int]] = {}
    for owner_id, competency_id in (
        await session.execute(select(table.c[owner], table.c.competency_id))
    ).tuples():
        found.setdefault(owner_id, set()).add(competency_id)
    return {owner_id: frozenset(ids) for owner_id, ids in found.items()}
