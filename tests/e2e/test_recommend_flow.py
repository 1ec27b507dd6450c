"""An ASN looks at what is offered, end to end over the local Bot API server: a full event's
button says it is a waiting-list registration before it is pressed, and /jp counts the
events registered for as planned."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi
from db import registration
from db.models import Employee, RegistrationStatus
from tests.e2e.conftest import Clock
from tests.utils.employees import make_employee
from tests.utils.events import make_event
from tests.utils.learning import learned
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, press, say

ME = 737373


@pytest.fixture
async def maria(session: AsyncSession) -> Employee:
    return await make_employee(session)


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "button", "line"),
    [
        ("id", "📝 Daftar (daftar tunggu)", "Anda masuk daftar tunggu"),
        ("en", "📝 Register (waiting list)", "you join the waiting list"),
    ],
)
async def test_a_full_event_is_a_waiting_list_registration_before_it_is_pressed(
    api: LocalBotApi, session: AsyncSession, maria: Employee, lang: str, button: str, line: str
) -> None:
    await make_event(
        session,
        "PP-01",
        title="Pelatihan Pelayanan Prima",
        starts_at=wita(2026, 12, 14),
        quota=1,
        seats_taken=1,
    )
    phone = await linked_phone(session, api, maria, user_id=ME, lang=lang)

    await say(phone, "/pelatihan")
    (detail,) = await press(phone, "1. Pelatihan Pelayanan Prima")

    assert detail.button_texts[0] == button
    assert line in detail.plain_text
    (told,) = await press(phone, button)
    assert "1" in told.plain_text
    mine = await registration.my_registrations(session, employee_id=maria.id)
    assert list(mine) == [RegistrationStatus.WAITLISTED]


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "planned", "after"),
    [
        ("id", "Direncanakan: 12 JP (terdaftar, belum dihadiri)", "masih kurang 4 JP"),
        ("en", "Planned: 12 JP (registered, not attended yet)", "4 JP still to go"),
    ],
)
async def test_jp_counts_the_training_registered_for_as_planned(
    api: LocalBotApi,
    session: AsyncSession,
    maria: Employee,
    clock: Clock,
    lang: str,
    planned: str,
    after: str,
) -> None:
    await learned(session, maria, "Bimtek SIASN", on=date(2026, 2, 3), jp=4)
    training = await make_event(
        session, "PP-01", title="Pelatihan Pelayanan Prima", starts_at=wita(2026, 12, 14), jp=12
    )
    await registration.register(session, event_id=training.id, employee_id=maria.id, now=clock.now)
    phone = await linked_phone(session, api, maria, user_id=ME, lang=lang)

    (answer,) = await say(phone, "/jp")

    assert "4/20 JP" in answer.plain_text
    assert planned in answer.plain_text
    assert "Pelatihan Pelayanan Prima: 12 JP" in answer.plain_text
    assert after in answer.plain_text
