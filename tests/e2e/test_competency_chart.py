"""The /kompetensi chart is drawn once: the same chart again goes out by the file_id Telegram
gave it, and is drawn and uploaded again only when Telegram no longer has the file."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import BotMessage, LocalBotApi, Phone
from db.models import Employee
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import make_employee
from tests.utils.phones import linked_phone

POSITION = "Analis Kebijakan Ahli Muda"
STANDARD = {"Analisis Kebijakan Publik": 3, "Integritas": 3, "Pelayanan Publik": 3}


@pytest.fixture
async def maria(session: AsyncSession) -> Employee:
    employee = await make_employee(session, position=POSITION)
    await set_standard(session, POSITION, STANDARD)
    await assess(
        session,
        employee,
        {"Analisis Kebijakan Publik": 3, "Integritas": 2, "Pelayanan Publik": 1},
        on=date(2025, 11, 3),
    )
    return employee


async def _chart(phone: Phone) -> BotMessage:
    await phone.send("/kompetensi")
    chart, _status = await phone.wait_replies(count=2)
    assert chart.method == "sendPhoto"
    assert chart.file is not None
    return chart


@pytest.mark.usefixtures("bot")
async def test_the_same_chart_is_sent_again_by_its_file_id(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    phone = await linked_phone(session, api, maria, user_id=515151)

    first = await _chart(phone)
    again = await _chart(phone)

    assert first.file is not None
    assert again.file is not None
    assert again.file.file_id == first.file.file_id
    assert again.photo == first.photo
    # "sending a photo…" while the chart was drawn, the first time only
    assert phone.chat_actions == ["upload_photo"]


@pytest.mark.usefixtures("bot")
async def test_a_chart_that_changed_is_drawn_anew(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    phone = await linked_phone(session, api, maria, user_id=515152)
    first = await _chart(phone)

    await assess(session, maria, {"Pelayanan Publik": 3}, on=date(2026, 6, 1))
    changed = await _chart(phone)

    assert first.file is not None
    assert changed.file is not None
    assert changed.file.file_id != first.file.file_id
    assert changed.photo != first.photo


@pytest.mark.usefixtures("bot")
async def test_a_file_telegram_no_longer_has_is_drawn_and_uploaded_again(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    phone = await linked_phone(session, api, maria, user_id=515153)
    first = await _chart(phone)

    api.files.clear()
    again = await _chart(phone)

    assert first.file is not None
    assert again.file is not None
    assert again.file.file_id != first.file.file_id
    assert again.photo == first.photo
