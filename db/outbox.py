"""The outbox: every proactive message, one row per recipient, and where its delivery stands.

A row goes ``pending`` → ``sending`` (claimed by one dispatcher under a lease) → ``sent``,
``failed`` or ``skipped``, or back to ``pending`` to be tried again later.  A row whose
dispatcher died stays ``sending`` until its lease expires and is then claimed again.

Quiet hours (`QuietHours`): at night in office time, the messages the bot sends on its own
schedule (`HELD_AT_NIGHT`: reminders, deadline digests, JP nudges, rating requests) are not
claimed, so one that is overdue — the bot was down, or started late — waits for the morning.
Service messages and HR's announcements go out whenever they are due: HR chose the time.

`claim` commits: a claim must be durable before anything is sent.  The other functions leave
the commit to the caller, so that an outbox row can be written in the transaction that caused
it (a registration and its reminder) and the dispatcher can record a few outcomes per commit.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Text,
    Update,
    and_,
    bindparam,
    func,
    or_,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.models import (
    ALWAYS_SENT,
    Announcement,
    AnnouncementStatus,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    OutboxState,
    TelegramAccount,
)

#: `last_error` of rows skipped because the user blocked the bot or deleted the account.
BLOCKED = "blocked"
#: `last_error` of a row waiting to be tried again after a failure that is not the message's
#: fault, followed by its `RetryReason` (``retry:unreachable: …``).
RETRYING = "retry:"
#: `last_error` of a row given up because its retry horizon passed (`expires_at`).
EXPIRED = "expired:"
#: `last_error` of a row recorded sent without Telegram's answer (every send timed out).
UNCONFIRMED = "unconfirmed:"


class RetryReason(StrEnum):
    """Why a row waits to be tried again: HR reads it in the announcement's status."""

    #: No connection to the Bot API (refused, reset, DNS, connect timeout).
    UNREACHABLE = "unreachable"
    #: The Bot API answered 5xx.
    SERVER_ERROR = "server_error"
    #: The answer did not come in time (the message may have arrived).
    TIMEOUT = "timeout"
    #: Telegram asked to slow down (429).
    FLOOD = "flood"


#: What the bot sends on its own schedule, and holds during the quiet hours.
HELD_AT_NIGHT = frozenset(
    {
        NotificationKind.EVENT_REMINDER,
        NotificationKind.DEADLINE,
        NotificationKind.JP_NUDGE,
        NotificationKind.EVALUATION,
    }
)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """The night in office time, from `start` o'clock up to `end` o'clock (across midnight
    when `start` > `end`), during which `HELD_AT_NIGHT` messages are not sent."""

    start: int
    end: int
    timezone: ZoneInfo

    def __post_init__(self) -> None:
        """Whole hours of the day, and a night that is not empty."""
        if not (0 <= self.start <= 23 and 0 <= self.end <= 23) or self.start == self.end:
            raise ValueError("quiet hours are two different hours from 0 to 23")

    def holds(self, now: datetime) -> bool:
        """Is `now` within the quiet hours?"""
        hour = now.astimezone(self.timezone).hour
        if self.start < self.end:
            return self.start <= hour < self.end
        return hour >= self.start or hour < self.end


_ERROR_LENGTH = 300
_INSERT_CHUNK = 500
_HELD = (AnnouncementStatus.PAUSED, AnnouncementStatus.CANCELLED)
#: What `claim` knows of a chat without an account: no language, not blocked, nothing turned off.
_NO_ACCOUNT: tuple[str | None, bool, frozenset[NotificationKind]] = (None, False, frozenset())


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message to put in the outbox: its text, or a template and the template's context."""

    chat_id: int
    kind: NotificationKind
    due_at: datetime
    text: str | None = None
    template: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    dedupe_key: str | None = None
    announcement_id: int | None = None
    #: Retried until then after network errors, timeouts, 5xx and 429 (None: for the
    #: dispatcher's horizon from the first failure, see `retry_later`).
    expires_at: datetime | None = None

    def __post_init__(self) -> None:
        """Exactly one of text and template."""
        if (self.text is None) == (self.template is None):
            raise ValueError("an outbox message has either a text or a template, not both or neither")


class Claimed(NamedTuple):
    """A row a dispatcher claimed and now has to send (a tuple: a batch is hundreds of them)."""

    id: int
    chat_id: int
    kind: NotificationKind
    text: str | None
    template: str | None
    context: dict[str, Any]
    announcement_id: int | None
    attempts: int
    expires_at: datetime | None = None
    unconfirmed: int = 0
    #: The chat's language, None when no account is behind it.
    language: str | None = None
    #: The chat blocked the bot (or the account was deleted).
    blocked: bool = False
    #: The user turned this kind of message off in /settings (never for `ALWAYS_SENT` kinds).
    silenced: bool = False


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the rows of one announcement got."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        """All rows."""
        return self.pending + self.sending + self.sent + self.failed + self.skipped

    @property
    def finished(self) -> bool:
        """Nothing is left to send."""
        return self.pending == 0 and self.sending == 0


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _values(message: NewMessage) -> dict[str, Any]:
    return {
        "chat_id": message.chat_id,
        "kind": message.kind,
        "due_at": message.due_at,
        "text": message.text,
        "template": message.template,
        "context": message.context,
        "dedupe_key": message.dedupe_key,
        "announcement_id": message.announcement_id,
        "expires_at": message.expires_at,
        "state": OutboxState.PENDING,
        "attempts": 0,
        "unconfirmed": 0,
    }


async def enqueue_many(session: AsyncSession, messages: Iterable[NewMessage]) -> int:
    """Add messages, ignoring any whose `dedupe_key` is already in the outbox; how many were added."""
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    batch = [_values(message) for message in messages]
    added = 0
    for start in range(0, len(batch), _INSERT_CHUNK):
        statement = (
            insert(OutboxMessage)
            .values(batch[start : start + _INSERT_CHUNK])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.id)
        )
        added += len((await session.execute(statement)).all())
    return added


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    kind: NotificationKind,
    due_at: datetime,
    text: str | None = None,
    template: str | None = None,
    context: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    announcement_id: int | None = None,
    expires_at: datetime | None = None,
) -> int | None:
    """Add one message; its id, or None if a message with this `dedupe_key` already exists."""
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    message = NewMessage(
        chat_id=chat_id,
        kind=kind,
        due_at=due_at,
        text=text,
        template=template,
        context=context or {},
        dedupe_key=dedupe_key,
        announcement_id=announcement_id,
        expires_at=expires_at,
    )
    statement = (
        insert(OutboxMessage)
        .values(_values(message))
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def claim(
    session: AsyncSession,
    *,
    worker: str,
    now: datetime,
    limit: int,
    lease: timedelta,
    quiet: QuietHours | None = None,
) -> list[Claimed]:
    """Claim up to `limit` due rows for `worker` until `now + lease`, and commit; each with what
    sending it needs to know of its chat (`Claimed.language`, `blocked`, `silenced`, read in
    one more query by the chats' index).

    Due means pending with `due_at` reached, or left `sending` by a dispatcher whose lease
    expired.  Rows of a paused or cancelled announcement wait, and so do `HELD_AT_NIGHT` rows
    while `quiet` holds: the condition is the clock's, so every dispatcher applies it alike.
    On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED`` so dispatchers side by
    side never claim the same row; SQLite has one writer at a time, and the claim is a single
    ``UPDATE … RETURNING`` that opens its transaction, so the write lock is taken before
    anything is read.
    """
    night = quiet is not None and quiet.holds(now)
    values = {"now": now, "limit": limit, "worker": worker, "until": now + lease}
    if _dialect(session) == "postgresql":
        found: list[tuple[datetime, int]] = []
        for pick in _due(night):
            locked = await session.execute(pick.with_for_update(skip_locked=True, of=OutboxMessage), values)
            found += [(due_at, id_) for id_, due_at in locked]
        if not found:
            await session.commit()
            return []
        values["chosen"] = [id_ for _, id_ in sorted(found)[:limit]]
        statement = _take(night, locked=True)
    else:
        statement = _take(night, locked=False)
    # on the connection: rows as they are, not ORM objects (a batch is hundreds of rows)
    connection = await session.connection()
    rows = (await connection.execute(statement, values)).all()
    facts = await _chat_facts(connection, {r.chat_id for r in rows}) if rows else {}
    await session.commit()
    claimed = []
    for id_, chat_id, kind, text, template, context, announcement_id, attempts, expires, unconfirmed in rows:
        language, blocked, kinds = facts.get(chat_id, _NO_ACCOUNT)
        claimed.append(
            Claimed(
                id_,
                chat_id,
                kind,
                text,
                template,
                _context(context),
                announcement_id,
                attempts,
                expires,
                unconfirmed,
                language,
                blocked,
                kind in kinds,
            )
        )
    claimed.sort()
    return claimed


def _context(value: str | dict[str, Any] | None) -> dict[str, Any]:
    """A claimed row's context, read past SQLAlchemy's JSON type: PostgreSQL's driver decoded
    it already; SQLite's text is decoded here, except the empty one most rows have."""
    if isinstance(value, dict):
        return value
    return {} if value is None or value == "{}" else dict(json.loads(value) or {})


@functools.cache
def _due(night: bool) -> list[Select[tuple[int, datetime]]]:
    """The first `limit` due rows (id, due_at) of each kind at `now`: pending and due, or a
    lease expired; at `night`, none of the kinds held then.  Built once (`now` and `limit` are
    parameters).

    One query per kind, each answered in order by the (state, due_at) index: an OR of the two
    sorted every pending row on each claim (90 ms a batch with 100,000 pending)."""
    row = OutboxMessage
    now = bindparam("now", type_=row.due_at.type)
    held = select(Announcement.id).where(Announcement.status.in_(_HELD))
    waiting = or_(row.announcement_id.is_(None), row.announcement_id.not_in(held))
    if night:
        waiting = and_(waiting, row.kind.not_in(sorted(HELD_AT_NIGHT)))
    return [
        select(row.id, row.due_at).where(kind, waiting).order_by(row.due_at, row.id).limit(bindparam("limit"))
        for kind in (
            and_(row.state == OutboxState.PENDING, row.due_at <= now),
            and_(row.state == OutboxState.SENDING, row.lease_until < now),
        )
    ]


@functools.cache
def _take(night: bool, *, locked: bool) -> Update:
    """Mark the chosen rows `sending` for `worker` until `until` (one more attempt); them.  The
    rows are the ids in `chosen` when `locked` (PostgreSQL locked them first), else the first
    `limit` due ones.  Built once (the values are parameters)."""
    row = OutboxMessage
    if locked:
        chosen = row.id.in_(bindparam("chosen", expanding=True))
    else:
        due = union_all(*(select(pick.subquery()) for pick in _due(night))).subquery()
        chosen = row.id.in_(select(due.c.id).order_by(due.c.due_at, due.c.id).limit(bindparam("limit")))
    return (
        update(row)
        .where(chosen)
        .values(
            state=OutboxState.SENDING,
            lease_until=bindparam("until", type_=row.lease_until.type),
            claimed_by=bindparam("worker"),
            attempts=row.attempts + 1,
        )
        .returning(
            row.id,
            row.chat_id,
            row.kind,
            row.text,
            row.template,
            type_coerce(row.context, Text),  # decoded by `_context`
            row.announcement_id,
            row.attempts,
            row.expires_at,
            row.unconfirmed,
        )
    )


@functools.cache
def _chats() -> Select[tuple[int, str, bool, NotificationKind]]:
    """The accounts behind the chats in `chats`: the chat, its language, whether it blocked the
    bot, and each kind its user turned off (one row per kind; the kind NULL when none is).
    Built once."""
    account, turned_off = TelegramAccount, NotificationPreference
    return (
        select(account.chat_id, account.language, account.blocked_at.is_not(None), turned_off.kind)
        .outerjoin(
            turned_off,
            and_(turned_off.telegram_user_id == account.telegram_user_id, turned_off.enabled.is_(False)),
        )
        .where(account.chat_id.in_(bindparam("chats", expanding=True)))
    )


async def _chat_facts(
    connection: AsyncConnection, chat_ids: set[int]
) -> dict[int, tuple[str, bool, set[NotificationKind]]]:
    """Per chat with an account: its language, 'blocked', and the kinds turned off."""
    facts: dict[int, tuple[str, bool, set[NotificationKind]]] = {}
    rows = (await connection.execute(_chats(), {"chats": list(chat_ids)})).all()
    for chat_id, language, blocked, kind in rows:
        _, _, kinds = facts.setdefault(chat_id, (language, blocked, set()))
        if kind is not None and kind not in ALWAYS_SENT:
            kinds.add(kind)
    return facts


def _own(outbox_id: int, worker: str) -> Any:
    """The row is still this worker's claim (not reclaimed by another after the lease expired)."""
    return and_(
        OutboxMessage.id == outbox_id,
        OutboxMessage.state == OutboxState.SENDING,
        OutboxMessage.claimed_by == worker,
    )


async def mark_sent_many(session: AsyncSession, sent: Sequence[tuple[int, int]], *, at: datetime) -> None:
    """Telegram accepted these messages: (outbox id, Telegram message id) pairs, recorded sent
    at `at` whoever holds the claim (they were delivered).  One UPDATE for all of them, the
    pairs in one parameter: the dispatcher's recorder writes thousands a second, and a
    statement per row (even as one executemany) cost more CPU than sending the message."""
    if not sent:
        return
    dialect = _dialect(session)
    if dialect == "postgresql":
        values: dict[str, Any] = {"ids": [id_ for id_, _ in sent], "messages": [m for _, m in sent]}
    else:
        values = {"sent": json.dumps(sent)}
    # on the connection: the Session would take the UPDATE … FROM as an ORM bulk update
    conn = await session.connection()
    await conn.execute(_mark_sent(dialect), {**values, "at": at})


@functools.cache
def _mark_sent(dialect: str) -> Update:
    """`mark_sent_many`'s UPDATE, joined to the pairs: on PostgreSQL two arrays (`ids`,
    `messages`) unnested side by side, on SQLite a JSON array of pairs (`sent`)."""
    row = OutboxMessage
    outbox_id: ColumnElement[Any]
    message_id: ColumnElement[Any]
    if dialect == "postgresql":
        arrays = [bindparam(name, type_=postgresql.ARRAY(BigInteger)) for name in ("ids", "messages")]
        pairs = func.unnest(*arrays).table_valued("id", "message_id").render_derived()
        outbox_id, message_id = pairs.c.id, pairs.c.message_id
    else:
        each = func.json_each(bindparam("sent")).table_valued("value")
        outbox_id, message_id = (func.json_extract(each.c.value, f"$[{i}]") for i in (0, 1))
    return (
        update(row)
        .where(row.id == outbox_id)
        .values(
            state=OutboxState.SENT,
            telegram_message_id=message_id,
            sent_at=bindparam("at", type_=row.sent_at.type),
            lease_until=None,
            last_error=None,
        )
    )


async def mark_failed(session: AsyncSession, *, outbox_id: int, worker: str, reason: str) -> None:
    """Give the row up, keeping the reason."""
    await _give_up(session, outbox_id, worker, OutboxState.FAILED, reason)


async def mark_skipped(session: AsyncSession, *, outbox_id: int, worker: str, reason: str) -> None:
    """Not sent on purpose (the user turned this kind of message off), keeping the reason."""
    await _give_up(session, outbox_id, worker, OutboxState.SKIPPED, reason)


async def _give_up(
    session: AsyncSession, outbox_id: int, worker: str, state: OutboxState, reason: str
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(_own(outbox_id, worker))
        .values(state=state, last_error=reason[:_ERROR_LENGTH], lease_until=None)
        .execution_options(synchronize_session=False)
    )


async def retry_later(
    session: AsyncSession,
    *,
    outbox_id: int,
    worker: str,
    due_at: datetime,
    reason: str,
    count_attempt: bool = True,
    expires_at: datetime | None = None,
    unconfirmed: bool = False,
) -> None:
    """Put the row back to pending until `due_at`; without `count_attempt` the claim is not
    counted against the row's attempts (a flood wait or a deferral is not the message's fault).
    `expires_at` sets the row's retry horizon if it has none yet (the first failure starts it);
    `unconfirmed` counts a send whose answer never came."""
    row = OutboxMessage
    values: dict[str, Any] = {
        "state": OutboxState.PENDING,
        "due_at": due_at,
        "last_error": reason[:_ERROR_LENGTH],
        "lease_until": None,
    }
    if not count_attempt:
        larger = func.greatest if _dialect(session) == "postgresql" else func.max
        values["attempts"] = larger(row.attempts - 1, 0)
    if expires_at is not None:
        values["expires_at"] = func.coalesce(row.expires_at, expires_at)
    if unconfirmed:
        values["unconfirmed"] = row.unconfirmed + 1
    await session.execute(
        update(row).where(_own(outbox_id, worker)).values(values).execution_options(synchronize_session=False)
    )


async def mark_unconfirmed(
    session: AsyncSession, *, outbox_id: int, worker: str, now: datetime, reason: str
) -> None:
    """Record the row sent although no answer came: its sends timed out as often as the
    dispatcher allows copies, so at least one of them most likely arrived."""
    await session.execute(
        update(OutboxMessage)
        .where(_own(outbox_id, worker))
        .values(
            state=OutboxState.SENT,
            sent_at=now,
            lease_until=None,
            unconfirmed=OutboxMessage.unconfirmed + 1,
            last_error=f"{UNCONFIRMED} {reason}"[:_ERROR_LENGTH],
        )
        .execution_options(synchronize_session=False)
    )


async def mark_blocked(
    session: AsyncSession, *, outbox_id: int, chat_id: int, now: datetime, reason: str
) -> int:
    """The user blocked the bot or deleted the account: mark the chat inactive, skip this row
    and every other pending row for the chat; how many rows were skipped."""
    await session.execute(
        update(TelegramAccount)
        .where(TelegramAccount.chat_id == chat_id, TelegramAccount.blocked_at.is_(None))
        .values(blocked_at=now)
        .execution_options(synchronize_session=False)
    )
    return await skip_chat(session, chat_id=chat_id, reason=f"{BLOCKED}: {reason}", also=outbox_id)


async def skip_chat(session: AsyncSession, *, chat_id: int, reason: str, also: int | None = None) -> int:
    """Skip the chat's pending rows (and row `also`, whatever its state); how many."""
    targets = OutboxMessage.state == OutboxState.PENDING
    if also is not None:
        targets = or_(targets, and_(OutboxMessage.id == also, OutboxMessage.state == OutboxState.SENDING))
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, targets)
        .values(state=OutboxState.SKIPPED, last_error=reason[:_ERROR_LENGTH], lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def progress(session: AsyncSession, *, announcement_id: int) -> Progress:
    """Rows of the announcement by state."""
    rows = await session.execute(
        select(OutboxMessage.state, func.count())
        .where(OutboxMessage.announcement_id == announcement_id)
        .group_by(OutboxMessage.state)
    )
    counts = {OutboxState(state).value: int(n) for state, n in rows.tuples()}
    return Progress(**counts)


async def unfinished(session: AsyncSession) -> int:
    """Rows still to be sent: pending (due or not) or being sent."""
    count = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.SENDING)))
    )
    return int(count or 0)


__all__ = [
    "BLOCKED",
    "EXPIRED",
    "HELD_AT_NIGHT",
    "RETRYING",
    "UNCONFIRMED",
    "Claimed",
    "NewMessage",
    "Progress",
    "QuietHours",
    "RetryReason",
    "claim",
    "enqueue",
    "enqueue_many",
    "mark_blocked",
    "mark_failed",
    "mark_sent_many",
    "mark_unconfirmed",
    "progress",
    "retry_later",
    "skip_chat",
    "unfinished",
]
