"""A PPPK links their account with their NI PPPK and their own contact, as a PNS does with a NIP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db import linking
from db.attempts import Policy
from db.linking import Outcome
from db.models import EmploymentStatus, TelegramAccount
from tests.utils.employees import VERONIKA_NI_PPPK, make_employee

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
POLICY = Policy(max_failures=3, window=timedelta(hours=1))
ME = 5002


async def test_a_pppk_links_with_their_ni_pppk_written_as_on_their_contract(session: AsyncSession) -> None:
    nurse = await make_employee(
        session, nip=VERONIKA_NI_PPPK, name="Veronika Seran", rank="IX", status=EmploymentStatus.PPPK
    )
    await linking.begin(session, telegram_user_id=ME, chat_id=ME, language="id", now=NOW, policy=POLICY)

    asked = await linking.submit_nip(
        session, telegram_user_id=ME, text="19950315 2023 21 2 013", now=NOW, policy=POLICY
    )
    linked = await linking.submit_contact(
        session, telegram_user_id=ME, contact_user_id=ME, phone_number=nurse.phone, now=NOW, policy=POLICY
    )

    assert (asked.outcome, linked.outcome) == (Outcome.ASK_CONTACT, Outcome.LINKED)
    account = await session.get(TelegramAccount, ME)
    assert account is not None
    assert account.employee_id == nurse.id


async def test_an_ni_pppk_with_an_impossible_birth_date_is_explained(session: AsyncSession) -> None:
    await linking.begin(session, telegram_user_id=ME, chat_id=ME, language="id", now=NOW, policy=POLICY)

    result = await linking.submit_nip(
        session, telegram_user_id=ME, text="199502302023212013", now=NOW, policy=POLICY
    )

    assert result.outcome is Outcome.NIP_IMPOSSIBLE
