"""Account linking, the security boundary: a Telegram user sees an ASN's data only after
proving to be that ASN — by a contact shared through Telegram's own button whose
`user_id` is the sender and whose phone matches the roster, or by a one-time code HR
issued. Knowing a NIP is never enough. Guesses are limited per Telegram user (`db.attempts`):
every NIP submitted counts (with the contact that follows it), and so does every code; a NIP
someone else has linked is answered like any other on the roster, and only the person who
then proves to be its owner learns that it is taken.

The flow's state lives in `conversation_states`, so a restart resumes where the user was.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import attempts, audit, conversation
from db.accounts import ensure_account
from db.attempts import Admission, Policy, Purpose
from db.identity import normalize_phone, parse_nip
from db.models import Employee, LinkAttempt, LinkCode, TelegramAccount

FLOW = "link"
STEP_NIP = "nip"
STEP_CONTACT = "contact"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
#: The reason of a NIP guess that found the NIP, until the contact that follows settles it.
NIP_FOUND = "nip_found"
#: Digits that make a message at the contact step a phone number typed instead of shared.
TYPED_NUMBER_DIGITS = 6


class Outcome(enum.StrEnum):
    """What a linking step came to; each has its own message for the user."""

    ASK_NIP = "ask_nip"
    ASK_CONTACT = "ask_contact"
    LINKED = "linked"
    ALREADY_LINKED = "already_linked"
    NIP_MISSING = "nip_missing"
    NIP_MALFORMED = "nip_malformed"
    NIP_IMPOSSIBLE = "nip_impossible"
    NIP_UNKNOWN = "nip_unknown"
    EMPLOYEE_TAKEN = "employee_taken"
    CONTACT_NOT_OWN = "contact_not_own"
    PHONE_MISMATCH = "phone_mismatch"
    CODE_INVALID = "code_invalid"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    LOCKED = "locked"
    NOT_LINKING = "not_linking"


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of a step, the employee when linked, and until when a lock lasts."""

    outcome: Outcome
    employee: Employee | None = None
    locked_until: datetime | None = None
    attempts_left: int | None = None


def hash_code(code: str) -> str:
    """Codes are stored hashed: a leaked database does not leak usable codes."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def looks_like_code(text: str) -> bool:
    """Is this `/start` payload shaped like a one-time link code?"""
    candidate = text.strip().upper()
    return len(candidate) == CODE_LENGTH and all(c in CODE_ALPHABET for c in candidate)


def typed_a_number(text: str) -> bool:
    """Is this message, where the contact button was asked for, a phone number typed instead?
    (Only then is "use the button, not the keyboard" the answer; other words get a reminder.)"""
    return sum(ch.isascii() and ch.isdigit() for ch in text) >= TYPED_NUMBER_DIGITS


async def current_step(session: AsyncSession, *, telegram_user_id: int) -> str | None:
    """The linking step this user is at, or None when not linking."""
    state = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    return state.step if state is not None else None


async def _lock_state(
    session: AsyncSession, telegram_user_id: int, now: datetime, policy: Policy
) -> tuple[datetime | None, int]:
    """(locked until, guesses left) from the guesses within the window."""
    return await attempts.lock_state(
        session, telegram_user_id=telegram_user_id, purpose=Purpose.LINK, now=now, policy=policy
    )


async def _admit(session: AsyncSession, telegram_user_id: int, now: datetime, policy: Policy) -> Admission:
    """Count this guess before evaluating it; a refused one ends the linking flow."""
    admission = await attempts.admit(
        session, telegram_user_id=telegram_user_id, purpose=Purpose.LINK, now=now, policy=policy
    )
    if admission.attempt_id is None:
        await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
        await session.commit()
    return admission


def _locked(admission: Admission) -> Result:
    return Result(Outcome.LOCKED, locked_until=admission.locked_until, attempts_left=0)


async def _fail(
    session: AsyncSession,
    telegram_user_id: int,
    attempt_id: int,
    outcome: Outcome,
    now: datetime,
    policy: Policy,
) -> Result:
    await attempts.settle(session, attempt_id=attempt_id, reason=outcome.value)
    locked_until, left = await _lock_state(session, telegram_user_id, now, policy)
    if locked_until is not None:
        await conversation.leave(session, telegram_user_id=telegram_user_id)
    audit.record(
        session, action="link.failed", actor_telegram_id=telegram_user_id, details={"reason": outcome.value}
    )
    await session.commit()
    return Result(outcome, locked_until=locked_until, attempts_left=left)


async def _set_state(session: AsyncSession, telegram_user_id: int, step: str, data: dict[str, int]) -> None:
    await conversation.enter(session, telegram_user_id=telegram_user_id, flow=FLOW, step=step, data=data)


async def _linked_employee(session: AsyncSession, telegram_user_id: int) -> Employee | None:
    account = await session.get(TelegramAccount, telegram_user_id)
    if account is None or account.employee_id is None:
        return None
    return await session.get(Employee, account.employee_id)


async def begin(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    chat_id: int,
    language: str,
    now: datetime,
    policy: Policy,
) -> Result:
    """`/start` without a code: ask for the NIP (or say the account is already linked)."""
    stop, left = await _start_attempt(session, telegram_user_id, chat_id, language, now, policy)
    if stop is not None:
        return stop
    await _set_state(session, telegram_user_id, STEP_NIP, {})
    await session.commit()
    return Result(Outcome.ASK_NIP, attempts_left=left)


async def _start_attempt(
    session: AsyncSession, telegram_user_id: int, chat_id: int, language: str, now: datetime, policy: Policy
) -> tuple[Result | None, int]:
    """Make sure the account row exists; (a Result when linking cannot go on, attempts left)."""
    await ensure_account(session, telegram_user_id=telegram_user_id, chat_id=chat_id, language=language)
    employee = await _linked_employee(session, telegram_user_id)
    locked_until, left = await _lock_state(session, telegram_user_id, now, policy)
    if employee is None and locked_until is None:
        return None, left
    await session.commit()
    if employee is not None:
        return Result(Outcome.ALREADY_LINKED, employee=employee), left
    return Result(Outcome.LOCKED, locked_until=locked_until), left


async def submit_nip(
    session: AsyncSession, *, telegram_user_id: int, text: str, now: datetime, policy: Policy
) -> Result:
    """The NIP step: well-formed, possible dates, on the roster. Every NIP counts as a guess,
    found or not, and one linked to someone else is answered like any other on the roster."""
    if await current_step(session, telegram_user_id=telegram_user_id) != STEP_NIP:
        return Result(Outcome.NOT_LINKING)
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if not digits:
        return Result(Outcome.NIP_MISSING)
    if len(digits) != 18 or any(ch.isalpha() for ch in text):
        return Result(Outcome.NIP_MALFORMED)
    nip = parse_nip(digits)
    if nip is None:
        return Result(Outcome.NIP_IMPOSSIBLE)
    admission = await _admit(session, telegram_user_id, now, policy)
    if admission.attempt_id is None:
        return _locked(admission)
    employee = await session.scalar(select(Employee).where(Employee.nip == nip.value))
    if employee is None:
        return await _fail(session, telegram_user_id, admission.attempt_id, Outcome.NIP_UNKNOWN, now, policy)
    await attempts.settle(session, attempt_id=admission.attempt_id, reason=NIP_FOUND)
    data = {"employee_id": employee.id, "attempt_id": admission.attempt_id}
    await _set_state(session, telegram_user_id, STEP_CONTACT, data)
    await session.commit()
    return Result(Outcome.ASK_CONTACT, attempts_left=admission.attempts_left)


async def _contact_attempt(
    session: AsyncSession, telegram_user_id: int, nip_attempt: int, now: datetime, policy: Policy
) -> Admission:
    """The first contact after a NIP is part of that NIP's guess (taken over by one conditional
    UPDATE, so parallel contacts cannot share it); any further contact is a guess of its own."""
    taken_over = await session.execute(
        update(LinkAttempt)
        .where(LinkAttempt.id == nip_attempt, LinkAttempt.reason == NIP_FOUND)
        .values(reason=attempts.PENDING)
        .returning(LinkAttempt.id)
    )
    if taken_over.scalar_one_or_none() is not None:
        await session.commit()
        _, left = await _lock_state(session, telegram_user_id, now, policy)
        return Admission(nip_attempt, left)
    return await _admit(session, telegram_user_id, now, policy)


async def submit_contact(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    contact_user_id: int | None,
    phone_number: str,
    now: datetime,
    policy: Policy,
) -> Result:
    """The contact step: the contact must be the sender's own, its phone the roster's."""
    state = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    if state is None or state.step != STEP_CONTACT:
        return Result(Outcome.NOT_LINKING)
    admission = await _contact_attempt(
        session, telegram_user_id, int(state.data.get("attempt_id", 0)), now, policy
    )
    if admission.attempt_id is None:
        return _locked(admission)
    if contact_user_id != telegram_user_id:
        return await _fail(
            session, telegram_user_id, admission.attempt_id, Outcome.CONTACT_NOT_OWN, now, policy
        )
    employee = await session.get(Employee, int(state.data["employee_id"]))
    if employee is None or normalize_phone(phone_number) != employee.phone:
        return await _fail(
            session, telegram_user_id, admission.attempt_id, Outcome.PHONE_MISMATCH, now, policy
        )
    return await _link(
        session, telegram_user_id, employee, now, admission.attempt_id, method="contact", policy=policy
    )


async def _link(
    session: AsyncSession,
    telegram_user_id: int,
    employee: Employee,
    now: datetime,
    attempt_id: int,
    *,
    method: str,
    policy: Policy,
) -> Result:
    """Link the proven person; an employee linked to another account is told only to them."""
    holder = await session.scalar(
        select(TelegramAccount.telegram_user_id).where(TelegramAccount.employee_id == employee.id)
    )
    if holder is not None and holder != telegram_user_id:
        return await _fail(session, telegram_user_id, attempt_id, Outcome.EMPLOYEE_TAKEN, now, policy)
    account = await session.get(TelegramAccount, telegram_user_id)
    if account is None:
        raise LookupError("linking without an account row; begin() creates it")
    account.employee_id = employee.id
    account.linked_at = now
    await attempts.settle(session, attempt_id=attempt_id, reason=Outcome.LINKED.value)
    await conversation.leave(session, telegram_user_id=telegram_user_id)
    audit.record(
        session,
        action="account.linked",
        actor_telegram_id=telegram_user_id,
        subject=f"employee:{employee.id}",
        details={"method": method},
    )
    await session.commit()
    return Result(Outcome.LINKED, employee=employee)


async def redeem_code(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    chat_id: int,
    language: str,
    code: str,
    now: datetime,
    policy: Policy,
) -> Result:
    """`/start CODE`: link with a one-time code from HR (single use, expires); every code counts."""
    stop, _ = await _start_attempt(session, telegram_user_id, chat_id, language, now, policy)
    if stop is not None:
        return stop
    admission = await _admit(session, telegram_user_id, now, policy)
    if admission.attempt_id is None:
        return _locked(admission)
    # Claiming the code is one conditional UPDATE, so two people racing with it cannot both win.
    claimed = await session.execute(
        update(LinkCode)
        .where(LinkCode.code_hash == hash_code(code), LinkCode.used_at.is_(None), LinkCode.expires_at > now)
        .values(used_at=now, used_by=telegram_user_id)
        .returning(LinkCode.employee_id)
    )
    employee_id = claimed.scalar_one_or_none()
    if employee_id is None:
        known = await session.scalar(select(LinkCode).where(LinkCode.code_hash == hash_code(code)))
        if known is None:
            outcome = Outcome.CODE_INVALID
        elif known.used_at is not None:
            outcome = Outcome.CODE_USED
        else:
            outcome = Outcome.CODE_EXPIRED
        return await _fail(session, telegram_user_id, admission.attempt_id, outcome, now, policy)
    employee = await session.get(Employee, employee_id)
    if employee is None:
        raise LookupError("a link code points at a removed employee")
    return await _link(
        session, telegram_user_id, employee, now, admission.attempt_id, method="code", policy=policy
    )


async def issue_code(
    session: AsyncSession, *, nip: str, now: datetime, ttl: timedelta, issued_by: int | None = None
) -> tuple[str, datetime] | None:
    """A fresh one-time code for an employee (None when the NIP is not on the roster)."""
    employee = await session.scalar(select(Employee).where(Employee.nip == nip))
    if employee is None:
        return None
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = now + ttl
    session.add(LinkCode(code_hash=hash_code(code), employee_id=employee.id, expires_at=expires_at))
    audit.record(
        session, action="link_code.issued", actor_telegram_id=issued_by, subject=f"employee:{employee.id}"
    )
    await session.commit()
    return code, expires_at


async def cancel(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Leave the linking flow."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()
