"""What every operation of the registration engine shares: the status groups, reading and
locking event and registration rows, counting seats in the database, the all-or-nothing
block, and codes people read off a screen.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from sqlalchemy import CursorResult, Select, Update, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Allocation, Event, Registration, RegistrationStatus
from db.registration.errors import RegistrationNotFound

Status = RegistrationStatus
#: Statuses that still count as "taking part" (for clashes and for re-registration).
ACTIVE = (Status.REGISTERED, Status.WAITLISTED, Status.PENDING, Status.ATTENDED)
HOLDS_SEAT = (Status.REGISTERED, Status.ATTENDED)
#: What the ASN may still cancel (and HR may still remove).
CANCELLABLE = (Status.REGISTERED, Status.WAITLISTED, Status.PENDING)
#: Letters and digits nobody confuses when reading them off a projector.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def readable_code(length: int) -> str:
    """A random code of `length` characters from `CODE_ALPHABET`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def dialect(session: AsyncSession) -> str:
    """The database the session talks to: "sqlite" or "postgresql"."""
    return session.get_bind().dialect.name


async def rowcount(session: AsyncSession, statement: Update) -> int:
    """Run a bulk UPDATE and say how many rows it changed."""
    result = cast(
        CursorResult[Any], await session.execute(statement.execution_options(synchronize_session=False))
    )
    return result.rowcount


async def take_seat(session: AsyncSession, event_id: int) -> bool:
    """One seat, if one is free: a single conditional UPDATE, never a count read earlier."""
    taken = await rowcount(
        session,
        update(Event)
        .where(Event.id == event_id, Event.seats_taken < Event.quota)
        .values(seats_taken=Event.seats_taken + 1),
    )
    return taken == 1


async def free_seat(session: AsyncSession, event_id: int) -> None:
    """Give one seat back."""
    await rowcount(
        session,
        update(Event)
        .where(Event.id == event_id, Event.seats_taken > 0)
        .values(seats_taken=Event.seats_taken - 1),
    )


async def lock_event(session: AsyncSession, event_id: int) -> Event:
    """The event, fresh and locked for this transaction (row lock on PostgreSQL)."""
    event = await session.scalar(
        select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    )
    if event is None:
        raise RegistrationNotFound(event_id)
    return event


async def fresh_event(session: AsyncSession, event_id: int) -> Event:
    """The event as the database has it now."""
    event = await session.scalar(_fresh_event_statement(), {"event_id": event_id})
    if event is None:
        raise RegistrationNotFound(event_id)
    return event


@functools.cache
def _fresh_event_statement() -> Select[tuple[Event]]:
    """`fresh_event`'s statement, built once (an event's detail asks it on every press)."""
    return select(Event).where(Event.id == bindparam("event_id")).execution_options(populate_existing=True)


async def own_registration(session: AsyncSession, registration_id: int, employee_id: int) -> Registration:
    """The registration, fresh, if it is the employee's (else not found, like an unknown id)."""
    found = await session.scalar(
        select(Registration)
        .where(Registration.id == registration_id)
        .execution_options(populate_existing=True)
    )
    if found is None or found.employee_id != employee_id:
        raise RegistrationNotFound(registration_id)
    return found


async def any_registration(session: AsyncSession, registration_id: int) -> Registration:
    """The registration, fresh, whoever it belongs to (for HR and organizers)."""
    found = await session.scalar(
        select(Registration)
        .where(Registration.id == registration_id)
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise RegistrationNotFound(registration_id)
    return found


async def current_status(session: AsyncSession, registration_id: int) -> RegistrationStatus:
    """The registration's status as the database has it now."""
    status = await session.scalar(select(Registration.status).where(Registration.id == registration_id))
    if status is None:
        raise RegistrationNotFound(registration_id)
    return status


def awaiting_allocation(event: Event) -> bool:
    """A priority event whose seats are not given yet."""
    return event.allocation is Allocation.PRIORITY and event.allocated_at is None


@asynccontextmanager
async def atomic(session: AsyncSession) -> AsyncIterator[None]:
    """Commit what the block did, or roll all of it back (releasing row locks at once) when it
    raised — a refusal found after taking a lock must not leave the lock held."""
    try:
        yield
    except Exception:
        await session.rollback()
        raise
    await session.commit()
