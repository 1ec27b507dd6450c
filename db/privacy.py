"""UU PDP (Law 27/2022): what the bot holds about one person, as a copy for them, and what
erasing a chat removes or anonymises.

`personal_data` is the right of access: the Telegram account and its settings, the roster
profile, registrations with ratings and comments, learning hours (JP), assessments, the
notifications sent to the chat, reminders, guesses while linking or checking in, and the
audit entries of what the person did.

`forget_chat` is the part of `/hapus_data` that cuts the ties between the chat and the
employee: outbox rows keep their kind, state and times (HR's delivery figures) but lose the
chat id, the text and the template's data; audit entries and used link codes lose the
Telegram id. The employee's record (profile, registrations, attendance, JP, certificates,
assessments, rating comments) is HR's and stays: the civil-service record keeps it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from db import conversation
from db.models import (
    Assessment,
    AuditLog,
    Competency,
    Employee,
    Event,
    LearningRecord,
    LinkAttempt,
    LinkCode,
    NotificationPreference,
    OutboxMessage,
    Registration,
    Reminder,
    RoleGrant,
    TelegramAccount,
)

#: The chat id of outbox rows whose chat was erased: Telegram never gives out chat id 0.
ERASED_CHAT = 0

Record = dict[str, Any]


def _plain(value: object) -> object:
    """Dates as ISO text and enums as their value, so the copy is plain JSON."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return getattr(value, "value", value)


def _row(**values: object) -> Record:
    return {key: _plain(value) for key, value in values.items()}


async def personal_data(session: AsyncSession, *, telegram_user_id: int, now: datetime) -> Record:
    """Everything the bot holds about this Telegram user and, when linked, their employee."""
    account = await session.scalar(
        select(TelegramAccount)
        .where(TelegramAccount.telegram_user_id == telegram_user_id)
        .options(
            joinedload(TelegramAccount.employee).joinedload(Employee.position),
            joinedload(TelegramAccount.employee).joinedload(Employee.unit),
        )
    )
    data: Record = {"generated_at": now.isoformat(), "telegram_user_id": telegram_user_id}
    data["account"] = await _account(session, account) if account is not None else None
    employee = account.employee if account is not None else None
    data["profile"] = _profile(employee) if employee is not None else None
    if employee is not None:
        data["registrations"] = await _registrations(session, employee.id)
        data["learning_records"] = await _learning(session, employee.id)
        data["assessments"] = await _assessments(session, employee.id)
        data["reminders"] = await _reminders(session, employee.id)
    data["notifications"] = await _notifications(session, account.chat_id) if account is not None else []
    data["guesses"] = await _guesses(session, telegram_user_id)
    data["audit"] = await _audit(session, telegram_user_id)
    step = await conversation.current(session, telegram_user_id=telegram_user_id)
    data["awaiting_input"] = _row(flow=step.flow, step=step.step) if step is not None else None
    return data


async def _account(session: AsyncSession, account: TelegramAccount) -> Record:
    preferences = await session.execute(
        select(NotificationPreference.kind, NotificationPreference.enabled).where(
            NotificationPreference.telegram_user_id == account.telegram_user_id
        )
    )
    roles = await session.execute(
        select(RoleGrant.role, RoleGrant.organizer).where(
            RoleGrant.telegram_user_id == account.telegram_user_id
        )
    )
    return _row(
        chat_id=account.chat_id,
        language=account.language,
        created_at=account.created_at,
        linked_at=account.linked_at,
        blocked_at=account.blocked_at,
        notifications_turned_off=[_plain(kind) for kind, enabled in preferences.tuples() if not enabled],
        roles=[_row(role=role, organizer=organizer) for role, organizer in roles.tuples()],
    )


def _profile(employee: Employee) -> Record:
    return _row(
        nip=employee.nip,
        name=employee.name,
        position=employee.position.name,
        position_type=employee.position_type,
        unit=employee.unit.name,
        rank=employee.rank,
        phone=employee.phone,
        email=employee.email,
        updated_at=employee.updated_at,
    )


async def _registrations(session: AsyncSession, employee_id: int) -> list[Record]:
    rows = await session.execute(
        select(Registration, Event.code, Event.title, Event.organizer, Event.starts_at)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.employee_id == employee_id)
        .order_by(Event.starts_at, Registration.id)
    )
    return [
        _row(
            event_code=code,
            event_title=title,
            organizer=organizer,
            starts_at=starts_at,
            status=reg.status,
            registered_at=reg.registered_at,
            confirmed_at=reg.confirmed_at,
            cancelled_at=reg.cancelled_at,
            attended_at=reg.attended_at,
            rating=reg.rating,
            comment=reg.comment,
            certificate_code=reg.certificate_code,
        )
        for reg, code, title, organizer, starts_at in rows.tuples()
    ]


async def _learning(session: AsyncSession, employee_id: int) -> list[Record]:
    records = await session.scalars(
        select(LearningRecord)
        .where(LearningRecord.employee_id == employee_id)
        .order_by(LearningRecord.completed_on, LearningRecord.id)
    )
    return [_row(title=r.title, organizer=r.organizer, completed_on=r.completed_on, jp=r.jp) for r in records]


async def _assessments(session: AsyncSession, employee_id: int) -> list[Record]:
    rows = await session.execute(
        select(Competency.name, Assessment.level, Assessment.assessed_on, Assessment.method)
        .join(Competency, Competency.id == Assessment.competency_id)
        .where(Assessment.employee_id == employee_id)
        .order_by(Assessment.assessed_on, Competency.name)
    )
    return [
        _row(competency=name, level=level, assessed_on=on, method=method)
        for name, level, on, method in rows.tuples()
    ]


async def _reminders(session: AsyncSession, employee_id: int) -> list[Record]:
    rows = await session.execute(
        select(Reminder.kind, Event.code, Reminder.due_at, Reminder.withdrawn_at)
        .outerjoin(Event, Event.id == Reminder.event_id)
        .where(Reminder.employee_id == employee_id)
        .order_by(Reminder.due_at, Reminder.id)
    )
    return [
        _row(kind=kind, event_code=code, due_at=due, withdrawn_at=withdrawn)
        for kind, code, due, withdrawn in rows.tuples()
    ]


async def _notifications(session: AsyncSession, chat_id: int) -> list[Record]:
    rows = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
    )
    return [
        _row(
            kind=m.kind,
            state=m.state,
            due_at=m.due_at,
            sent_at=m.sent_at,
            text=m.text,
            template=m.template,
            data=m.context,
        )
        for m in rows
    ]


async def _guesses(session: AsyncSession, telegram_user_id: int) -> list[Record]:
    rows = await session.execute(
        select(LinkAttempt.purpose, LinkAttempt.attempted_at, LinkAttempt.reason)
        .where(LinkAttempt.telegram_user_id == telegram_user_id)
        .order_by(LinkAttempt.attempted_at, LinkAttempt.id)
    )
    return [_row(purpose=purpose, at=at, outcome=reason) for purpose, at, reason in rows.tuples()]


async def _audit(session: AsyncSession, telegram_user_id: int) -> list[Record]:
    rows = await session.scalars(
        select(AuditLog).where(AuditLog.actor_telegram_id == telegram_user_id).order_by(AuditLog.id)
    )
    return [_row(at=r.at, action=r.action, subject=r.subject, details=r.details) for r in rows]


async def forget_chat(session: AsyncSession, *, telegram_user_id: int, chat_id: int | None) -> None:
    """Cut what ties the chat to the person: outbox rows, audit entries, used link codes (no commit)."""
    if chat_id is not None:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.dedupe_key.like(f"%:{chat_id}"))
            .values(dedupe_key=None)
        )
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id)
            .values(chat_id=ERASED_CHAT, text=None, context={}, telegram_message_id=None)
        )
    await session.execute(
        update(AuditLog).where(AuditLog.actor_telegram_id == telegram_user_id).values(actor_telegram_id=None)
    )
    await session.execute(
        update(AuditLog).where(AuditLog.subject == f"tg:{telegram_user_id}").values(subject=None)
    )
    await session.execute(update(LinkCode).where(LinkCode.used_by == telegram_user_id).values(used_by=None))
