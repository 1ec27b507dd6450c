"""Registration deadline approaching: at 07.00 office time two days before the day an event
closes (two to three days ahead), a digest to every ASN to whom the event is recommended.

Recommended here means, in one set-based query per closing event (never the per-ASN
`db.catalog.recommendations`, too heavy for a hundred thousand employees): the event is
published and open for registration; the ASN is linked, has not blocked the bot and has not
turned deadline reminders off; holds no registration for it (a cancelled one does not
count); meets its targets (`db.eligibility`); takes part in no other event
at the same time; and either is below the standard in a competency it targets — their
latest assessment below their position's standard — or, for an event whose JP count for
this year, is below the JP target with the JP completed and planned this year (given the
target).

One digest per ASN per day, listing up to `LIMIT` events closing that day, soonest deadline
first (with how many more): several trainings closing the same week reach an ASN as one
message a day at most, each event once. A digest already sent that day is not followed by a
second one. Derived for the next `HORIZON` at every run (`db.reminders.reconcile`): a digest
that no longer fits — the ASN registered, an event was cancelled or its deadline moved — is
withdrawn or replaced before it is due. A digest still pending after its time (a dispatcher
behind on a long queue) is kept while every event it lists is still recommended to the ASN,
and goes out late; it is not replaced any more then, only withdrawn.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db import outbox, reminders
from db.competency import has_gap
from db.eligibility import eligible
from db.learning import planned_in
from db.models import (
    Assessment,
    Employee,
    Event,
    EventStatus,
    LearningRecord,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    OutboxState,
    Registration,
    RegistrationStatus,
    TelegramAccount,
    event_competencies,
)

PREFIX = "deadline:"
HOUR = 7
DAYS_BEFORE = 2
LIMIT = 5
#: How far ahead digests are derived; each run also keeps the pending ones up to date.
HORIZON = timedelta(hours=24)
#: A digest due this long ago and not yet derived is still added (a bot down at 07.00).
GRACE = timedelta(hours=1)
_DONE = (OutboxState.SENDING, OutboxState.SENT, OutboxState.FAILED)


@dataclass(frozen=True, slots=True)
class _Closing:
    id: int
    code: str
    title: str
    deadline: datetime
    starts_at: datetime
    jp: int
    #: why it is recommended: "competency" (one below standard) or "jp" (JP still missing)
    reason: str = "competency"


@dataclass(frozen=True, slots=True)
class _JpRule:
    """Who is below the JP `target` of `year`, completed and planned JP together, at `now`."""

    target: int
    year: int
    now: datetime
    timezone: ZoneInfo

    def below(self) -> ColumnElement[bool]:
        """For queries over `Employee`: the employee is below the target."""
        done = (
            select(func.coalesce(func.sum(LearningRecord.jp), 0))
            .where(
                LearningRecord.employee_id == Employee.id,
                LearningRecord.completed_on.between(date(self.year, 1, 1), date(self.year, 12, 31)),
            )
            .scalar_subquery()
        )
        planned = (
            select(func.coalesce(func.sum(Event.jp), 0))
            .join(Registration, Registration.event_id == Event.id)
            .where(
                Registration.employee_id == Employee.id,
                planned_in(self.year, now=self.now, timezone=self.timezone),
            )
            # only the employee comes from outside: the closing event the audience query joins
            # (for `db.eligibility`) is not the events planned here
            .correlate(Employee)
            .scalar_subquery()
        )
        return done + planned < self.target


def digest_at(deadline: datetime, *, timezone: ZoneInfo) -> datetime:
    """When the digest announcing an event with this deadline goes out."""
    day = deadline.astimezone(timezone).date() - timedelta(days=DAYS_BEFORE)
    return datetime.combine(day, time(HOUR), tzinfo=timezone)


def _digest_days(now: datetime, timezone: ZoneInfo) -> list[date]:
    """The days whose 07.00 falls within (now − GRACE, now + HORIZON]."""
    first = (now - GRACE).astimezone(timezone).date()
    last = (now + HORIZON).astimezone(timezone).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [
        day
        for day in days
        if now - GRACE < datetime.combine(day, time(HOUR), tzinfo=timezone) <= now + HORIZON
    ]


def _audience(event: Event, competency_ids: list[int], jp: _JpRule | None) -> Select[tuple[int, int, bool]]:
    """(employee, chat, below a standard?) of every linked ASN to whom the event is recommended."""
    registered = (
        select(Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.employee_id == Employee.id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
        .exists()
    )
    silenced = (
        select(NotificationPreference.telegram_user_id)
        .where(
            NotificationPreference.telegram_user_id == TelegramAccount.telegram_user_id,
            NotificationPreference.kind == NotificationKind.DEADLINE,
            NotificationPreference.enabled.is_(False),
        )
        .exists()
    )
    gap = has_gap(Assessment.competency_id.in_(competency_ids)) if competency_ids else false()
    counts = jp is not None and event.ends_at.astimezone(jp.timezone).year == jp.year
    return (
        select(Employee.id, TelegramAccount.chat_id, gap)
        .join(TelegramAccount, TelegramAccount.employee_id == Employee.id)
        .join(Event, Event.id == event.id)
        .where(
            TelegramAccount.blocked_at.is_(None),
            ~registered,
            ~silenced,
            eligible(),
            ~_clashing(event),
            or_(gap, jp.below()) if jp is not None and counts else gap,
        )
    )


def _clashing(event: Event) -> ColumnElement[bool]:
    """For queries over `Employee`: they take part in another published event at the same time
    (registration would refuse them: `db.registration`'s schedule clash)."""
    other = aliased(Event)
    return (
        select(Registration.id)
        .join(other, other.id == Registration.event_id)
        .where(
            Registration.employee_id == Employee.id,
            Registration.status.not_in((RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)),
            other.id != event.id,
            other.status == EventStatus.PUBLISHED,
            other.starts_at < event.ends_at,
            other.ends_at > event.starts_at,
        )
        .exists()
    )


async def derive(
    session: AsyncSession, *, now: datetime, timezone: ZoneInfo, target: int | None = None
) -> reminders.Derived:
    """Bring the pending deadline digests of the next `HORIZON`, and those still pending after
    their time, in line with the data (commits); with the JP `target`, ASN below it are told
    of events whose JP count for this year too."""
    since = now - GRACE
    late = await _late(session, since=since)
    days = sorted({*_digest_days(now, timezone), *(day for _, day in late)})
    wanted: dict[str, outbox.NewMessage] = {}
    if days:
        jp = None if target is None else _JpRule(target, now.astimezone(timezone).year, now, timezone)
        wanted = await _wanted(session, days=days, late=late, now=now, timezone=timezone, jp=jp)
    derived = await reminders.reconcile(
        session,
        prefix=PREFIX,
        wanted=wanted,
        since=since,
        reason="the event is no longer recommended or closing",
    )
    await session.commit()
    return derived


def _read_key(key: str) -> tuple[tuple[int, date], list[int]]:
    """(employee, day) and the listed events of a digest key `deadline:<employee>:<day>:-<ids>-`."""
    _, employee_id, day, ids = key.split(":", 3)
    return (int(employee_id), datetime.strptime(day, "%Y%m%d").date()), [
        int(i) for i in ids.strip("-").split("-")
    ]


async def _late(session: AsyncSession, *, since: datetime) -> dict[tuple[int, date], str]:
    """The pending digests due at or before `since`, by (employee, day): their dedupe keys."""
    keys = await session.scalars(
        select(OutboxMessage.dedupe_key).where(
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.dedupe_key.startswith(PREFIX),
            OutboxMessage.due_at <= since,
        )
    )
    return {_read_key(str(key))[0]: str(key) for key in keys}


async def _wanted(
    session: AsyncSession,
    *,
    days: list[date],
    late: dict[tuple[int, date], str],
    now: datetime,
    timezone: ZoneInfo,
    jp: _JpRule | None,
) -> dict[str, outbox.NewMessage]:
    """The digests of these days, by dedupe key: for every ASN one listing the events closing
    that day that are recommended to them, unless their digest of the day already went out."""
    events = await _closing(session, days=days, now=now, timezone=timezone)
    if not events:
        return {}
    competencies = await _competencies(session, [event.id for event in events])
    digests: dict[tuple[int, date], list[_Closing]] = defaultdict(list)
    chats: dict[int, int] = {}
    for event in events:
        if not competencies[event.id] and jp is None:
            continue
        day = digest_at(event.registration_deadline, timezone=timezone).date()
        closing = _Closing(
            event.id, event.code, event.title, event.registration_deadline, event.starts_at, event.jp
        )
        rows = await session.execute(_audience(event, competencies[event.id], jp))
        for employee_id, chat_id, gap in rows.tuples():
            digests[(employee_id, day)].append(closing if gap else replace(closing, reason="jp"))
            chats[employee_id] = chat_id
    done = await _sent_days(session, days)
    wanted: dict[str, outbox.NewMessage] = {}
    for (employee_id, day), found in digests.items():
        if (employee_id, day) in done:
            continue
        found.sort(key=lambda c: (c.deadline, c.code))
        listed = _listed(found, waiting=late.get((employee_id, day)))
        if listed is None:
            continue
        key = f"{PREFIX}{employee_id}:{day:%Y%m%d}:-{'-'.join(str(c.id) for c in listed)}-"
        wanted[key] = _digest(
            key,
            chat_id=chats[employee_id],
            day=day,
            listed=listed,
            more=len(found) - len(listed),
            timezone=timezone,
        )
    return wanted


async def _closing(
    session: AsyncSession, *, days: list[date], now: datetime, timezone: ZoneInfo
) -> list[Event]:
    """The published events open for registration whose deadline falls `DAYS_BEFORE` days
    after one of these days."""
    closing_days = [
        (
            datetime.combine(day + timedelta(days=DAYS_BEFORE), time(), tzinfo=timezone),
            datetime.combine(day + timedelta(days=DAYS_BEFORE + 1), time(), tzinfo=timezone),
        )
        for day in days
    ]
    return list(
        await session.scalars(
            select(Event).where(
                Event.status == EventStatus.PUBLISHED,
                Event.registration_deadline > now,
                or_(Event.registration_opens_at.is_(None), Event.registration_opens_at <= now),
                or_(
                    *(
                        and_(Event.registration_deadline >= start, Event.registration_deadline < end)
                        for start, end in closing_days
                    )
                ),
            )
        )
    )


async def _competencies(session: AsyncSession, ids: list[int]) -> dict[int, list[int]]:
    """The competencies of these events, by event (one query)."""
    competencies: dict[int, list[int]] = defaultdict(list)
    for event_id, competency_id in (
        await session.execute(
            select(event_competencies.c.event_id, event_competencies.c.competency_id).where(
                event_competencies.c.event_id.in_(ids)
            )
        )
    ).tuples():
        competencies[event_id].append(competency_id)
    return competencies


def _listed(found: list[_Closing], *, waiting: str | None) -> list[_Closing] | None:
    """The events a digest lists: the first `LIMIT` of those recommended (`found`, in order);
    for a digest past its time (`waiting`: its key) the events it lists, or None when one of
    them is no longer recommended."""
    if waiting is None:
        return found[:LIMIT]
    # Past its time: the digest waiting goes out as it is, or not at all.
    recommended = {c.id: c for c in found}
    ids = _read_key(waiting)[1]
    if not recommended.keys() >= set(ids):
        return None
    return [recommended[i] for i in ids]


def _digest(
    key: str, *, chat_id: int, day: date, listed: list[_Closing], more: int, timezone: ZoneInfo
) -> outbox.NewMessage:
    """The digest of one ASN and day, due at `HOUR` office time."""
    return outbox.NewMessage(
        chat_id=chat_id,
        kind=NotificationKind.DEADLINE,
        due_at=datetime.combine(day, time(HOUR), tzinfo=timezone),
        template="event_deadline",
        context={
            "events": [
                {
                    "title": c.title,
                    "code": c.code,
                    "deadline": c.deadline.isoformat(),
                    "starts_at": c.starts_at.isoformat(),
                    "jp": c.jp,
                    "reason": c.reason,
                }
                for c in listed
            ],
            "more": more,
        },
        dedupe_key=key,
    )


async def _sent_days(session: AsyncSession, days: list[date]) -> set[tuple[int, date]]:
    """(employee, day) pairs whose digest already went out (or is going out)."""
    keys = await session.scalars(
        select(OutboxMessage.dedupe_key).where(
            OutboxMessage.state.in_(_DONE),
            or_(*(OutboxMessage.dedupe_key.like(f"{PREFIX}%:{day:%Y%m%d}:%") for day in days)),
        )
    )
    return {_read_key(str(key))[0] for key in keys}


async def withdraw_event(session: AsyncSession, *, event_id: int) -> int:
    """Skip pending digests that list this event (cancelled, or its deadline moved); how many.

    The next derivation puts the other events of such a digest in a new one.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.dedupe_key.like(f"{PREFIX}%-{event_id}-%"),
        )
        .values(state=OutboxState.SKIPPED, last_error=f"{reminders.WITHDRAWN}the event changed")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


__all__ = ["DAYS_BEFORE", "HOUR", "LIMIT", "PREFIX", "derive", "digest_at", "withdraw_event"]
