"""`/laporan` end to end over the local Bot API server: HR gets each report as a summary, a chart
and an `.xlsx`, types a budget and gets the plan; nobody else gets any report, by command, by a
forged button or by typing a budget."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import BotMessage, LocalBotApi, Phone
from db import accounts
from db.models import Programme, Role, RoleGrant
from tests.utils.competencies import assess, competency, set_standard
from tests.utils.employees import DEFAULT_POSITION, make_employees
from tests.utils.events import configure, make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, press, say
from tests.utils.png import SIGNATURE

HR = 9001
pytestmark = pytest.mark.usefixtures("bot")
SERVICE = "Pelayanan Publik"


async def hr_phone(session: AsyncSession, api: LocalBotApi) -> Phone:
    await accounts.grant_role(session, telegram_user_id=HR, role=Role.HR)
    return api.user(user_id=HR, first_name="Yohanes", language_code="id")


async def office(session: AsyncSession) -> None:
    """Two ASN one level below the standard in Pelayanan Publik, and a programme for them."""
    await set_standard(session, DEFAULT_POSITION, {SERVICE: 3})
    for employee in await make_employees(session, 2):
        await assess(session, employee, {SERVICE: 2}, on=date(2026, 2, 1))
    session.add(
        Programme(
            title="Bimtek Pelayanan Prima",
            jp=24,
            cost_per_batch=None,
            cost_per_participant=1_000_000,
            seats_per_batch=30,
            max_batches=1,
            competencies=[await competency(session, SERVICE)],
        )
    )
    await session.commit()


def rows(message: BotMessage, sheet: str) -> list[tuple[object, ...]]:
    assert message.document is not None
    book = load_workbook(io.BytesIO(message.document))
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


async def test_hr_gets_the_jp_report_as_summary_chart_and_file(
    api: LocalBotApi, session: AsyncSession
) -> None:
    await office(session)
    hr = await hr_phone(session, api)

    (menu,) = await say(hr, "/laporan")
    summary, chart, file = await press(hr, "📈 Kepatuhan 20 JP", count=3)

    assert len(menu.button_texts) == 6
    assert "0 dari 2 ASN mencapai 20 JP" in summary.plain_text
    assert chart.photo is not None
    assert chart.photo.startswith(SIGNATURE)
    assert [row[0] for row in rows(file, "di_bawah_target")[1:]] == [
        "199001012015051000",
        "199001012015052001",
    ]


async def test_hr_types_a_budget_and_gets_the_plan(api: LocalBotApi, session: AsyncSession) -> None:
    await office(session)
    hr = await hr_phone(session, api)
    await say(hr, "/laporan")
    await press(hr, "💰 Rencana anggaran")

    (again,) = await say(hr, "banyak")
    _, summary, file = await say(hr, "Rp 1.500.000 2026", count=3)

    assert "rupiah tanpa desimal" in again.plain_text
    assert "Bimtek Pelayanan Prima: 1 angkatan, 1 kursi, Rp1.000.000" in summary.plain_text
    assert rows(file, "peserta")[1][3] == "Bimtek Pelayanan Prima"


@pytest.mark.parametrize("action", ["jp", "gp", "ev", "rk", "nd", "pl"])
async def test_nobody_but_hr_gets_a_report(api: LocalBotApi, session: AsyncSession, action: str) -> None:
    await office(session)
    (employee,) = await make_employees(session, 1, first=5)
    asn = await linked_phone(session, api, employee, user_id=7005)

    (refusal,) = await say(asn, "/laporan")
    (settings,) = await say(asn, "/pengaturan")  # a message with buttons, to forge a press on
    await asn.press_forged(f"lap:{action}", message_id=settings.message_id)
    (again,) = await asn.wait_replies()

    assert "hanya tersedia bagi petugas" in refusal.plain_text
    assert "hanya tersedia bagi petugas" in again.plain_text
    assert not any(message.document for message in asn.history)


async def test_a_budget_typed_after_the_hr_role_is_gone_is_refused(
    api: LocalBotApi, session: AsyncSession
) -> None:
    await office(session)
    hr = await hr_phone(session, api)
    await say(hr, "/laporan")
    await press(hr, "💰 Rencana anggaran")
    await session.execute(delete(RoleGrant).where(RoleGrant.telegram_user_id == HR))
    await session.commit()

    (refusal,) = await say(hr, "250.000.000")

    assert "hanya tersedia bagi petugas" in refusal.plain_text
    assert not any(message.document for message in hr.history)


async def test_hr_invites_the_plans_participants_to_a_funded_event_in_one_step(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    await set_standard(session, DEFAULT_POSITION, {SERVICE: 3})
    chosen_one, chosen_two, met = await make_employees(session, 3)
    for employee in (chosen_one, chosen_two):
        await assess(session, employee, {SERVICE: 2}, on=date(2026, 2, 1))
    await assess(session, met, {SERVICE: 3}, on=date(2026, 2, 1))
    event = await make_event(
        session,
        "PRIMA-01",
        title="Pelatihan Pelayanan Prima",
        starts_at=wita(2026, 12, 14),
        competencies=[SERVICE],
    )
    await configure(session, event, cost=500_000)
    phones = [
        await linked_phone(session, api, e, user_id=700 + n)
        for n, e in enumerate((chosen_one, chosen_two, met))
    ]
    hr = await hr_phone(session, api)
    await say(hr, "/laporan")
    await press(hr, "💰 Rencana anggaran")

    *_, summary, _, offer = await say(hr, "Rp 1.000.000", count=4)
    assert "Pelatihan Pelayanan Prima: 1 angkatan, 2 kursi, Rp1.000.000" in summary.plain_text
    assert offer.button_texts == ["📣 Undang 2 peserta: Pelatihan Pelayanan Prima"]
    preview, announcement = await press(hr, "📣 Undang 2 peserta: Pelatihan Pelayanan Prima", count=2)
    assert "Bapak/Ibu terpilih" in preview.plain_text
    assert "PRIMA-01" in preview.plain_text
    assert "peserta terpilih rencana anggaran (2 ASN)" in announcement.plain_text
    assert "Jumlah: 2 orang" in announcement.plain_text
    await press(hr, "📤 Kirim sekarang")

    await Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, per_chat_interval=0.0).drain()

    for phone in phones[:2]:
        (received,) = await phone.wait_replies()
        assert received.plain_text == preview.plain_text
    assert phones[2].history == []
