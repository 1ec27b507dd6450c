"""Check-in and JP credit: the event's check-in code, `/hadir KODE` from 30 minutes before
the start to the end, an organizer marking attendance, and the JP credited once for it.
Attending also asks the ASN for a rating when the event ends. Wrong codes are limited per
Telegram user (`db.attempts`), so the 30-bit codes cannot be guessed by trying many at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db import attempts, audit, outbox
from db.attempts import Policy, Purpose
from db.learning import office_date
from db.models import (
    Event,
    EventStatus,
    LearningRecord,
    NotificationKind,
    Registration,
    TelegramAccount,
)
from db.registration._shared import (
    HOLDS_SEAT,
    Status,
    any_registration,
    atomic,
    dialect,
    fresh_event,
    readable_code,
    rowcount,
)
from db.registration.errors import (
    CheckInClosed,
    CheckInLocked,
    CheckInNotOpen,
    NotRegistered,
    UnknownCheckInCode,
)

#: Check-in opens this long before the event starts.
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
CHECKIN_CODE_LENGTH = 6


@dataclass(frozen=True, slots=True)
class CheckInResult:
    """A check-in: `already` when the ASN had checked in before; `jp_credited` this time."""

    registration_id: int
    event_id: int
    event_title: str
    already: bool
    jp_credited: int


async def issue_checkin_code(session: AsyncSession, *, event_id: int) -> str:
    """The event's check-in code: a short code, unique among events, made once and kept."""
    event = await fresh_event(session, event_id)
    if event.checkin_code is not None:
        return event.checkin_code
    while True:
        code = readable_code(CHECKIN_CODE_LENGTH)
        try:
            changed = await rowcount(
                session,
                update(Event)
                .where(Event.id == event_id, Event.checkin_code.is_(None))
                .values(checkin_code=code),
            )
            await session.commit()
        except IntegrityError:
            await session.rollback()
            continue
        if changed:
            return code
        return (await fresh_event(session, event_id)).checkin_code or code


async def _credit(
    session: AsyncSession, registration: Registration, event: Event, now: datetime, timezone: ZoneInfo
) -> tuple[bool, int]:
    """Mark attended and credit the JP, once: the status change is conditional and the
    learning record is guarded by the unique (employee, event) constraint."""
    attended = await rowcount(
        session,
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == Status.REGISTERED)
        .values(status=Status.ATTENDED, attended_at=now),
    )
    if not attended:
        return False, 0
    values = {
        "employee_id": registration.employee_id,
        "title": event.title,
        "organizer": event.organizer,
        "completed_on": office_date(event.ends_at, timezone),
        "jp": event.jp,
        "event_id": event.id,
    }
    insert = pg_insert if dialect(session) == "postgresql" else sqlite_insert
    result = cast(
        CursorResult[Any],
        await session.execute(insert(LearningRecord).values(**values).on_conflict_do_nothing()),
    )
    await _request_evaluation(session, registration, event, now)
    return True, event.jp if result.rowcount == 1 else 0


async def _request_evaluation(
    session: AsyncSession, registration: Registration, event: Event, now: datetime
) -> None:
    """Ask the attendee for a rating when the event ends, through the outbox (once per registration)."""
    chat_id = await session.scalar(
        select(TelegramAccount.chat_id).where(TelegramAccount.employee_id == registration.employee_id)
    )
    if chat_id is None:
        return
    await outbox.enqueue(
        session,
        chat_id=chat_id,
        kind=NotificationKind.EVALUATION,
        template="reg_rate_request",
        context={"title": event.title, "registration_id": registration.id},
        due_at=max(now, event.ends_at),
        dedupe_key=f"evaluation:{registration.id}",
    )


async def _event_of_code(
    session: AsyncSession, *, telegram_user_id: int, code: str, now: datetime, policy: Policy
) -> Event:
    """The event whose check-in code this is; a wrong code counts against the user's limit."""
    admission = await attempts.admit(
        session, telegram_user_id=telegram_user_id, purpose=Purpose.CHECKIN, now=now, policy=policy
    )
    if admission.attempt_id is None:
        raise CheckInLocked(admission.locked_until)
    event = await session.scalar(
        select(Event)
        .where(Event.checkin_code == code.strip().upper())
        .execution_options(populate_existing=True)
    )
    if event is None or event.status is EventStatus.CANCELLED:
        await attempts.settle(session, attempt_id=admission.attempt_id, reason=UnknownCheckInCode.reason)
        await session.commit()
        raise UnknownCheckInCode(code, admission.attempts_left)
    await attempts.forgive(session, attempt_id=admission.attempt_id)  # a real code is no guess
    await session.commit()
    return event


async def check_in(
    session: AsyncSession,
    *,
    employee_id: int,
    telegram_user_id: int,
    code: str,
    now: datetime,
    timezone: ZoneInfo,
    policy: Policy,
) -> CheckInResult:
    """`/hadir KODE`: valid from 30 minutes before the start to the end, for seat holders."""
    event = await _event_of_code(
        session, telegram_user_id=telegram_user_id, code=code, now=now, policy=policy
    )
    opens_at = event.starts_at - CHECKIN_OPENS_BEFORE
    if now < opens_at:
        raise CheckInNotOpen(opens_at)
    if now > event.ends_at:
        raise CheckInClosed(event.ends_at)
    registration = await session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.employee_id == employee_id)
        .execution_options(populate_existing=True)
    )
    if registration is None or registration.status not in HOLDS_SEAT:
        raise NotRegistered(registration.status if registration is not None else None)
    if registration.status is Status.ATTENDED:
        return CheckInResult(registration.id, event.id, event.title, already=True, jp_credited=0)
    async with atomic(session):
        attended, jp = await _credit(session, registration, event, now, timezone)
    return CheckInResult(registration.id, event.id, event.title, already=not attended, jp_credited=jp)


async def mark_attended(
    session: AsyncSession, *, registration_id: int, actor: int | None, now: datetime, timezone: ZoneInfo
) -> CheckInResult:
    """An organizer marks a seat holder as attended (credits the JP once)."""
    registration = await any_registration(session, registration_id)
    event = await fresh_event(session, registration.event_id)
    if registration.status not in HOLDS_SEAT:
        raise NotRegistered(registration.status)
    if registration.status is Status.ATTENDED:
        return CheckInResult(registration.id, event.id, event.title, already=True, jp_credited=0)
    async with atomic(session):
        attended, jp = await _credit(session, registration, event, now, timezone)
        audit.record(
            session,
            action="registration.attended",
            actor_telegram_id=actor,
            subject=f"registration:{registration_id}",
            details={"event_id": event.id},
        )
    return CheckInResult(registration.id, event.id, event.title, already=not attended, jp_credited=jp)
