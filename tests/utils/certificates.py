"""Certificates: an ASN who attended an event and holds its certificate, and what the
certificate templates are rendered with in the renderer's tests."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import registration
from db.models import Employee, Event, Organizer, Registration
from db.registration import Certificate
from tests.utils.office_time import WITA
from tests.utils.registrations import register

UNDANA = "Universitas Nusa Cendana"


async def signer(session: AsyncSession, organizer: str, name: str, title: str) -> None:
    """Set the organizer's signer (committed)."""
    session.add(Organizer(name=organizer, signer_name=name, signer_title=title))
    await session.commit()


async def attended(session: AsyncSession, employee: Employee, event: Event) -> Certificate:
    """The employee registered, attended (marked by the organizer) and holds the certificate."""
    await register(session, employee, event)
    registration_id = await session.scalar(
        select(Registration.id).where(
            Registration.employee_id == employee.id, Registration.event_id == event.id
        )
    )
    assert registration_id is not None
    await registration.mark_attended(
        session, registration_id=registration_id, actor=None, now=event.starts_at, timezone=WITA
    )
    return await registration.certificate(session, registration_id=registration_id, employee_id=employee.id)


_CERTIFICATE = SimpleNamespace(
    number="ABCD-2345-EFGH-6789",
    event_code="SEM-2026-01",
    event_title="Seminar <Angkatan I>",
    organizer="Universitas <Nusa Cendana>",
    signer_name="Dr. Maria <Bria>",
    signer_title="Dekan FISIP",
    starts_at=datetime(2026, 12, 7, 0, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
    jp=8,
)
CONTEXTS: dict[str, dict[str, object]] = {
    "certificate_check": {
        "outcome": "genuine",
        "code": "ABCD2345EFGH6789",
        "until": datetime(2026, 12, 7, 2, 0, tzinfo=UTC),
        "shown": SimpleNamespace(certificate=_CERTIFICATE, viewer="stranger", name="M*** B***", nip=None),
    },
}
