"""Fixtures of the registration engine's tests (test_registration, test_attendance): an office
of eight analysts and a two-seat training on `STARTS`."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Employee, Event
from tests.utils.employees import make_employees
from tests.utils.events import make_event
from tests.utils.registrations import STARTS


@pytest.fixture
async def asn(session: AsyncSession) -> list[Employee]:
    """Eight analysts of the same office."""
    return await make_employees(session, 8)


@pytest.fixture
async def training(session: AsyncSession) -> Event:
    """A first-come-first-served training with two seats, 6 April 2026 08.00–16.00 WITA."""
    return await make_event(session, "PP-01", starts_at=STARTS, quota=2, jp=8)
