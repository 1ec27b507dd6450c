"""HR announcements to a chosen audience: who receives it, drafts, putting it in the outbox,
and following it through (pause, resume, cancel, done with a report to its creator).

An audience is the AND of its filters (units, position types, ranks, the registrants of an
event, ASN with a gap in a competency, ASN below the JP target this year); an empty
audience is everyone linked. Only linked accounts that have not blocked the bot receive it.

An announcement is a DRAFT while HR composes it in Telegram, then SCHEDULED or SENDING,
PAUSED or CANCELLED by HR, and DONE when none of its outbox rows is left to send.

The audience is evaluated when the announcement goes out, not when it is scheduled: a
SCHEDULED announcement has no outbox rows; when it falls due (`start_due`, which the
dispatcher calls every round) its rows are written for whoever is in the audience then, and it
becomes SENDING, in one transaction. `recipient_count` is 0 until then.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, conversation, office_time, outbox
from db.competency import has_gap
from db.events import ACTIVE
from db.identity import POSITION_TYPES, RANK_NAMES
from db.models import (
    Announcement,
    AnnouncementStatus,
    Assessment,
    Competency,
    Employee,
    Event,
    LearningRecord,
    NotificationKind,
    OutboxMessage,
    OutboxState,
    Registration,
    TelegramAccount,
    Unit,
)

#: Telegram's limits on a message's text and on a photo's or document's caption.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
PHOTO: Literal["photo"] = "photo"
DOCUMENT: Literal["document"] = "document"
#: `conversation_states.flow` while HR composes; the steps await the text or the send time.
FLOW = "announce"
STEP_TEXT = "text"
STEP_TIME = "time"
#: `last_error` of the rows an announcement's cancellation withdrew.
CANCELLED = "cancelled by HR"
REPORT_TEMPLATE = "announce_report"
SNIPPET_WORDS = 8
RANKS: tuple[str, ...] = tuple(RANK_NAMES)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who an announcement is for; every filter given must hold."""

    units: tuple[str, ...] = ()
    position_types: tuple[str, ...] = ()
    ranks: tuple[str, ...] = ()
    event_code: str | None = None
    gap_competency: str | None = None
    below_jp: bool = False

    def as_dict(self) -> dict[str, Any]:
        """As stored with the announcement (and in the audit log)."""
        return {
            key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()
        }


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or document an announcement carries, by the file_id Telegram gave the bot."""

    kind: Literal["photo", "document"]
    file_id: str


class TextTooLong(ValueError):
    """The text is longer than Telegram accepts (4096 characters, 1024 for a caption)."""

    def __init__(self, *, limit: int, length: int) -> None:
        super().__init__(f"{length} characters, at most {limit} allowed")
        self.limit = limit
        self.length = length


@dataclass(frozen=True, slots=True)
class Waiting:
    """HR's next message is awaited: the text (`STEP_TEXT`) or the send time of a draft."""

    step: str
    announcement_id: int | None


@dataclass(frozen=True, slots=True)
class Tally:
    """An announcement's rows by outcome; `blocked` rows are not among `skipped`."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    blocked: int = 0

    @property
    def waiting(self) -> int:
        """Rows still to be sent (pending, or in flight)."""
        return self.pending + self.sending


class Change(enum.Enum):
    """How a pause, resume or cancel went."""

    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One page of the announcement history."""

    items: list[Announcement]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class Option:
    """One value an audience filter can take, with the id its button carries."""

    id: int
    name: str


def _recipients(audience: Audience, *, year: int, target: int) -> Select[tuple[int]]:
    query = (
        select(TelegramAccount.chat_id)
        .join(Employee, Employee.id == TelegramAccount.employee_id)
        .where(TelegramAccount.blocked_at.is_(None))
    )
    if audience.units:
        query = query.join(Unit, Unit.id == Employee.unit_id).where(
            func.lower(Unit.name).in_([u.casefold() for u in audience.units])
        )
    if audience.position_types:
        query = query.where(
            func.lower(Employee.position_type).in_([t.casefold() for t in audience.position_types])
        )
    if audience.ranks:
        query = query.where(Employee.rank.in_(audience.ranks))
    if audience.event_code is not None:
        query = query.where(
            select(Registration.id)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.employee_id == Employee.id,
                func.lower(Event.code) == audience.event_code.casefold(),
                Registration.status.in_(ACTIVE),
            )
            .exists()
        )
    if audience.gap_competency is not None:
        named = select(Competency.id).where(func.lower(Competency.name) == audience.gap_competency.casefold())
        query = query.where(has_gap(Assessment.competency_id.in_(named)))
    if audience.below_jp:
        earned = (
            select(func.coalesce(func.sum(LearningRecord.jp), 0))
            .where(
                LearningRecord.employee_id == Employee.id,
                LearningRecord.completed_on.between(date(year, 1, 1), date(year, 12, 31)),
            )
            .scalar_subquery()
        )
        query = query.where(earned < target)
    return query.order_by(TelegramAccount.chat_id)


async def count(session: AsyncSession, *, audience: Audience, year: int, target: int) -> int:
    """How many chats would receive an announcement to this audience."""
    query = _recipients(audience, year=year, target=target).order_by(None).subquery()
    return int(await session.scalar(select(func.count()).select_from(query)) or 0)


def audience_from(stored: dict[str, Any]) -> Audience:
    """The audience as stored with an announcement (its `as_dict`)."""
    return Audience(
        units=tuple(stored.get("units") or ()),
        position_types=tuple(stored.get("position_types") or ()),
        ranks=tuple(stored.get("ranks") or ()),
        event_code=stored.get("event_code"),
        gap_competency=stored.get("gap_competency"),
        below_jp=bool(stored.get("below_jp", False)),
    )


def body(text: str) -> str:
    """The HTML that recipients receive for HR's plain text: escaped, so it arrives as typed."""
    return html.escape(text, quote=False)


def attachment_of(announcement: Announcement) -> Attachment | None:
    """The photo or document sent with the announcement's text as its caption, if any."""
    if announcement.photo_file_id is not None:
        return Attachment(PHOTO, announcement.photo_file_id)
    if announcement.document_file_id is not None:
        return Attachment(DOCUMENT, announcement.document_file_id)
    return None


def text_limit(*, with_attachment: bool) -> int:
    """Telegram's limit on the text: a caption is shorter than a message."""
    return CAPTION_LIMIT if with_attachment else TEXT_LIMIT


# ---------------------------------------------------------------------------- drafts


async def create_draft(
    session: AsyncSession,
    *,
    text: str,
    created_by: int,
    photo_file_id: str | None = None,
    document_file_id: str | None = None,
) -> Announcement:
    """A draft to everyone (commits); `TextTooLong` when Telegram would refuse the text."""
    limit = text_limit(with_attachment=photo_file_id is not None or document_file_id is not None)
    if len(text) > limit:
        raise TextTooLong(limit=limit, length=len(text))
    draft = Announcement(
        text=text,
        photo_file_id=photo_file_id,
        document_file_id=document_file_id,
        audience=Audience().as_dict(),
        status=AnnouncementStatus.DRAFT,
        created_by=created_by,
    )
    session.add(draft)
    await session.commit()
    return draft


async def find_draft(session: AsyncSession, *, announcement_id: int, created_by: int) -> Announcement | None:
    """The caller's own draft, or None (sent already, discarded, or someone else's)."""
    found = await session.get(Announcement, announcement_id)
    if found is None or found.status is not AnnouncementStatus.DRAFT or found.created_by != created_by:
        return None
    return found


async def set_audience(session: AsyncSession, *, draft: Announcement, audience: Audience) -> None:
    """Change a draft's audience (commits)."""
    draft.audience = audience.as_dict()
    await session.commit()


def _own_draft(announcement_id: int, created_by: int) -> ColumnElement[bool]:
    return and_(
        Announcement.id == announcement_id,
        Announcement.status == AnnouncementStatus.DRAFT,
        Announcement.created_by == created_by,
    )


async def discard_draft(session: AsyncSession, *, announcement_id: int, created_by: int) -> bool:
    """Drop the caller's draft, if it still is one, and stop waiting for their input (commits);
    whether a draft was dropped. The status is checked by the DELETE itself, so a draft sent
    by a press a moment earlier is not dropped."""
    result = await session.execute(delete(Announcement).where(_own_draft(announcement_id, created_by)))
    await stop_waiting(session, telegram_user_id=created_by)
    return bool(getattr(result, "rowcount", 0))


# ---------------------------------------------------------------------------- waiting for input


async def wait_for(
    session: AsyncSession, *, telegram_user_id: int, step: str, announcement_id: int | None = None
) -> None:
    """Remember that HR's next message is the text (`STEP_TEXT`) or the time (`STEP_TIME`) (commits)."""
    data = {} if announcement_id is None else {"announcement_id": announcement_id}
    await conversation.enter(session, telegram_user_id=telegram_user_id, flow=FLOW, step=step, data=data)
    await session.commit()


async def waiting(session: AsyncSession, *, telegram_user_id: int) -> Waiting | None:
    """What HR's next message is awaited for, if anything."""
    state = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    if state is None:
        return None
    announcement_id = state.data.get("announcement_id")
    return Waiting(state.step, int(announcement_id) if announcement_id is not None else None)


async def stop_waiting(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Forget this flow's step (other flows' state is left alone) (commits)."""
    await _forget_step(session, telegram_user_id)
    await session.commit()


async def _forget_step(session: AsyncSession, telegram_user_id: int) -> None:
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)


def parse_when(text: str, *, timezone: ZoneInfo) -> datetime | None:
    """A send time typed in office time (`db.office_time`: a date and a time, no date alone),
    as UTC; None for anything else (including dates that do not exist)."""
    try:
        return office_time.parse_moment(text, timezone=timezone)
    except office_time.OfficeTimeError:
        return None


# ---------------------------------------------------------------------------- sending


async def announce(
    session: AsyncSession,
    *,
    text: str,
    audience: Audience,
    due_at: datetime,
    now: datetime,
    year: int,
    target: int,
    created_by: int | None = None,
    photo_file_id: str | None = None,
    document_file_id: str | None = None,
) -> Announcement:
    """Create an announcement and send it (`due_at` now or past) or schedule it (commits).

    `text` is plain text written by HR; it is escaped so it reaches every phone exactly as
    typed, as the caption of the photo or document when there is one. An announcement
    without recipients is done at once.
    """
    announcement = Announcement(
        created_by=created_by,
        text=text,
        audience=audience.as_dict(),
        photo_file_id=photo_file_id,
        document_file_id=document_file_id,
        status=AnnouncementStatus.SCHEDULED,
    )
    session.add(announcement)
    await session.flush()
    return await _launch(session, announcement, due_at=due_at, now=now, year=year, target=target)


async def send_draft(
    session: AsyncSession,
    *,
    announcement_id: int,
    created_by: int,
    due_at: datetime,
    now: datetime,
    year: int,
    target: int,
) -> Announcement | None:
    """Send (or schedule) the caller's draft as it stands (commits); None when it is not their
    draft any more: sent or discarded already, e.g. by a second press of the same button.

    The draft is taken by a conditional UPDATE, the transaction's first statement, so of two
    presses at the same moment exactly one gets it (the other waits for the row and finds it
    gone).
    """
    taken = await session.execute(
        update(Announcement)
        .where(_own_draft(announcement_id, created_by))
        .values(status=AnnouncementStatus.SCHEDULED)
        .returning(Announcement.id)
        .execution_options(synchronize_session=False)
    )
    if taken.first() is None:
        await session.rollback()
        return None
    announcement = await session.get(Announcement, announcement_id, populate_existing=True)
    assert announcement is not None  # taken by this transaction a moment ago
    return await _launch(session, announcement, due_at=due_at, now=now, year=year, target=target)


async def _launch(
    session: AsyncSession,
    announcement: Announcement,
    *,
    due_at: datetime,
    now: datetime,
    year: int,
    target: int,
) -> Announcement:
    """Audit the creation, then write the rows now or leave it SCHEDULED for `start_due` (commits)."""
    announcement.scheduled_at = due_at
    audit.record(
        session,
        action="announcement.created",
        actor_telegram_id=announcement.created_by,
        subject=f"announcement:{announcement.id}",
        details={"audience": announcement.audience, "due_at": due_at.isoformat()},
    )
    if due_at <= now:
        await _start(session, announcement, now=now, year=year, target=target)
    if announcement.created_by is not None:
        await _forget_step(session, announcement.created_by)
    await session.commit()
    return announcement


async def _start(
    session: AsyncSession, announcement: Announcement, *, now: datetime, year: int, target: int
) -> None:
    """One outbox row per chat in the audience as it is now, and SENDING (DONE when nobody is
    in it); the dedupe key `announcement:<id>:<chat>` makes a second run add nothing."""
    audience = audience_from(announcement.audience)
    chats = list(await session.scalars(_recipients(audience, year=year, target=target)))
    due_at = min(announcement.scheduled_at or now, now)
    html_body = body(announcement.text)
    await outbox.enqueue_many(
        session,
        (
            outbox.NewMessage(
                chat_id=chat_id,
                kind=NotificationKind.ANNOUNCEMENT,
                due_at=due_at,
                text=html_body,
                announcement_id=announcement.id,
                dedupe_key=f"announcement:{announcement.id}:{chat_id}",
            )
            for chat_id in chats
        ),
    )
    announcement.recipient_count = len(chats)
    if chats:
        announcement.status = AnnouncementStatus.SENDING
    else:
        announcement.status, announcement.finished_at = AnnouncementStatus.DONE, now
    audit.record(
        session,
        action="announcement.started",
        actor_telegram_id=announcement.created_by,
        subject=f"announcement:{announcement.id}",
        details={"recipients": len(chats)},
    )


async def start_due(session: AsyncSession, *, now: datetime, year: int, target: int) -> list[int]:
    """Send the scheduled announcements whose time has come to their audience as it is now;
    the ids started. When none is due this is one query over the announcements table (one row
    per announcement HR ever made, so small), cheap enough for every dispatcher round. Each
    one started is its own transaction (commits), taken by a conditional UPDATE so that two
    dispatchers never both write its rows."""
    due = list(
        await session.scalars(
            select(Announcement.id).where(
                Announcement.status == AnnouncementStatus.SCHEDULED, Announcement.scheduled_at <= now
            )
        )
    )
    started = []
    for announcement_id in due:
        taken = await session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id, Announcement.status == AnnouncementStatus.SCHEDULED)
            .values(status=AnnouncementStatus.SENDING)
            .returning(Announcement.id)
            .execution_options(synchronize_session=False)
        )
        if taken.first() is None:
            await session.rollback()
            continue
        announcement = await session.get(Announcement, announcement_id, populate_existing=True)
        assert announcement is not None  # taken by this transaction a moment ago
        await _start(session, announcement, now=now, year=year, target=target)
        await session.commit()
        started.append(announcement_id)
    return started


async def attachments(session: AsyncSession, announcement_ids: Iterable[int]) -> dict[int, Attachment]:
    """The photo or document of each of these announcements that has one (one query)."""
    ids = set(announcement_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Announcement.id, Announcement.photo_file_id, Announcement.document_file_id).where(
            Announcement.id.in_(ids),
            or_(Announcement.photo_file_id.is_not(None), Announcement.document_file_id.is_not(None)),
        )
    )
    return {
        r.id: Attachment(PHOTO, r.photo_file_id)
        if r.photo_file_id is not None
        else Attachment(DOCUMENT, r.document_file_id)
        for r in rows
    }


# ---------------------------------------------------------------------------- progress and control


async def find(session: AsyncSession, *, announcement_id: int) -> Announcement | None:
    """An announcement that was sent or scheduled (drafts are their author's business)."""
    found = await session.get(Announcement, announcement_id, populate_existing=True)
    return None if found is None or found.status is AnnouncementStatus.DRAFT else found


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
    return Tally(**counts)


def unstarted(announcement: Announcement) -> bool:
    """Its outbox rows are still to be written (for the audience as it is then): scheduled, or
    paused before its time. Rows once written set `recipient_count`; an announcement written
    for nobody is DONE at once, so a paused one with no recipients was never started."""
    if announcement.status is AnnouncementStatus.SCHEDULED:
        return True
    return announcement.status is AnnouncementStatus.PAUSED and announcement.recipient_count == 0


async def pause(session: AsyncSession, *, announcement_id: int, actor: int, now: datetime) -> Change:
    """Hold the rows not yet sent (those in flight still go); a scheduled announcement paused
    before its time is not sent until resumed (commits)."""
    await finish(session, announcement_ids=[announcement_id], now=now)
    change = await _change(
        session,
        announcement_id,
        actor,
        action="paused",
        allowed=(AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING),
        to=lambda _announcement: AnnouncementStatus.PAUSED,
    )
    await session.commit()
    return change


async def resume(session: AsyncSession, *, announcement_id: int, actor: int, now: datetime) -> Change:
    """Let the held rows go again; one paused before its time is scheduled again, and goes out
    at once (to its audience as it is then) if that time has passed (commits)."""

    def back(announcement: Announcement) -> AnnouncementStatus:
        return AnnouncementStatus.SCHEDULED if unstarted(announcement) else AnnouncementStatus.SENDING

    change = await _change(
        session, announcement_id, actor, action="resumed", allowed=(AnnouncementStatus.PAUSED,), to=back
    )
    if change is Change.DONE:
        await finish(session, announcement_ids=[announcement_id], now=now)
    await session.commit()
    return change


async def cancel(session: AsyncSession, *, announcement_id: int, actor: int, now: datetime) -> Change:
    """Withdraw every row not yet sent: they are skipped, not deleted, so the history keeps
    who was not reached; the status and the rows change in one transaction (commits)."""
    allowed = (AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING, AnnouncementStatus.PAUSED)
    change = await _change(
        session,
        announcement_id,
        actor,
        action="cancelled",
        allowed=allowed,
        to=lambda _announcement: AnnouncementStatus.CANCELLED,
        finished_at=now,
    )
    if change is Change.DONE:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.announcement_id == announcement_id, OutboxMessage.state == OutboxState.PENDING
            )
            .values(state=OutboxState.SKIPPED, last_error=CANCELLED, lease_until=None)
            .execution_options(synchronize_session=False)
        )
    await session.commit()
    return change


async def _change(
    session: AsyncSession,
    announcement_id: int,
    actor: int,
    *,
    action: str,
    allowed: tuple[AnnouncementStatus, ...],
    to: Callable[[Announcement], AnnouncementStatus],
    finished_at: datetime | None = None,
) -> Change:
    """One status change, made only from an allowed status and audited; the caller commits."""
    found = await session.get(Announcement, announcement_id, with_for_update=True, populate_existing=True)
    if found is None or found.status is AnnouncementStatus.DRAFT:
        return Change.NOT_FOUND
    if found.status not in allowed:
        return Change.NOT_ALLOWED
    found.status = to(found)
    if finished_at is not None:
        found.finished_at = finished_at
    pending = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.announcement_id == announcement_id, OutboxMessage.state == OutboxState.PENDING)
    )
    audit.record(
        session,
        action=f"announcement.{action}",
        actor_telegram_id=actor,
        subject=f"announcement:{announcement_id}",
        details={
            "audience": found.audience,
            "recipients": found.recipient_count,
            "pending": int(pending or 0),
        },
    )
    return Change.DONE


async def finish(
    session: AsyncSession, *, now: datetime, announcement_ids: Iterable[int] | None = None
) -> list[int]:
    """Mark done the announcements (these, or every one under way when None) with no row left
    to send, and queue each one's report to its creator; the ids marked done. One index probe
    per announcement under way, whatever its number of rows: cheap enough to run after every
    dispatcher batch and,
    when the dispatcher is idle, every `Dispatcher.sweep_interval` seconds: that catches
    announcements whose last rows were skipped or deleted elsewhere (a blocked chat, a chat
    erasing its data) or whose dispatcher died before this check. Leaves the commit to the
    caller.

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
    unsent = OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.SENDING))
    # First, per announcement under way, one probe of the (announcement, state) index for a row
    # left to send: as a single anti-join PostgreSQL read every pending row of the outbox, and
    # SQLite every row of the announcement already sent, after every dispatcher batch.
    under_way = await session.scalars(
        select(Announcement.id).where(chosen, Announcement.status == AnnouncementStatus.SENDING)
    )
    finished = [
        announcement_id
        for announcement_id in under_way.all()
        if await session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.announcement_id == announcement_id, unsent).limit(1)
        )
        is None
    ]
    if not finished:
        return []
    # The UPDATE checks again, so a row written meanwhile keeps its announcement under way.
    left = select(OutboxMessage.id).where(OutboxMessage.announcement_id == Announcement.id, unsent).exists()
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
        if row.created_by is None:
            continue
        counts = await tally(session, announcement_id=row.id)
        started = row.scheduled_at or now
        await outbox.enqueue(
            session,
            chat_id=row.created_by,
            kind=NotificationKind.ANNOUNCEMENT_REPORT,
            due_at=now,
            template=REPORT_TEMPLATE,
            context={
                "announcement_id": row.id,
                "preview": snippet(row.text),
                "sent": counts.sent,
                "failed": counts.failed,
                "blocked": counts.blocked,
                "skipped": counts.skipped,
                "seconds": max(0, int((now - started).total_seconds())),
            },
            dedupe_key=f"announcement-report:{row.id}",
        )
    return [row.id for row in done]


# ---------------------------------------------------------------------------- history and pickers


def snippet(text: str, words: int = SNIPPET_WORDS) -> str:
    """The first few words of a text, for lists."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


async def history(session: AsyncSession, *, page: int, per_page: int) -> HistoryPage:
    """Sent and scheduled announcements, newest first; `page` is clamped into range."""
    sent = Announcement.status != AnnouncementStatus.DRAFT
    total = int(await session.scalar(select(func.count()).select_from(Announcement).where(sent)) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    items = list(
        await session.scalars(
            select(Announcement)
            .where(sent)
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .offset(page * per_page)
            .limit(per_page)
        )
    )
    return HistoryPage(items, page, pages, total)


async def options(session: AsyncSession, *, kind: str) -> list[Option]:
    """What an audience filter can be set to, from the data: `units`, `position_types` and
    `ranks` that some employee has, `events` (newest first) and `competencies`. The id of a
    position type or rank is its index in the fixed list (`POSITION_TYPES`, `RANKS`)."""
    if kind == "units":
        rows = await session.execute(select(Unit.id, Unit.name).order_by(Unit.name))
        return [Option(r.id, r.name) for r in rows]
    if kind == "events":
        rows = await session.execute(
            select(Event.id, Event.code, Event.title).order_by(Event.starts_at.desc(), Event.id.desc())
        )
        return [Option(r.id, f"{r.code} — {r.title}") for r in rows]
    if kind == "competencies":
        rows = await session.execute(select(Competency.id, Competency.name).order_by(Competency.name))
        return [Option(r.id, r.name) for r in rows]
    if kind == "position_types":
        present = set(await session.scalars(select(Employee.position_type).distinct()))
        return [Option(i, name) for i, name in enumerate(POSITION_TYPES) if name in present]
    if kind == "ranks":
        present = set(await session.scalars(select(Employee.rank).distinct()))
        return [Option(i, name) for i, name in enumerate(RANKS) if name in present]
    raise ValueError(f"unknown audience option {kind!r}")


async def option_name(session: AsyncSession, *, kind: str, option_id: int) -> str | None:
    """The value behind an option's id (a unit's name, an event's code…), None if unknown."""
    name: str | None = None
    if kind == "units":
        name = await session.scalar(select(Unit.name).where(Unit.id == option_id))
    elif kind == "events":
        name = await session.scalar(select(Event.code).where(Event.id == option_id))
    elif kind == "competencies":
        name = await session.scalar(select(Competency.name).where(Competency.id == option_id))
    else:
        fixed = {"position_types": POSITION_TYPES, "ranks": RANKS}.get(kind)
        if fixed is None:
            raise ValueError(f"unknown audience option {kind!r}")
        name = fixed[option_id] if 0 <= option_id < len(fixed) else None
    return name


def toggle(audience: Audience, *, kind: str, value: str) -> Audience:
    """The audience with `value` added to or removed from a filter; events and competencies
    hold one value, which pressing again clears."""
    if kind == "events":
        same = (audience.event_code or "").casefold() == value.casefold()
        return replace(audience, event_code=None if same else value)
    if kind == "competencies":
        same = (audience.gap_competency or "").casefold() == value.casefold()
        return replace(audience, gap_competency=None if same else value)

    def flip(current: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v for v in current if v != value) if value in current else (*current, value)

    if kind == "units":
        return replace(audience, units=flip(audience.units))
    if kind == "position_types":
        return replace(audience, position_types=flip(audience.position_types))
    if kind == "ranks":
        return replace(audience, ranks=flip(audience.ranks))
    raise ValueError(f"unknown audience option {kind!r}")
