"""The /kompetensi chart comes after the text, and is drawn once: the same chart again goes out
by the file_id Telegram gave it, and is drawn and uploaded again only when Telegram no longer
has the file."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.documents import charts
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
    status, chart = await phone.wait_replies(count=2)
    assert status.method == "sendMessage"
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


@pytest.mark.usefixtures("bot")
async def test_the_text_is_sent_before_the_chart_is_drawn(
    api: LocalBotApi, session: AsyncSession, maria: Employee, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone = await linked_phone(session, api, maria, user_id=515154)
    drawn_after: list[int] = []
    draw = charts.competency_chart

    def counting_draw(*args: Any, **kwargs: Any) -> bytes:
        drawn_after.append(len(phone.history))
        return draw(*args, **kwargs)

    monkeypatch.setattr(charts, "competency_chart", counting_draw)
    await phone.send("/kompetensi")
    status, chart = await phone.wait_replies(count=2)

    assert status.method == "sendMessage"
    assert "Job Person Match" in status.plain_text
    assert chart.method == "sendPhoto"
    # the text had reached the phone when the chart began to be drawn
    assert drawn_after == [len(phone.history) - 1]
