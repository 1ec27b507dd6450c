"""Certificates of attendance: the attendee's certificate with its number (a verification code
made once and kept), its issuer (the organizer and the signer set for it), and anyone checking
a number.

Anyone may check a certificate in the chat, linked or not, so wrong numbers are limited per
Telegram user (`db.attempts`, purpose `certificate`): numbers cannot be enumerated. What the
checker sees depends on who they are (`shown_to`): the holder and HR see the full name and NIP,
the event's organizer the full name and a masked NIP, everyone else a masked name only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db import attempts
from db.admin import Scope
from db.attempts import Policy, Purpose
from db.identity import mask_nip
from db.models import Employee, Event, Organizer, Registration
from db.registration._shared import Status, own_registration, readable_code, rowcount
from db.registration.errors import NotAttended

CERTIFICATE_CODE_LENGTH = 16
#: Wrong certificate numbers one Telegram user may try before waiting.
CHECK_POLICY = Policy(max_failures=10, window=timedelta(hours=1))


@dataclass(frozen=True, slots=True)
class Certificate:
    """What a certificate of attendance shows, with its number and issuer."""

    code: str
    employee_id: int
    employee_name: str
    nip: str
    event_code: str
    event_title: str
    organizer: str
    signer_name: str | None
    signer_title: str | None
    starts_at: datetime
    ends_at: datetime
    jp: int
    attended_at: datetime

    @property
    def number(self) -> str:
        """The code in groups of four, as printed (`ABCD-EFGH-JKLM-NPQR`)."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


class Viewer(enum.StrEnum):
    """Who checks a certificate, which decides how much of the holder it shows."""

    HOLDER = "holder"
    HR = "hr"
    ORGANIZER = "organizer"
    STRANGER = "stranger"


@dataclass(frozen=True, slots=True)
class Shown:
    """A genuine certificate as one checker may see it: `nip` is None for strangers."""

    certificate: Certificate
    viewer: Viewer
    name: str
    nip: str | None


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of checking a number in the chat: `found` when genuine; otherwise how many
    wrong numbers are left, or until when the checker must wait (`locked_until`)."""

    found: Shown | None
    attempts_left: int = 0
    locked_until: datetime | None = None

    @property
    def locked(self) -> bool:
        """Too many wrong numbers: this one was not looked at."""
        return self.found is None and self.locked_until is not None


def normalize_code(code: str) -> str:
    """A number as typed or printed (`abcd-efgh …`) in the stored form."""
    return "".join(code.split()).replace("-", "").upper()


def mask_name(name: str) -> str:
    """A name safe to show to strangers: each word's first letter (`Maria Goreti` → `M*** G***`)."""
    return " ".join(word[0] + "***" for word in name.split())


def shown_to(certificate: Certificate, *, employee_id: int | None, scope: Scope | None) -> Shown:
    """The certificate as this checker may see it (their linked employee and admin scope)."""
    if employee_id == certificate.employee_id:
        return Shown(certificate, Viewer.HOLDER, certificate.employee_name, certificate.nip)
    if scope is not None and scope.hr:
        return Shown(certificate, Viewer.HR, certificate.employee_name, certificate.nip)
    if scope is not None and certificate.organizer in scope.organizers:
        return Shown(certificate, Viewer.ORGANIZER, certificate.employee_name, mask_nip(certificate.nip))
    return Shown(certificate, Viewer.STRANGER, mask_name(certificate.employee_name), None)


async def _certificate_data(session: AsyncSession, registration_id: int) -> Certificate | None:
    row = (
        await session.execute(
            select(Registration, Employee, Event, Organizer)
            .join(Employee, Employee.id == Registration.employee_id)
            .join(Event, Event.id == Registration.event_id)
            .outerjoin(Organizer, Organizer.name == Event.organizer)
            .where(Registration.id == registration_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        return None
    registration, employee, event, organizer = row
    if registration.certificate_code is None or registration.attended_at is None:
        return None
    return Certificate(
        code=registration.certificate_code,
        employee_id=employee.id,
        employee_name=employee.name,
        nip=employee.nip,
        event_code=event.code,
        event_title=event.title,
        organizer=event.organizer,
        signer_name=organizer.signer_name if organizer is not None else None,
        signer_title=organizer.signer_title if organizer is not None else None,
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
    """The certificate with this verification code, or None if there is none (no limit: for
    HR's command line)."""
    normalized = normalize_code(code)
    if not normalized:
        return None
    registration_id = await session.scalar(
        select(Registration.id).where(
            Registration.certificate_code == normalized, Registration.status == Status.ATTENDED
        )
    )
    if registration_id is None:
        return None
    return await _certificate_data(session, registration_id)


async def check_certificate(
    session: AsyncSession,
    *,
    code: str,
    telegram_user_id: int,
    employee_id: int | None,
    scope: Scope | None,
    now: datetime,
    policy: Policy = CHECK_POLICY,
) -> Check:
    """Anyone's check of a number in the chat: a wrong number counts against the checker's limit,
    a genuine one does not (checking real certificates never locks anyone out)."""
    admission = await attempts.admit(
        session, telegram_user_id=telegram_user_id, purpose=Purpose.CERTIFICATE, now=now, policy=policy
    )
    if admission.attempt_id is None:
        return Check(None, 0, admission.locked_until)
    found = await verify_certificate(session, code=code)
    if found is None:
        await attempts.settle(session, attempt_id=admission.attempt_id, reason="unknown_certificate")
        await session.commit()
        return Check(None, admission.attempts_left)
    await attempts.forgive(session, attempt_id=admission.attempt_id)
    await session.commit()
    return Check(shown_to(found, employee_id=employee_id, scope=scope), admission.attempts_left)
