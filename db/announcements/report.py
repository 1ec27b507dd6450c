"""Where an announcement's rows stand, and the end of an announcement: marked DONE when none
of its rows is left to send, with a report of the outcome queued to its creator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import outbox
from db.announcements.content import snippet
from db.models import Announcement, AnnouncementStatus, NotificationKind, OutboxMessage, OutboxState

REPORT_TEMPLATE = "announce_report"
#: An outbox row still to be sent: pending, or in flight.
UNSENT = OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.SENDING))


@dataclass(frozen=True, slots=True)
class Tally:
    """An announcement's rows by outcome; `blocked` rows are not among `skipped`."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    blocked: int = 0
    #: Of the waiting rows, those waiting to be tried again after a failure that was not the
    #: message's (see `db.outbox.RetryReason`), by reason; and the latest time they are tried till.
    retrying: dict[str, int] = field(default_factory=dict)
    retry_until: datetime | None = None
    #: Of the sent rows, those recorded sent although Telegram's answer never came.
    unconfirmed: int = 0
    #: Of the failed rows, those given up because the outage outlasted their retry horizon.
    expired: int = 0

    @property
    def waiting(self) -> int:
        """Rows still to be sent (pending, or in flight)."""
        return self.pending + self.sending

    @property
    def retrying_total(self) -> int:
        """Waiting rows that failed for a reason not their own and will be tried again."""
        return sum(self.retrying.values())

    @property
    def reason(self) -> str | None:
        """Why most of the retrying rows wait (a `RetryReason` value), None when none does."""
        return max(self.retrying, key=self.retrying.__getitem__) if self.retrying else None


async def tally(session: AsyncSession, *, announcement_id: int) -> Tally:
    """Where the announcement's rows stand; rows skipped because the chat blocked the bot are
    counted as blocked, not skipped."""
    is_blocked = and_(
        OutboxMessage.state == OutboxState.SKIPPED, OutboxMessage.last_error.like(f"{outbox.BLOCKED}%")
    )
    rows = await session.execute(
        select(OutboxMessage.state, is_blocked.label("blocked"), func.count())
        .where(OutboxMessage.announcement_id == announcement_id)
        .group_by(OutboxMessage.state, "blocked")
    )
    counts: dict[str, int] = {}
    for state, blocked, n in rows.tuples():
        key = "blocked" if blocked else OutboxState(state).value
        counts[key] = counts.get(key, 0) + int(n)
    retrying, until, unconfirmed, expired = await _troubles(session, announcement_id)
    return Tally(
        pending=counts.get("pending", 0),
        sending=counts.get("sending", 0),
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        skipped=counts.get("skipped", 0),
        blocked=counts.get("blocked", 0),
        retrying=retrying,
        retry_until=until,
        unconfirmed=unconfirmed,
        expired=expired,
    )


async def _troubles(
    session: AsyncSession, announcement_id: int
) -> tuple[dict[str, int], datetime | None, int, int]:
    """The rows retrying by reason and the latest time they are tried till, the rows sent
    unconfirmed and those expired: one pass over the announcement's rows."""
    row = OutboxMessage

    def among(state: OutboxState, prefix: str) -> ColumnElement[int]:
        hit = and_(row.state == state, row.last_error.startswith(prefix))
        return func.coalesce(func.sum(case((hit, 1), else_=0)), 0)

    reasons = list(outbox.RetryReason)
    retrying_since = and_(row.state == OutboxState.PENDING, row.last_error.startswith(outbox.RETRYING))
    found = (
        await session.execute(
            select(
                *(among(OutboxState.PENDING, f"{outbox.RETRYING}{reason}:") for reason in reasons),
                among(OutboxState.SENT, outbox.UNCONFIRMED),
                among(OutboxState.FAILED, outbox.EXPIRED),
                func.max(case((retrying_since, row.expires_at))),
            ).where(row.announcement_id == announcement_id)
        )
    ).one()
    by_reason = {reason.value: int(n) for reason, n in zip(reasons, found[: len(reasons)], strict=True) if n}
    unconfirmed, expired, until = found[len(reasons) :]
    return by_reason, until, int(unconfirmed), int(expired)


async def finish(
    session: AsyncSession, *, now: datetime, announcement_ids: Iterable[int] | None = None
) -> list[int]:
    """Mark done the announcements (these, or every one under way when None) with no row left
    to send, and queue each one's report to its creator; the ids marked done. One index probe
    per announcement under way, whatever its number of rows: cheap enough to run after every
    dispatcher batch and, when the dispatcher is idle, every `Dispatcher.sweep_interval`
    seconds: that catches announcements whose last rows were skipped or deleted elsewhere (a
    blocked chat, a chat erasing its data) or whose dispatcher died before this check. Leaves
    the commit to the caller.

    The report goes through the outbox, not straight to Telegram: it is written in the
    transaction that marks the announcement done, so a crash can neither lose it nor (with its
    dedupe key) send it twice, and it waits its turn under the same rate limits.
    """
    chosen: ColumnElement[bool] = true()
    if announcement_ids is not None:
        ids = set(announcement_ids)
        if not ids:
            return []
        chosen = Announcement.id.in_(ids)
    finished = await _nothing_left(session, chosen)
    if not finished:
        return []
    # The UPDATE checks again, so a row written meanwhile keeps its announcement under way.
    left = select(OutboxMessage.id).where(OutboxMessage.announcement_id == Announcement.id, UNSENT).exists()
    done = (
        await session.execute(
            update(Announcement)
            .where(Announcement.id.in_(finished), Announcement.status == AnnouncementStatus.SENDING, ~left)
            .values(status=AnnouncementStatus.DONE, finished_at=now)
            .returning(Announcement.id, Announcement.created_by, Announcement.text, Announcement.scheduled_at)
            .execution_options(synchronize_session=False)
        )
    ).all()
    for row in done:
        if row.created_by is not None:
            await _queue_report(
                session,
                row.id,
                creator=row.created_by,
                text=row.text,
                started=row.scheduled_at or now,
                now=now,
            )
    return [row.id for row in done]


async def _nothing_left(session: AsyncSession, chosen: ColumnElement[bool]) -> list[int]:
    """The chosen announcements under way with no row left to send.

    One probe of the (announcement, state) index per announcement under way, because as a
    single anti-join PostgreSQL read every pending row of the outbox, and SQLite every row of
    the announcement already sent, after every dispatcher batch.
    """
    under_way = await session.scalars(
        select(Announcement.id).where(chosen, Announcement.status == AnnouncementStatus.SENDING)
    )
    return [
        announcement_id
        for announcement_id in under_way.all()
        if await session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.announcement_id == announcement_id, UNSENT).limit(1)
        )
        is None
    ]


async def _queue_report(
    session: AsyncSession, announcement_id: int, *, creator: int, text: str, started: datetime, now: datetime
) -> None:
    """The report of a finished announcement to its creator, sent once whatever the retries."""
    counts = await tally(session, announcement_id=announcement_id)
    await outbox.enqueue(
        session,
        chat_id=creator,
        kind=NotificationKind.ANNOUNCEMENT_REPORT,
        due_at=now,
        template=REPORT_TEMPLATE,
        context={
            "announcement_id": announcement_id,
            "preview": snippet(text),
            "sent": counts.sent,
            "failed": counts.failed,
            "blocked": counts.blocked,
            "skipped": counts.skipped,
            "unconfirmed": counts.unconfirmed,
            "expired": counts.expired,
            "seconds": max(0, int((now - started).total_seconds())),
        },
        dedupe_key=f"announcement-report:{announcement_id}",
    )
