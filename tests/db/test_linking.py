"""Linking is the security boundary: only the ASN themself, proven by their own contact
or by HR's one-time code, gets linked; guessing is slowed down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import accounts, linking
from db.attempts import Policy
from db.linking import Outcome
from db.models import ConversationState, LinkAttempt, LinkCode, TelegramAccount
from tests.utils.employees import MARIA_NIP, MARIA_PHONE, make_employee, make_employees

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
POLICY = Policy(max_failures=3, window=timedelta(hours=1))
ME = 5001


async def _begin(session: AsyncSession, user: int = ME, now: datetime = NOW) -> linking.Result:
    return await linking.begin(
        session, telegram_user_id=user, chat_id=user, language="id", now=now, policy=POLICY
    )


async def _nip(session: AsyncSession, text: str, user: int = ME, now: datetime = NOW) -> linking.Result:
    return await linking.submit_nip(session, telegram_user_id=user, text=text, now=now, policy=POLICY)


async def _contact(
    session: AsyncSession, phone: str, *, owner: int | None = ME, user: int = ME, now: datetime = NOW
) -> linking.Result:
    return await linking.submit_contact(
        session, telegram_user_id=user, contact_user_id=owner, phone_number=phone, now=now, policy=POLICY
    )


async def test_an_asn_links_with_nip_and_own_contact(session: AsyncSession) -> None:
    employee = await make_employee(session)
    assert (await _begin(session)).outcome is Outcome.ASK_NIP
    assert (await _nip(session, MARIA_NIP)).outcome is Outcome.ASK_CONTACT
    result = await _contact(session, "+62 812-3456-7890")
    assert result.outcome is Outcome.LINKED
    account = await session.get(TelegramAccount, ME)
    assert account is not None
    assert account.employee_id == employee.id
    assert await session.get(ConversationState, ME) is None


async def test_knowing_a_nip_and_sharing_someone_elses_contact_is_not_enough(session: AsyncSession) -> None:
    await make_employee(session)
    await _begin(session)
    await _nip(session, MARIA_NIP)
    result = await _contact(session, MARIA_PHONE, owner=9999)
    assert result.outcome is Outcome.CONTACT_NOT_OWN
    assert (await _contact(session, MARIA_PHONE, owner=None)).outcome is Outcome.CONTACT_NOT_OWN
    account = await session.get(TelegramAccount, ME)
    assert account is not None
    assert account.employee_id is None


async def test_a_phone_that_differs_from_the_roster_is_refused(session: AsyncSession) -> None:
    await make_employee(session)
    await _begin(session)
    await _nip(session, MARIA_NIP)
    result = await _contact(session, "081299990000")
    assert result.outcome is Outcome.PHONE_MISMATCH
    assert result.attempts_left == POLICY.max_failures - 1


async def test_malformed_and_impossible_nips_are_explained_without_counting(session: AsyncSession) -> None:
    await make_employee(session)
    await _begin(session)
    assert (await _nip(session, "12345")).outcome is Outcome.NIP_MALFORMED
    assert (await _nip(session, "19860926201505200X")).outcome is Outcome.NIP_MALFORMED
    assert (await _nip(session, "198602302015052001")).outcome is Outcome.NIP_IMPOSSIBLE
    result = await _nip(session, "198701012015052001")
    assert result.outcome is Outcome.NIP_UNKNOWN
    assert result.attempts_left == POLICY.max_failures - 1


async def test_repeated_failures_lock_the_user_out_for_a_while(session: AsyncSession) -> None:
    await make_employee(session)
    await _begin(session)
    for minute in range(POLICY.max_failures):
        result = await _nip(session, "198701012015052001", now=NOW + timedelta(minutes=minute))
    # Locked until the oldest failure in the window ages out of it.
    assert result.locked_until == NOW + POLICY.window
    later = NOW + timedelta(minutes=10)
    assert (await _begin(session, now=later)).outcome is Outcome.LOCKED
    assert (await _nip(session, MARIA_NIP, now=later)).outcome is Outcome.NOT_LINKING
    assert (await _begin(session, now=NOW + timedelta(hours=2))).outcome is Outcome.ASK_NIP


async def test_one_employee_links_to_one_telegram_account(session: AsyncSession) -> None:
    await make_employee(session)
    await _begin(session)
    await _nip(session, MARIA_NIP)
    await _contact(session, MARIA_PHONE)
    other = 6002
    await _begin(session, user=other)
    # A NIP someone has linked is answered like any NIP on the roster: it tells nobody who linked.
    assert (await _nip(session, MARIA_NIP, user=other)).outcome is Outcome.ASK_CONTACT
    stranger = await _contact(session, "081299990000", owner=other, user=other)
    assert stranger.outcome is Outcome.PHONE_MISMATCH
    await _begin(session, user=other)
    await _nip(session, MARIA_NIP, user=other)
    # Only someone who proves to be Maria (her roster phone on their own account) learns it is taken.
    owner = await _contact(session, MARIA_PHONE, owner=other, user=other)
    assert owner.outcome is Outcome.EMPLOYEE_TAKEN
    assert (await _begin(session)).outcome is Outcome.ALREADY_LINKED


async def test_every_nip_counts_even_one_on_the_roster(session: AsyncSession) -> None:
    """One user could confirm 20 roster NIPs one after another: a found NIP cost no attempt."""
    employees = await make_employees(session, 20)
    confirmed = 0
    for employee in employees:
        if (await _begin(session)).outcome is Outcome.LOCKED:
            break
        result = await _nip(session, employee.nip)
        if result.outcome is Outcome.ASK_CONTACT:
            confirmed += 1
        else:
            assert result.outcome is Outcome.LOCKED
            break
    assert confirmed == POLICY.max_failures
    assert (await _begin(session)).outcome is Outcome.LOCKED


async def test_a_nip_and_the_contact_that_follows_are_one_attempt(session: AsyncSession) -> None:
    await make_employee(session)
    await _begin(session)
    assert (await _nip(session, MARIA_NIP)).attempts_left == POLICY.max_failures - 1
    mismatch = await _contact(session, "081299990000")
    assert mismatch.outcome is Outcome.PHONE_MISMATCH
    assert mismatch.attempts_left == POLICY.max_failures - 1
    again = await _contact(session, "081299990001")  # a further contact is a guess of its own
    assert again.attempts_left == POLICY.max_failures - 2
    assert (await _contact(session, MARIA_PHONE)).outcome is Outcome.LINKED


async def test_a_one_time_code_links_once_and_only_before_it_expires(session: AsyncSession) -> None:
    employee = await make_employee(session)
    issued = await linking.issue_code(session, nip=MARIA_NIP, now=NOW, ttl=timedelta(hours=72))
    assert issued is not None
    code, expires_at = issued
    assert expires_at == NOW + timedelta(hours=72)

    async def redeem(user: int, at: datetime, with_code: str = code) -> linking.Result:
        return await linking.redeem_code(
            session, telegram_user_id=user, chat_id=user, language="id", code=with_code, now=at, policy=POLICY
        )

    result = await redeem(ME, NOW + timedelta(hours=1), code.lower())
    assert result.outcome is Outcome.LINKED
    assert result.employee is not None
    assert result.employee.id == employee.id
    assert (await redeem(7003, NOW + timedelta(hours=2))).outcome is Outcome.CODE_USED

    await accounts.erase(session, telegram_user_id=ME, now=NOW)
    late = await linking.issue_code(session, nip=MARIA_NIP, now=NOW, ttl=timedelta(hours=1))
    assert late is not None
    assert (await redeem(ME, NOW + timedelta(hours=2), late[0])).outcome is Outcome.CODE_EXPIRED
    assert (await redeem(ME, NOW, "ZZZZZZZZ")).outcome is Outcome.CODE_INVALID


async def test_codes_are_stored_only_as_hashes(session: AsyncSession) -> None:
    await make_employee(session)
    issued = await linking.issue_code(session, nip=MARIA_NIP, now=NOW, ttl=timedelta(hours=1))
    assert issued is not None
    stored = await session.scalar(select(LinkCode.code_hash))
    assert stored == linking.hash_code(issued[0])
    assert issued[0] not in (stored or "")


async def test_erasing_unlinks_but_keeps_the_failure_record(session: AsyncSession) -> None:
    await make_employee(session)
    await _begin(session)
    await _nip(session, "198701012015052001")
    await _nip(session, MARIA_NIP)
    await _contact(session, MARIA_PHONE)
    assert await accounts.erase(session, telegram_user_id=ME, now=NOW) is True
    assert await session.get(TelegramAccount, ME) is None
    assert await session.scalar(select(func.count()).select_from(LinkAttempt)) == 2  # both guesses
