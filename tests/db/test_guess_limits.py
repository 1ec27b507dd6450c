"""Guess limits hold when the guesses come all at once: sixty wrong `/start CODE`, sixty NIPs
or a hundred `/hadir` codes sent in parallel are evaluated at most as often as the limit
allows; the others are refused without being looked at (issue #15, point 7). On SQLite and
on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import linking, registration
from db.attempts import Policy
from db.engine import SessionFactory
from db.linking import Outcome
from db.models import AuditLog, Employee, LinkAttempt, TelegramAccount
from db.registration import CheckInLocked, CheckInResult, RegistrationError, UnknownCheckInCode
from tests.utils.employees import MARIA_NIP, make_employee, nip_for
from tests.utils.events import make_event
from tests.utils.office_time import WITA, wita

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
LINKING = Policy()  # the defaults: 5 in an hour
CHECKIN = Policy(max_failures=10, window=timedelta(minutes=30))
GUESSER = 4242


async def _account(session: AsyncSession, user: int = GUESSER) -> None:
    session.add(TelegramAccount(telegram_user_id=user, chat_id=user, language="id"))
    await session.commit()


async def _failures_recorded(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).where(AuditLog.action == "link.failed")) or 0


async def test_sixty_wrong_codes_at_once_are_evaluated_at_most_five_times(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    await make_employee(session)
    await _account(session)
    codes = [f"ABCD{n:04d}".replace("0", "Q").replace("1", "R") for n in range(60)]

    async def guess(code: str) -> Outcome:
        async with sessions() as own:
            result = await linking.redeem_code(
                own,
                telegram_user_id=GUESSER,
                chat_id=GUESSER,
                language="id",
                code=code,
                now=NOW,
                policy=LINKING,
            )
            return result.outcome

    outcomes = await asyncio.gather(*(guess(code) for code in codes))
    evaluated = outcomes.count(Outcome.CODE_INVALID)
    assert evaluated <= LINKING.max_failures
    assert outcomes.count(Outcome.LOCKED) == len(codes) - evaluated
    # Whatever the burst left of the limit is all there is: the same guesses one by one after it.
    one_by_one = [await guess(code) for code in codes]
    assert evaluated + one_by_one.count(Outcome.CODE_INVALID) == LINKING.max_failures
    assert await _failures_recorded(session) == LINKING.max_failures
    kept = await session.scalar(select(func.count()).select_from(LinkAttempt))
    assert kept == LINKING.max_failures  # refused guesses were not evaluated and do not lengthen the wait


async def test_sixty_nips_at_once_are_evaluated_at_most_five_times(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    await make_employee(session)
    await linking.begin(
        session, telegram_user_id=GUESSER, chat_id=GUESSER, language="id", now=NOW, policy=LINKING
    )
    nips = [MARIA_NIP] + [nip_for(n) for n in range(59)]  # one on the roster, 59 not

    async def guess(nip: str) -> Outcome:
        async with sessions() as own:
            result = await linking.submit_nip(
                own, telegram_user_id=GUESSER, text=nip, now=NOW, policy=LINKING
            )
            return result.outcome

    outcomes = await asyncio.gather(*(guess(nip) for nip in nips))

    evaluated = outcomes.count(Outcome.NIP_UNKNOWN) + outcomes.count(Outcome.ASK_CONTACT)
    assert evaluated <= LINKING.max_failures
    assert outcomes.count(Outcome.LOCKED) + outcomes.count(Outcome.NOT_LINKING) == len(nips) - evaluated
    assert await session.scalar(select(func.count()).select_from(LinkAttempt)) == evaluated


async def _attendee(session: AsyncSession) -> tuple[Employee, str]:
    """Maria, registered for a training going on now, and its check-in code."""
    maria = await make_employee(session)
    event = await make_event(session, "PKA-2026", starts_at=wita(2026, 12, 14, 9))
    await registration.register(session, event_id=event.id, employee_id=maria.id, now=wita(2026, 12, 1, 9))
    return maria, await registration.issue_checkin_code(session, event_id=event.id)


async def test_a_hundred_wrong_checkin_codes_at_once_are_evaluated_at_most_ten_times(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    maria, _ = await _attendee(session)
    during = wita(2026, 12, 14, 10)
    guesses = [f"Q{n:05d}".replace("0", "Z").replace("1", "Y") for n in range(100)]

    async def guess(attempt: str) -> type[RegistrationError] | CheckInResult:
        async with sessions() as own:
            try:
                return await registration.check_in(
                    own,
                    employee_id=maria.id,
                    telegram_user_id=GUESSER,
                    code=attempt,
                    now=during,
                    timezone=WITA,
                    policy=CHECKIN,
                )
            except RegistrationError as refusal:
                return type(refusal)

    outcomes = await asyncio.gather(*(guess(attempt) for attempt in guesses))

    evaluated = outcomes.count(UnknownCheckInCode)
    assert evaluated <= CHECKIN.max_failures
    assert outcomes.count(CheckInLocked) == len(guesses) - evaluated
    one_by_one = [await guess(attempt) for attempt in guesses]
    assert evaluated + one_by_one.count(UnknownCheckInCode) == CHECKIN.max_failures


async def test_wrong_checkin_codes_lock_even_the_right_one_for_a_while(session: AsyncSession) -> None:
    maria, code = await _attendee(session)
    strict = Policy(max_failures=3, window=timedelta(minutes=30))
    during = wita(2026, 12, 14, 10)

    async def hadir(attempt: str, at: datetime = during) -> CheckInResult:
        return await registration.check_in(
            session,
            employee_id=maria.id,
            telegram_user_id=GUESSER,
            code=attempt,
            now=at,
            timezone=WITA,
            policy=strict,
        )

    for left in (2, 1, 0):
        with pytest.raises(UnknownCheckInCode) as wrong:
            await hadir("ZZZZZZ")
        assert wrong.value.attempts_left == left
    with pytest.raises(CheckInLocked) as locked:
        await hadir(code)
    assert locked.value.until == during + strict.window
    result = await hadir(code, during + strict.window + timedelta(seconds=1))
    assert result.jp_credited > 0


async def test_the_right_checkin_code_costs_no_attempt(session: AsyncSession) -> None:
    maria, code = await _attendee(session)
    strict = Policy(max_failures=2, window=timedelta(minutes=30))
    during = wita(2026, 12, 14, 10)
    for _ in range(5):  # pressing /hadir again and again with the right code
        await registration.check_in(
            session,
            employee_id=maria.id,
            telegram_user_id=GUESSER,
            code=code,
            now=during,
            timezone=WITA,
            policy=strict,
        )
    assert await session.scalar(select(func.count()).select_from(LinkAttempt)) == 0
