"""The catalog of upcoming trainings, seminars and workshops: pages of event cards,
the "by competency" filter, one event's detail, and the events recommended to an ASN
(those developing a competency below their standard first, then those bringing JP still
missing this year). Only published events are ever listed to an ASN; drafts and events in
review are not in the catalog at all.

Every listing costs a fixed number of queries, whatever the page size: the events, then
their competencies and target positions for all of them in one statement.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Select,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.competency import CompetencyLine, CompetencyStatus, JpmThresholds, competency_status
from db.eligibility import eligible
from db.learning import JpSummary, year_summary
from db.models import (
    Allocation,
    Competency,
    Employee,
    Event,
    EventKind,
    EventStatus,
    Position,
    Registration,
    RegistrationStatus,
    event_competencies,
    event_positions,
)

_COMPETENCY = "c"
_POSITION = "p"
#: The office time zone unless the caller says otherwise (`BOT_TIMEZONE`'s default).
OFFICE_TIMEZONE = ZoneInfo("Asia/Makassar")
#: Statuses that are not in the catalog for an ASN.
_UNPUBLISHED = (EventStatus.DRAFT, EventStatus.REVIEW)
#: Registrations that no longer take part (registering again is allowed after a cancellation;
#: neither clashes with another event).
_GONE = (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)


@dataclass(frozen=True, slots=True)
class EventCard:
    """What an ASN sees of an event in the catalog and its detail view."""

    id: int
    code: str
    title: str
    kind: EventKind
    organizer: str
    description: str | None
    starts_at: datetime
    ends_at: datetime
    location: str
    jp: int
    quota: int
    seats_left: int
    registration_deadline: datetime
    competencies: list[str]
    competency_ids: list[int]
    target_positions: list[str]
    cost: int | None
    requires_approval: bool
    allocation: Allocation
    registration_opens_at: datetime | None = None
    target_position_types: list[str] = field(default_factory=list)
    status: EventStatus = EventStatus.PUBLISHED
    #: The office-time year the event ends in: the year its JP count for.
    jp_year: int = 0


@dataclass(frozen=True, slots=True)
class Page:
    """One page of event cards; `page` is 0-based and `pages` at least 1."""

    items: list[EventCard]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class GapClosed:
    """A competency an event develops in which the employee is below the standard: their
    level and the level their position requires (the event works on it; it does not award
    a level)."""

    competency: str
    assessed: int | None
    required: int


@dataclass(frozen=True, slots=True)
class Recommendation:
    """An event recommended to an ASN, and why: the competencies below standard it develops,
    and the JP it brings toward the target of `year` (none when the event ends in another
    office-time year, `event.jp_year`: an event in January counts for that year, not this)."""

    event: EventCard
    gaps_closed: list[GapClosed]
    jp_toward_target: int
    year: int = 0

    @property
    def has_reason(self) -> bool:
        """It develops a competency below standard or brings JP still missing."""
        return bool(self.gaps_closed or self.jp_toward_target)


@dataclass(slots=True)
class _Tags:
    competencies: list[tuple[int, str]] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)


async def _tags(session: AsyncSession, event_ids: Iterable[int]) -> dict[int, _Tags]:
    """Competencies and target positions of these events, in one statement."""
    ids = list(event_ids)
    tags: dict[int, _Tags] = {event_id: _Tags() for event_id in ids}
    if not ids:
        return tags
    for event_id, tag, tag_id, name in (await session.execute(_tags_statement(), {"ids": ids})).all():
        if tag == _COMPETENCY:
            tags[event_id].competencies.append((tag_id, name))
        else:
            tags[event_id].positions.append(name)
    for found in tags.values():
        found.competencies.sort(key=lambda pair: pair[1].casefold())
        found.positions.sort(key=str.casefold)
    return tags


@functools.cache
def _tags_statement() -> CompoundSelect[tuple[int, str, int, str]]:
    """`_tags`' statement, built once (the events' ids are its `ids` parameter)."""
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    competencies = (
        select(
            event_competencies.c.event_id,
            literal_column(f"'{_COMPETENCY}'").label("tag"),
            Competency.id,
            Competency.name,
        )
        .join(Competency, Competency.id == event_competencies.c.competency_id)
        .where(event_competencies.c.event_id.in_(ids))
    )
    positions = (
        select(
            event_positions.c.event_id,
            literal_column(f"'{_POSITION}'").label("tag"),
            Position.id,
            Position.name,
        )
        .join(Position, Position.id == event_positions.c.position_id)
        .where(event_positions.c.event_id.in_(ids))
    )
    return union_all(competencies, positions)


def _card(event: Event, tags: _Tags, timezone: ZoneInfo) -> EventCard:
    return EventCard(
        id=event.id,
        code=event.code,
        title=event.title,
        kind=event.kind,
        organizer=event.organizer,
        description=event.description,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=event.location,
        jp=event.jp,
        quota=event.quota,
        seats_left=max(0, event.quota - event.seats_taken),
        registration_deadline=event.registration_deadline,
        competencies=[name for _, name in tags.competencies],
        competency_ids=[competency_id for competency_id, _ in tags.competencies],
        target_positions=tags.positions,
        cost=event.cost,
        requires_approval=event.requires_approval,
        allocation=event.allocation,
        registration_opens_at=event.registration_opens_at,
        target_position_types=[str(t) for t in event.target_position_types],
        status=event.status,
        jp_year=event.ends_at.astimezone(timezone).year,
    )


def _upcoming(
    kinds: list[EventKind] | BindParameter[list[EventKind]], now: datetime | BindParameter[datetime]
) -> list[ColumnElement[bool]]:
    """Published events of these kinds that have not ended (values, or bound parameters)."""
    return [Event.status == EventStatus.PUBLISHED, Event.kind.in_(kinds), Event.ends_at > now]


async def upcoming_events(
    session: AsyncSession,
    *,
    kinds: frozenset[EventKind],
    now: datetime,
    page: int = 0,
    per_page: int = 5,
    competency_id: int | None = None,
    timezone: ZoneInfo = OFFICE_TIMEZONE,
) -> Page:
    """A page of published events that have not ended, soonest first (then by code).

    A page outside the range is clamped into it. With `competency_id`, only events
    targeting that competency. Two queries whatever `per_page` is (the page with the count of
    all, the page's competencies and positions); one more for a page past the last.
    """
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    params: dict[str, object] = {"kinds": sorted(kinds), "now": now, "competency_id": competency_id}
    statement = _listing_statement(competency_id is not None)

    async def rows_of(page: int, per_page: int) -> Sequence[Row[tuple[Event, int]]]:
        return (
            await session.execute(statement, {**params, "offset": page * per_page, "limit": per_page})
        ).all()

    page = max(page, 0)
    rows = await rows_of(page, per_page)
    if not rows and page > 0:  # past the last page (the catalog shrank since): the last one
        first = await rows_of(0, 1)
        page = max(0, -(-first[0].total // per_page) - 1) if first else 0
        rows = await rows_of(page, per_page)
    total = rows[0].total if rows else 0
    events = [row[0] for row in rows]
    tags = await _tags(session, (event.id for event in events))
    items = [_card(event, tags[event.id], timezone) for event in events]
    return Page(items=items, page=page, pages=max(1, -(-total // per_page)), total=total)


@functools.cache
def _listing_statement(filtered: bool) -> Select[tuple[Event, int]]:
    """`upcoming_events`' page between the `offset` and `limit` parameters, each row with the
    count of all, built once (each /pelatihan and /seminar asks it); `filtered`: only events
    targeting the `competency_id` parameter."""
    conditions = _upcoming(bindparam("kinds", expanding=True), bindparam("now"))
    if filtered:
        conditions.append(
            Event.id.in_(
                select(event_competencies.c.event_id).where(
                    event_competencies.c.competency_id == bindparam("competency_id")
                )
            )
        )
    return (
        select(Event, func.count().over().label("total"))
        .where(*conditions)
        .order_by(Event.starts_at, Event.code)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


async def event_card(
    session: AsyncSession, *, event_id: int, timezone: ZoneInfo = OFFICE_TIMEZONE
) -> EventCard | None:
    """One event's card, published or cancelled (the detail view says when it is cancelled);
    None if unknown, a draft or in review: those are not shown to an ASN."""
    event = await session.get(Event, event_id)
    if event is None or event.status in _UNPUBLISHED:
        return None
    tags = await _tags(session, [event.id])
    return _card(event, tags[event.id], timezone)


async def competencies_in_catalog(
    session: AsyncSession, *, kinds: frozenset[EventKind], now: datetime
) -> list[tuple[int, str]]:
    """(id, name) of the competencies that upcoming events of these kinds target, by name."""
    rows = await session.execute(
        select(Competency.id, Competency.name)
        .join(event_competencies, event_competencies.c.competency_id == Competency.id)
        .join(Event, Event.id == event_competencies.c.event_id)
        .where(*_upcoming(sorted(kinds), now))
        .distinct()
        .order_by(Competency.name)
    )
    return [(competency_id, name) for competency_id, name in rows.all()]


async def recommendations(
    session: AsyncSession,
    *,
    employee_id: int,
    now: datetime,
    year: int,
    target: int,
    kinds: frozenset[EventKind] | None = None,
    limit: int = 5,
    status: CompetencyStatus | None = None,
    summary: JpSummary | None = None,
    timezone: ZoneInfo = OFFICE_TIMEZONE,
) -> list[Recommendation]:
    """Events to recommend to an ASN, best first (five queries; two when the caller already has
    the employee's competency `status` and this year's JP `summary` with the JP planned, for
    the same employee, year and target).  `reasons` gives one event's reasons (they do not
    depend on the other events).

    Candidates are the events the employee can register for now — what `db.registration`
    would accept (tests/db/test_recommend.py holds the two together): published,
    registration open now (`registration_opens_at` unset or past, `registration_deadline`
    ahead), not already registered by this employee (a cancelled registration does not
    count), open to them (target positions, position types and units, each when the event
    sets it) and not clashing with another event they take part in. Ranked by
    1. the total gap the event targets: Σ (required − assessed) over its competencies in
       which the employee is below the standard, descending;
    2. the JP it brings toward `year`'s target: min(event JP, JP still missing and not
       planned), descending; nothing for an event ending in another (office-time) year;
    3. start, soonest first; 4. code.
    An event targeting no gap and bringing no missing JP is still listed, after all others,
    so an ASN who has reached the target still sees something.
    """
    if limit < 1:
        return []
    # The JPM thresholds do not matter here: only the gaps rank events.
    if status is None:
        status = await competency_status(session, employee_id=employee_id, thresholds=JpmThresholds())
    if summary is None:
        summary = await year_summary(
            session, employee_id=employee_id, year=year, target=target, now=now, timezone=timezone
        )
    events = await _open_to(session, employee_id=employee_id, now=now, kinds=kinds)
    tags = await _tags(session, (event.id for event in events))
    gaps = {line.competency_id: line for line in status.gaps}
    ranked = [
        _recommend(_card(event, tags[event.id], timezone), gaps, missing=summary.unplanned, year=year)
        for event in events
    ]
    ranked.sort(key=lambda pair: pair[0])
    return [recommendation for _, recommendation in ranked[:limit]]


async def _open_to(
    session: AsyncSession,
    *,
    employee_id: int,
    now: datetime,
    kinds: frozenset[EventKind] | None,
) -> list[Event]:
    """The candidates of `recommendations`."""
    params: dict[str, object] = {"employee_id": employee_id, "now": now}
    if kinds is not None:
        params["kinds"] = sorted(kinds)
    return list(await session.scalars(_open_statement(kinds is not None), params))


@functools.cache
def _open_statement(with_kinds: bool) -> Select[tuple[Event]]:
    """The candidates of `recommendations`, built once: published, registration open `now`,
    not registered by the employee (a cancelled registration does not count), open to them
    (`db.eligibility`) and not clashing with an event they take part in; with `with_kinds`,
    only the `kinds`. One query: the employee's position, type and unit come joined to each
    event."""
    employee_id: BindParameter[int] = bindparam("employee_id")
    now: BindParameter[datetime] = bindparam("now")
    active = select(Registration.event_id).where(
        Registration.employee_id == employee_id, Registration.status != RegistrationStatus.CANCELLED
    )
    other = aliased(Event)
    clash = (
        select(Registration.id)
        .join(other, other.id == Registration.event_id)
        .where(
            Registration.employee_id == employee_id,
            Registration.status.not_in(_GONE),
            other.id != Event.id,
            other.status == EventStatus.PUBLISHED,
            other.starts_at < Event.ends_at,
            other.ends_at > Event.starts_at,
        )
        .exists()
    )
    conditions: list[ColumnElement[bool]] = [
        Event.status == EventStatus.PUBLISHED,
        Event.registration_deadline > now,
        or_(Event.registration_opens_at.is_(None), Event.registration_opens_at <= now),
        Event.id.not_in(active),
        eligible(),
        ~clash,
    ]
    if with_kinds:
        conditions.append(Event.kind.in_(bindparam("kinds", expanding=True)))
    return select(Event).join(Employee, Employee.id == employee_id).where(*conditions)


def _recommend(
    card: EventCard, gaps: dict[int, CompetencyLine], *, missing: int, year: int
) -> tuple[tuple[int, int, datetime, str], Recommendation]:
    """The event as a recommendation (the gaps it targets, largest first, and the JP it brings
    toward the `missing` JP of `year`), with its rank key: gap total and JP descending, start,
    code."""
    targeted = sorted((gaps[c] for c in card.competency_ids if c in gaps), key=lambda line: -(line.gap or 0))
    gap_total = sum(line.gap or 0 for line in targeted)
    jp = min(card.jp, missing) if card.jp_year == year else 0
    closed = [GapClosed(line.name, line.assessed, line.required or 0) for line in targeted]
    recommendation = Recommendation(card, closed, jp, year=year)
    return (-gap_total, -jp, card.starts_at, card.code), recommendation


async def reasons(
    session: AsyncSession,
    card: EventCard,
    *,
    employee_id: int,
    now: datetime,
    year: int,
    target: int,
    timezone: ZoneInfo = OFFICE_TIMEZONE,
) -> Recommendation:
    """Why `recommendations` would recommend this event to the employee — the gaps it develops
    and the JP it brings — for an event they can register for (`db.registration.refusal` says
    None): two queries, the candidates' check already being done."""
    status = await competency_status(session, employee_id=employee_id, thresholds=JpmThresholds())
    summary = await year_summary(
        session, employee_id=employee_id, year=year, target=target, now=now, timezone=timezone
    )
    gaps = {line.competency_id: line for line in status.gaps}
    return _recommend(card, gaps, missing=summary.unplanned, year=year)[1]
