"""Events made and edited in the chat (`db.events.creating`, `drafting`, `editing`,
`publishing`): a draft with defaults and a readable code, values read and refused with a
reason, drafts nobody can register for, publishing with and without HR's review, another
organizer's event refused and audited, a copy for the next batch, Sunday and holiday warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import registration
from db.admin import Scope
from db.events import creating, drafting, editing, publishing
from db.events.drafting import Item
from db.events.proposal import EventChangeError
from db.models import (
    Allocation,
    AuditLog,
    Employee,
    Event,
    EventKind,
    EventStatus,
    Organizer,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    TelegramAccount,
)
from db.registration import RegistrationError
from tests.utils.events import make_event
from tests.utils.office_time import WITA, wita

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
HR = Scope(9001, hr=True)
UNDANA = "Universitas Nusa Cendana"
ORGANIZER = Scope(9002, hr=False, organizers=frozenset({UNDANA}))
OTHER = Scope(9003, hr=False, organizers=frozenset({"Politeknik Negeri Kupang"}))


async def _draft(
    session: AsyncSession, kind: EventKind = EventKind.SEMINAR, organizer: str = UNDANA
) -> Event:
    return await creating.create_draft(
        session,
        kind=kind,
        title="Seminar Kebijakan Publik",
        organizer=organizer,
        actor=9002,
        now=NOW,
        timezone=WITA,
    )


async def _set(session: AsyncSession, event: Event, item: Item, text: str) -> None:
    loaded = await drafting.load(session, event.id)
    assert loaded is not None
    after = drafting.read_typed(item, text, timezone=WITA)
    change = editing.preview(event=loaded, item=item, after=after, now=NOW)
    await editing.write(
        session, event=loaded, item=item, values=change.after, actor=9002, now=NOW, timezone=WITA
    )


async def _actions(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


async def test_a_new_event_is_a_draft_with_defaults_and_a_readable_code(session: AsyncSession) -> None:
    first = await _draft(session)
    second = await _draft(session)
    assert first.status is EventStatus.DRAFT
    assert first.code == "SEM-20261215-01"
    assert second.code == "SEM-20261215-02"
    assert first.starts_at == wita(2026, 12, 15, 8)
    assert first.registration_deadline == wita(2026, 12, 12, 8)
    assert (first.quota, first.jp, first.created_by) == (30, 2, 9002)
    # the code and the deadline follow the draft's schedule
    await _set(session, first, Item.SCHEDULE, "22/12/2026 08.00-12.00")
    moved = await drafting.load(session, first.id)
    assert moved is not None
    assert moved.code == "SEM-20261222-01"
    assert moved.registration_deadline == wita(2026, 12, 19, 8)
    assert await _actions(session) == ["event.create", "event.create", "event.edit"]


@pytest.mark.parametrize(
    ("item", "text", "reason"),
    [
        (Item.QUOTA, "tiga puluh", "not_a_number"),
        (Item.QUOTA, "0", "out_of_range"),
        (Item.COST, "Rp 1.500.000", None),
        (Item.SCHEDULE, "22/12/2026 16.00-08.00", "ends_before_start"),
        (Item.SCHEDULE, "31/11/2026 08.00-16.00", "no_such_date"),
        (Item.SCHEDULE, "besok pagi", "format"),
        (Item.DEADLINE, "20/12/2026", "deadline_after_start"),
        (Item.DEADLINE, "30/11/2026", "deadline_in_past"),
        (Item.PLACE, "https://zoom us/j/1", "bad_link"),
        (Item.TITLE, "   ", "empty"),
    ],
)
async def test_typed_values_are_refused_with_a_reason(
    session: AsyncSession, item: Item, text: str, reason: str | None
) -> None:
    event = await _draft(session)
    if reason is None:
        await _set(session, event, item, text)
        assert event.cost == 1_500_000
        return
    with pytest.raises(EventChangeError) as refused:
        await _set(session, event, item, text)
    assert refused.value.reason == reason


async def test_nobody_registers_for_a_draft_or_an_event_under_review(
    session: AsyncSession, asn: list[Employee]
) -> None:
    event = await _draft(session)
    await _set(session, event, Item.PLACE, "Aula Undana, Penfui")
    with pytest.raises(RegistrationError) as refused:
        await registration.register(session, event_id=event.id, employee_id=asn[0].id, now=NOW)
    assert refused.value.reason == "not_published"
    session.add(Organizer(name=UNDANA, review_required=True))
    await session.commit()
    assert await publishing.publish(session, scope=ORGANIZER, event_id=event.id, actor=9002, now=NOW) is (
        EventStatus.REVIEW
    )
    with pytest.raises(RegistrationError) as still:
        await registration.register(session, event_id=event.id, employee_id=asn[0].id, now=NOW)
    assert still.value.reason == "not_published"


async def test_an_organizer_without_review_publishes_at_once(
    session: AsyncSession, asn: list[Employee]
) -> None:
    event = await _draft(session)
    with pytest.raises(EventChangeError) as refused:
        await publishing.publish(session, scope=ORGANIZER, event_id=event.id, actor=9002, now=NOW)
    assert refused.value.reason == "no_place"
    await _set(session, event, Item.PLACE, "Aula Undana, Penfui")
    status = await publishing.publish(session, scope=ORGANIZER, event_id=event.id, actor=9002, now=NOW)
    assert status is EventStatus.PUBLISHED
    registered = await registration.register(session, event_id=event.id, employee_id=asn[0].id, now=NOW)
    assert registered.status.value == "registered"
    with pytest.raises(EventChangeError) as twice:
        await publishing.publish(session, scope=ORGANIZER, event_id=event.id, actor=9002, now=NOW)
    assert twice.value.reason == "not_draft"


async def test_a_webinar_needs_a_link_before_it_is_published(session: AsyncSession) -> None:
    event = await _draft(session, EventKind.WEBINAR)
    await _set(session, event, Item.PLACE, "Ruang rapat Undana")
    with pytest.raises(EventChangeError) as refused:
        await publishing.publish(session, scope=HR, event_id=event.id, actor=9001, now=NOW)
    assert refused.value.reason == "webinar_needs_link"
    await _set(session, event, Item.PLACE, "https://zoom.us/j/123")
    assert await publishing.publish(session, scope=HR, event_id=event.id, actor=9001, now=NOW) is (
        EventStatus.PUBLISHED
    )
    assert (event.location, event.online_url) == ("Ruang rapat Undana", "https://zoom.us/j/123")


async def test_hr_approves_or_sends_back_and_the_organizer_is_told(session: AsyncSession) -> None:
    session.add(Organizer(name=UNDANA, review_required=True))
    session.add(TelegramAccount(telegram_user_id=9002, chat_id=9002, language="id"))
    first, second = await _draft(session), await _draft(session)
    for event in (first, second):
        await _set(session, event, Item.PLACE, "Aula Undana")
        await publishing.publish(session, scope=ORGANIZER, event_id=event.id, actor=9002, now=NOW)
    assert [w.id for w in await publishing.waiting(session)] == [first.id, second.id]

    await publishing.decide(session, event_id=first.id, approve=True, reason=None, actor=9001, now=NOW)
    await publishing.decide(
        session, event_id=second.id, approve=False, reason="Tautan pendaftaran belum ada", actor=9001, now=NOW
    )
    assert (first.status, second.status) == (EventStatus.PUBLISHED, EventStatus.DRAFT)
    assert await publishing.waiting(session) == []
    told = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [(m.chat_id, m.template, m.context["outcome"]) for m in told] == [
        (9002, "editor_reviewed", "approved"),
        (9002, "editor_reviewed", "returned"),
    ]
    assert told[1].context["reason"] == "Tautan pendaftaran belum ada"
    with pytest.raises(EventChangeError) as again:
        await publishing.decide(session, event_id=first.id, approve=True, reason=None, actor=9001, now=NOW)
    assert again.value.reason == "not_in_review"


async def test_another_organizers_event_reads_as_gone_and_the_attempt_is_audited(
    session: AsyncSession,
) -> None:
    event = await _draft(session)
    assert await publishing.owned(session, scope=ORGANIZER, event_id=event.id) is not None
    assert await publishing.owned(session, scope=HR, event_id=event.id) is not None
    assert await publishing.owned(session, scope=OTHER, event_id=event.id) is None
    refusal = await session.scalar(select(AuditLog).where(AuditLog.action == "event.refused"))
    assert refusal is not None
    assert (refusal.actor_telegram_id, refusal.subject) == (9003, f"event:{event.id}")


async def test_a_copy_for_the_next_batch_is_a_new_draft_with_the_same_settings(session: AsyncSession) -> None:
    source = await make_event(
        session,
        "PKP-2026-01",
        starts_at=wita(2026, 12, 9, 9),
        competencies=["Pelayanan Publik"],
        positions=["Analis"],
    )
    source.allocation, source.requires_approval, source.cost = Allocation.PRIORITY, True, 2_000_000
    source.target_statuses = ["pppk"]
    await session.commit()
    copy = await creating.duplicate(session, event_id=source.id, actor=9001, now=NOW, timezone=WITA)
    assert copy is not None
    loaded = await drafting.load(session, copy.id)
    assert loaded is not None
    assert (loaded.status, loaded.code, loaded.title) == (EventStatus.DRAFT, "PEL-20261215-01", source.title)
    assert (loaded.allocation, loaded.requires_approval, loaded.cost) == (
        Allocation.PRIORITY,
        True,
        2_000_000,
    )
    assert [c.name for c in loaded.competencies] == ["Pelayanan Publik"]
    assert [p.name for p in loaded.target_positions] == ["Analis"]
    assert loaded.target_statuses == ["pppk"]
    assert (loaded.starts_at, loaded.ends_at) == (wita(2026, 12, 15, 9), wita(2026, 12, 15, 17))
    assert loaded.seats_taken == 0
    assert "event.duplicate" in await _actions(session)


async def test_sundays_and_holidays_are_warned_about_in_both_languages(session: AsyncSession) -> None:
    event = await _draft(session)
    await _set(session, event, Item.SCHEDULE, "24/12/2026 08.00 - 27/12/2026 12.00")
    found = publishing.days_off(event, timezone=WITA, lang="id")
    assert [(d.day, d.why) for d in found] == [
        (date(2026, 12, 25), "Hari Raya Natal"),
        (date(2026, 12, 27), "sunday"),
    ]
    english = publishing.days_off(event, timezone=WITA, lang="en")
    assert english[0].why == "Christmas Day"


async def test_an_online_only_event_reads_as_where_it_is_joined(session: AsyncSession) -> None:
    event = await _draft(session, EventKind.WEBINAR)
    await _set(session, event, Item.PLACE, "https://zoom.us/j/123")
    assert (event.location, event.online_url) == ("zoom.us", "https://zoom.us/j/123")
    assert await publishing.publish(session, scope=ORGANIZER, event_id=event.id, actor=9002, now=NOW) is (
        EventStatus.PUBLISHED
    )


async def test_more_seats_on_a_published_event_go_to_the_waiting_list_at_once(
    session: AsyncSession, asn: list[Employee]
) -> None:
    event = await make_event(session, "PKP-2026-02", starts_at=wita(2026, 12, 14), quota=1)
    for employee in asn[:2]:
        await registration.register(session, event_id=event.id, employee_id=employee.id, now=NOW)
    loaded = await drafting.load(session, event.id)
    assert loaded is not None
    change = editing.preview(event=loaded, item=Item.QUOTA, after={"quota": 2}, now=NOW)
    assert (change.before, change.after) == ({"quota": 1}, {"quota": 2})
    await editing.save(session, change=change, actor=9001, now=NOW, timezone=WITA)
    statuses = await session.scalars(
        select(Registration.status)
        .where(Registration.event_id == event.id)
        .execution_options(populate_existing=True)
    )
    assert set(statuses) == {RegistrationStatus.REGISTERED}
    # a second press of the same save finds it made
    assert await editing.save(session, change=change, actor=9001, now=NOW, timezone=WITA) == 0
