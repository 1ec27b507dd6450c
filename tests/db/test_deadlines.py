"""Registration deadline approaching: at 07.00 WITA two days before an event closes, one
digest per ASN per day to those the event is recommended to (a gap it targets, open to
them, not registered), never twice, withdrawn when no longer true, opt-out respected."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import accounts, deadlines, events, registration
from db.models import (
    Employee,
    Event,
    LearningRecord,
    NotificationKind,
    OutboxMessage,
    OutboxState,
    TelegramAccount,
)
from db.reminders import Derived
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import DEFAULT_POSITION, make_employees, unit_id
from tests.utils.events import make_event
from tests.utils.office_time import WITA, wita

#: 7 December, 08.00 WITA: the digests of 8 December (events closing on the 10th) are derived.
NOW = wita(2026, 12, 7, 8)
ASSESSED = date(2026, 3, 1)
CLOSES = wita(2026, 12, 10, 16)


async def _people(session: AsyncSession, count: int, *, first: int = 0, link: bool = True) -> list[Employee]:
    """`count` linked analysts assessed 2 in Pelayanan Publik, where their position requires 3."""
    people = await make_employees(session, count, first=first)
    for employee in people:
        await assess(session, employee, {"Pelayanan Publik": 2}, on=ASSESSED)
        if link:
            session.add(
                TelegramAccount(
                    telegram_user_id=800 + employee.id, chat_id=800 + employee.id, employee_id=employee.id
                )
            )
    await session.commit()
    return people


async def _standard(session: AsyncSession) -> None:
    await set_standard(session, DEFAULT_POSITION, {"Pelayanan Publik": 3, "Integritas": 3})


async def _closing(
    session: AsyncSession,
    code: str,
    *,
    deadline: datetime = CLOSES,
    competencies: tuple[str, ...] = ("Pelayanan Publik",),
    positions: tuple[str, ...] = (),
    position_types: tuple[str, ...] = (),
    unit_ids: tuple[int, ...] = (),
) -> Event:
    return await make_event(
        session,
        code,
        title=f"Pelatihan {code}",
        starts_at=deadline + timedelta(days=4),
        deadline=deadline,
        competencies=competencies,
        positions=positions,
        position_types=position_types,
        unit_ids=unit_ids,
    )


async def _digests(session: AsyncSession, state: OutboxState = OutboxState.PENDING) -> list[OutboxMessage]:
    found = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.dedupe_key.startswith(deadlines.PREFIX), OutboxMessage.state == state)
        .order_by(OutboxMessage.chat_id, OutboxMessage.due_at)
        .execution_options(populate_existing=True)
    )
    return list(found)


async def test_an_asn_with_a_gap_hears_at_seven_two_days_before_the_deadline(session: AsyncSession) -> None:
    await _standard(session)
    (maria,) = await _people(session, 1)
    await _closing(session, "PRIMA-01")

    assert await deadlines.derive(session, now=wita(2026, 12, 6, 8), timezone=WITA) == Derived(0, 0)
    assert await deadlines.derive(session, now=NOW, timezone=WITA) == Derived(added=1, withdrawn=0)
    (digest,) = await _digests(session)
    assert digest.chat_id == 800 + maria.id
    assert digest.kind is NotificationKind.DEADLINE
    assert digest.due_at == wita(2026, 12, 8, 7)
    assert digest.template == "event_deadline"
    assert [e["code"] for e in digest.context["events"]] == ["PRIMA-01"]
    assert digest.context["more"] == 0


async def test_deriving_again_adds_nothing(session: AsyncSession) -> None:
    await _standard(session)
    await _people(session, 3)
    await _closing(session, "PRIMA-01")
    assert (await deadlines.derive(session, now=NOW, timezone=WITA)).added == 3
    for minutes in (10, 20, 600):
        again = await deadlines.derive(session, now=NOW + timedelta(minutes=minutes), timezone=WITA)
        assert again == Derived(0, 0)
    assert len(await _digests(session)) == 3


async def test_only_asn_it_is_recommended_to_hear_about_it(session: AsyncSession) -> None:
    await _standard(session)
    gap, met, improved, registered, unlinked, other_unit, silenced = await _people(session, 7)
    await assess(session, met, {"Pelayanan Publik": 3}, on=ASSESSED + timedelta(days=1))
    await assess(session, improved, {"Pelayanan Publik": 4}, on=date(2026, 6, 1))
    await session.execute(
        update(TelegramAccount).where(TelegramAccount.employee_id == unlinked.id).values(employee_id=None)
    )
    other = await unit_id(session, "Dinas Kesehatan Kota Kupang")
    await session.execute(update(Employee).where(Employee.id == other_unit.id).values(unit_id=other))
    await session.commit()
    await accounts.toggle_notification(
        session,
        telegram_user_id=800 + silenced.id,
        chat_id=800 + silenced.id,
        language="id",
        kind=NotificationKind.DEADLINE,
    )
    event = await _closing(session, "PRIMA-01", unit_ids=(gap.unit_id, met.unit_id))
    await registration.register(session, event_id=event.id, employee_id=registered.id, now=NOW)

    await deadlines.derive(session, now=NOW, timezone=WITA)
    assert [d.chat_id for d in await _digests(session)] == [800 + gap.id]


async def test_target_positions_and_position_types_are_respected(session: AsyncSession) -> None:
    await _standard(session)
    (analyst,) = await _people(session, 1)
    await _closing(session, "KASI-01", positions=("Kepala Seksi",))
    await _closing(session, "JPT-01", position_types=("JPT Pratama",))
    await _closing(session, "FUNG-01", position_types=("fungsional",), positions=(DEFAULT_POSITION,))
    await _closing(session, "NONE-01", competencies=())

    await deadlines.derive(session, now=NOW, timezone=WITA)
    (digest,) = await _digests(session)
    assert digest.chat_id == 800 + analyst.id
    assert [e["code"] for e in digest.context["events"]] == ["FUNG-01"]


async def test_several_events_closing_the_same_day_make_one_digest_of_at_most_five(
    session: AsyncSession,
) -> None:
    await _standard(session)
    (maria,) = await _people(session, 1)
    for number in range(7):
        await _closing(session, f"PKP-{number:02d}", deadline=CLOSES - timedelta(hours=number))
    await _closing(session, "LATER-01", deadline=CLOSES + timedelta(days=1))

    await deadlines.derive(session, now=NOW, timezone=WITA)
    (digest,) = await _digests(session)
    assert [e["code"] for e in digest.context["events"]] == ["PKP-06", "PKP-05", "PKP-04", "PKP-03", "PKP-02"]
    assert digest.context["more"] == 2

    await deadlines.derive(session, now=NOW + timedelta(days=1), timezone=WITA)
    later = [d for d in await _digests(session) if d.due_at == wita(2026, 12, 9, 7)]
    assert [e["code"] for d in later for e in d.context["events"]] == ["LATER-01"]
    assert all(d.chat_id == 800 + maria.id for d in await _digests(session))


async def test_registering_withdraws_the_digest_and_cancelling_brings_it_back(session: AsyncSession) -> None:
    await _standard(session)
    (maria,) = await _people(session, 1)
    event = await _closing(session, "PRIMA-01")
    await deadlines.derive(session, now=NOW, timezone=WITA)

    result = await registration.register(session, event_id=event.id, employee_id=maria.id, now=NOW)
    assert await deadlines.derive(session, now=NOW, timezone=WITA) == Derived(added=0, withdrawn=1)
    assert await _digests(session) == []
    (withdrawn,) = await _digests(session, OutboxState.SKIPPED)
    assert str(withdrawn.last_error).startswith("withdrawn")

    await registration.cancel(
        session,
        registration_id=result.registration_id,
        employee_id=maria.id,
        now=NOW,
        cutoff=timedelta(hours=24),
    )
    assert await deadlines.derive(session, now=NOW, timezone=WITA) == Derived(added=1, withdrawn=0)
    assert len(await _digests(session)) == 1


async def test_a_cancelled_event_or_a_moved_deadline_withdraws_the_digest(session: AsyncSession) -> None:
    await _standard(session)
    await _people(session, 1)
    cancelled = await _closing(session, "PRIMA-01")
    moved = await _closing(session, "PRIMA-02", deadline=CLOSES + timedelta(days=1))
    now = wita(2026, 12, 8, 7, 30)  # in the grace of today's 07.00, and tomorrow's is within the horizon
    await deadlines.derive(session, now=now, timezone=WITA)
    assert len(await _digests(session)) == 2

    await events.cancel_event(
        session, event_id=cancelled.id, reason="speaker", reason_text=None, actor=1, now=now, timezone=WITA
    )
    proposal = await events.propose(
        session,
        event_id=moved.id,
        field=events.Field.DEADLINE,
        text="13/12/2026 16.00",
        now=now,
        timezone=WITA,
    )
    await events.apply_change(session, proposal=proposal, actor=1, now=now, timezone=WITA)
    assert await _digests(session) == []
    assert await deadlines.derive(session, now=now, timezone=WITA) == Derived(0, 0)


async def test_a_digest_sent_today_is_not_followed_by_another(session: AsyncSession) -> None:
    await _standard(session)
    await _people(session, 1)
    await _closing(session, "PRIMA-01")
    await deadlines.derive(session, now=NOW, timezone=WITA)
    await session.execute(update(OutboxMessage).values(state=OutboxState.SENT))
    await session.commit()
    await _closing(session, "PRIMA-02")
    assert await deadlines.derive(session, now=wita(2026, 12, 8, 7, 30), timezone=WITA) == Derived(0, 0)


async def test_a_digest_still_queued_after_its_time_is_sent_late_unless_the_asn_registered(
    session: AsyncSession,
) -> None:
    """A dispatcher hours behind on a long broadcast queue: the 07.00 digest waits, not vanishes."""
    await _standard(session)
    (maria,) = await _people(session, 1)
    event = await _closing(session, "PRIMA-01")
    await _closing(session, "PRIMA-02", deadline=CLOSES - timedelta(hours=2))
    await deadlines.derive(session, now=NOW, timezone=WITA)
    (digest,) = await _digests(session)
    assert digest.due_at == wita(2026, 12, 8, 7)

    late = wita(2026, 12, 8, 9)  # two hours past 07.00, nothing dispatched
    assert await deadlines.derive(session, now=late, timezone=WITA) == Derived(0, 0)
    assert [d.id for d in await _digests(session)] == [digest.id]
    await _closing(session, "PRIMA-03")  # published late: too late for a new digest, the old one stays
    assert await deadlines.derive(session, now=late, timezone=WITA) == Derived(0, 0)
    assert [d.id for d in await _digests(session)] == [digest.id]

    await registration.register(session, event_id=event.id, employee_id=maria.id, now=late)
    assert await deadlines.derive(session, now=late, timezone=WITA) == Derived(added=0, withdrawn=1)
    assert await _digests(session) == []


async def _jp(session: AsyncSession, employee: Employee, jp: int, *, title: str = "Bimtek SIASN") -> None:
    session.add(LearningRecord(employee_id=employee.id, title=title, completed_on=date(2026, 2, 3), jp=jp))
    await session.commit()


async def test_an_asn_below_the_jp_target_hears_of_events_bringing_jp_this_year(
    session: AsyncSession,
) -> None:
    """No competency below standard, but 4 of 20 JP: an open training closing soon is worth a
    word — unless its JP count for next year, the JP planned already reach the target, or it
    clashes with an event they take part in."""
    await _standard(session)
    short, reached, planned_enough, busy = await _people(session, 4)
    for employee in (short, reached, planned_enough, busy):
        await assess(session, employee, {"Pelayanan Publik": 3}, on=ASSESSED + timedelta(days=1))
        await _jp(session, employee, 4)
    await _jp(session, reached, 16, title="Pelatihan Kepemimpinan")
    coming = await make_event(session, "PP-DES", starts_at=wita(2026, 12, 21), jp=16, deadline=NOW)
    await registration.register(
        session, event_id=coming.id, employee_id=planned_enough.id, now=NOW - timedelta(hours=1)
    )
    await _closing(session, "UMUM-01", competencies=())
    await make_event(session, "UMUM-JAN", starts_at=wita(2027, 1, 4), deadline=CLOSES)
    elsewhere = await make_event(session, "SEM-BENTROK", starts_at=CLOSES + timedelta(days=4), deadline=NOW)
    await registration.register(
        session, event_id=elsewhere.id, employee_id=busy.id, now=NOW - timedelta(hours=1)
    )

    assert await deadlines.derive(session, now=NOW, timezone=WITA) == Derived(0, 0)
    assert (await deadlines.derive(session, now=NOW, timezone=WITA, target=20)).added == 1

    (digest,) = await _digests(session)
    assert digest.chat_id == 800 + short.id
    assert [(e["code"], e["reason"], e["jp"]) for e in digest.context["events"]] == [("UMUM-01", "jp", 8)]


async def test_a_competency_below_standard_still_comes_first_as_the_reason(session: AsyncSession) -> None:
    await _standard(session)
    await _people(session, 1)
    await _closing(session, "PRIMA-01")

    await deadlines.derive(session, now=NOW, timezone=WITA, target=20)

    (digest,) = await _digests(session)
    assert [(e["code"], e["reason"]) for e in digest.context["events"]] == [("PRIMA-01", "competency")]
