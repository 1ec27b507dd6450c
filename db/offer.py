"""What an ASN is offered at one event, for its detail view: the event's card, why they
cannot register for it (the registration engine's own refusal, so the detail and a press of
📝 Daftar never disagree), whether a registration now would wait for a seat, and why the
event is recommended to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db import catalog, registration
from db.catalog import EventCard, Recommendation
from db.models import Allocation, Event
from db.registration import RegistrationNotFound, RegistrationRefused


@dataclass(frozen=True, slots=True)
class Offer:
    """One event as the ASN may take it up: `refusal` is None when they can register, and
    then `waitlist` says whether the registration would wait for a seat."""

    event: EventCard
    refusal: RegistrationRefused | None
    waitlist: bool
    recommendation: Recommendation | None


async def offer(
    session: AsyncSession,
    *,
    event_id: int,
    employee_id: int,
    now: datetime,
    year: int,
    target: int,
    timezone: ZoneInfo,
) -> Offer | None:
    """The event offered to the employee now; None when it is unknown or not published.  The
    event is read once and held, so its card and whether a registration would wait come from
    the session (an object no one holds leaves the session's identity map, and was read again
    by each of them: two queries of an event's detail)."""
    try:
        event = await registration.fresh_event(session, event_id)
    except RegistrationNotFound:
        return None
    refused = await registration.refusal(session, event, employee_id=employee_id, now=now)
    card = await catalog.event_card(session, event_id=event_id, timezone=timezone)
    if card is None:
        return None
    if refused is not None:
        return Offer(card, refused, waitlist=False, recommendation=None)
    recommendation = await catalog.reasons(
        session, card, employee_id=employee_id, now=now, year=year, target=target, timezone=timezone
    )
    return Offer(
        card,
        None,
        waitlist=_waits(event),
        recommendation=recommendation if recommendation.has_reason else None,
    )


def _waits(event: Event) -> bool:
    """A registration now joins the waiting list: the event is full and gives its seats first
    come, first served (an approval or an allocation not made yet would hold it `pending`)."""
    by_order = event.allocation is Allocation.FCFS or event.allocated_at is not None
    return event.seats_taken >= event.quota and by_order and not event.requires_approval
