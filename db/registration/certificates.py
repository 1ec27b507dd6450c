"""Certificates of attendance: the attendee's certificate with a verification code made once
and kept, and anyone verifying a code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Employee, Event, Registration
from db.registration._shared import Status, own_registration, readable_code, rowcount
from db.registration.errors import NotAttended

CERTIFICATE_CODE_LENGTH = 16


@dataclass(frozen=True, slots=True)
class Certificate:
    """What a certificate of attendance shows, with its verification code."""

    code: str
    employee_name: str
    nip: str
    event_code: str
    event_title: str
    organizer: str
    starts_at: datetime
    ends_at: datetime
    jp: int
    attended_at: datetime


async def _certificate_data(session: AsyncSession, registration_id: int) -> Certificate | None:
    row = (
        await session.execute(
            select(Registration, Employee, Event)
            .join(Employee, Employee.id == Registration.employee_id)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.id == registration_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        return None
    registration, employee, event = row
    if registration.certificate_code is None or registration.attended_at is None:
        return None
    return Certificate(
        code=registration.certificate_code,
        employee_name=employee.name,
        nip=employee.nip,
        event_code=event.code,
        event_title=event.title,
        organizer=event.organizer,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        jp=event.jp,
        attended_at=registration.attended_at,
    )


async def certificate(session: AsyncSession, *, registration_id: int, employee_id: int) -> Certificate:
    """The attendee's certificate data; its verification code is made once and kept."""
    registration = await own_registration(session, registration_id, employee_id)
    if registration.status is not Status.ATTENDED:
        raise NotAttended(registration.status)
    if registration.certificate_code is None:
        while True:
            try:
                await rowcount(
                    session,
                    update(Registration)
                    .where(Registration.id == registration_id, Registration.certificate_code.is_(None))
                    .values(certificate_code=readable_code(CERTIFICATE_CODE_LENGTH)),
                )
                await session.commit()
                break
            except IntegrityError:  # pragma: no cover - 32**16 codes
                await session.rollback()
    found = await _certificate_data(session, registration_id)
    assert found is not None
    return found


async def verify_certificate(session: AsyncSession, *, code: str) -> Certificate | None:
    """The certificate with this verification code, or None if there is none."""
    normalized = code.strip().upper().replace("-", "").replace(" ", "")
    registration_id = await session.scalar(
        select(Registration.id).where(
            Registration.certificate_code == normalized, Registration.status == Status.ATTENDED
        )
    )
    if registration_id is None:
        return None
    return await _certificate_data(session, registration_id)
