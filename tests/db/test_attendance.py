"""After registering, as ASN, HR and organizers live it: check-in and the JP it credits,
attendance marked by an organizer, ratings and their comments, certificates, and the
ASN's own list of registrations."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.learning import year_summary
from db.models import Allocation, Employee, Event, LearningRecord, Registration
from db.models import RegistrationStatus as Status
from db.registration import (
    CHECKIN_OPENS_BEFORE,
    CheckInClosed,
    CheckInNotOpen,
    InvalidRating,
    NotAttended,
    NotRegistered,
    RegistrationNotFound,
    UnknownCheckInCode,
    certificate,
    check_in,
    event_ratings,
    issue_checkin_code,
    mark_attended,
    my_registrations,
    rate,
    register,
    verify_certificate,
)
from db.registration.ratings import COMMENT_LENGTH, COMMENTS_SHOWN
from tests.utils.employees import make_employees
from tests.utils.events import configure, make_event
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import CHECKIN, HR, NOW, STARTS

TZ: ZoneInfo = WITA


# ---------------------------------------------------------------------------- check-in and JP


async def test_check_in_credits_jp_once_and_a_second_check_in_says_so(
    session: AsyncSession, asn: list[Employee]
) -> None:
    # Ends 31 December 23.30 WITA: the JP count for 2026, though it is already 2027 in no office.
    event = await make_event(session, "AKHIR", starts_at=wita(2026, 12, 31, 15, 30), hours=8, jp=6)
    await register(session, event_id=event.id, employee_id=asn[0].id, now=NOW)
    code = await issue_checkin_code(session, event_id=event.id)
    assert len(code) == 6
    assert await issue_checkin_code(session, event_id=event.id) == code

    during = wita(2026, 12, 31, 16)
    first = await check_in(
        session,
        employee_id=asn[0].id,
        telegram_user_id=asn[0].id,
        policy=CHECKIN,
        code=code.lower(),
        now=during,
        timezone=TZ,
    )
    assert (first.already, first.jp_credited) == (False, 6)
    second = await check_in(
        session,
        employee_id=asn[0].id,
        telegram_user_id=asn[0].id,
        policy=CHECKIN,
        code=code,
        now=during,
        timezone=TZ,
    )
    assert (second.already, second.jp_credited) == (True, 0)
    by_organizer = await mark_attended(
        session, registration_id=first.registration_id, actor=HR, now=during, timezone=TZ
    )
    assert by_organizer.already

    records = list(
        await session.scalars(select(LearningRecord).where(LearningRecord.employee_id == asn[0].id))
    )
    assert [(r.completed_on, r.jp, r.event_id, r.title) for r in records] == [
        (date(2026, 12, 31), 6, event.id, "Pelatihan AKHIR")
    ]
    summary = await year_summary(session, employee_id=asn[0].id, year=2026, target=20)
    assert summary.total == 6


async def test_check_in_outside_the_event_or_without_a_seat_is_refused_with_a_reason(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    for i, employee in enumerate(asn[:3]):
        await register(session, event_id=training.id, employee_id=employee.id, now=NOW + timedelta(minutes=i))
    code = await issue_checkin_code(session, event_id=training.id)
    opens = STARTS - CHECKIN_OPENS_BEFORE

    with pytest.raises(CheckInNotOpen) as early:
        await check_in(
            session,
            employee_id=asn[0].id,
            telegram_user_id=asn[0].id,
            policy=CHECKIN,
            code=code,
            now=opens - timedelta(minutes=1),
            timezone=TZ,
        )
    assert (early.value.reason, early.value.opens_at) == ("checkin_not_open", opens)
    with pytest.raises(CheckInClosed) as late:
        await check_in(
            session,
            employee_id=asn[0].id,
            telegram_user_id=asn[0].id,
            policy=CHECKIN,
            code=code,
            now=training.ends_at + timedelta(minutes=1),
            timezone=TZ,
        )
    assert late.value.reason == "checkin_closed"
    with pytest.raises(NotRegistered) as queued:
        await check_in(
            session,
            employee_id=asn[2].id,
            telegram_user_id=asn[2].id,
            policy=CHECKIN,
            code=code,
            now=opens,
            timezone=TZ,
        )
    assert (queued.value.reason, queued.value.status) == ("not_registered", Status.WAITLISTED)
    with pytest.raises(NotRegistered) as stranger:
        await check_in(
            session,
            employee_id=asn[5].id,
            telegram_user_id=asn[5].id,
            policy=CHECKIN,
            code=code,
            now=opens,
            timezone=TZ,
        )
    assert stranger.value.status is None
    with pytest.raises(UnknownCheckInCode):
        await check_in(
            session,
            employee_id=asn[0].id,
            telegram_user_id=asn[0].id,
            policy=CHECKIN,
            code="ZZZZZZ",
            now=opens,
            timezone=TZ,
        )

    on_time = await check_in(
        session,
        employee_id=asn[0].id,
        telegram_user_id=asn[0].id,
        policy=CHECKIN,
        code=code,
        now=opens,
        timezone=TZ,
    )
    assert on_time.jp_credited == 8
    assert await session.scalar(select(func.count()).select_from(LearningRecord)) == 1


async def test_an_organizer_marks_attendance_and_the_asn_is_credited(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    mine = await register(session, event_id=training.id, employee_id=asn[0].id, now=NOW)
    marked = await mark_attended(
        session, registration_id=mine.registration_id, actor=HR, now=STARTS, timezone=TZ
    )
    assert (marked.already, marked.jp_credited) == (False, 8)
    code = await issue_checkin_code(session, event_id=training.id)
    again = await check_in(
        session,
        employee_id=asn[0].id,
        telegram_user_id=asn[0].id,
        policy=CHECKIN,
        code=code,
        now=STARTS,
        timezone=TZ,
    )
    assert again.already
    assert (await year_summary(session, employee_id=asn[0].id, year=2026, target=20)).total == 8


# ---------------------------------------------------------------------------- evaluation and certificates


async def test_only_attendees_rate_and_hr_sees_the_average(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    ones = [await register(session, event_id=training.id, employee_id=e.id, now=NOW) for e in asn[:2]]
    with pytest.raises(NotAttended):
        await rate(session, registration_id=ones[0].registration_id, employee_id=asn[0].id, rating=5)
    for result in ones:
        await mark_attended(
            session, registration_id=result.registration_id, actor=HR, now=STARTS, timezone=TZ
        )
    with pytest.raises(InvalidRating):
        await rate(session, registration_id=ones[0].registration_id, employee_id=asn[0].id, rating=6)
    with pytest.raises(RegistrationNotFound):
        await rate(session, registration_id=ones[0].registration_id, employee_id=asn[1].id, rating=3)
    await rate(
        session, registration_id=ones[0].registration_id, employee_id=asn[0].id, rating=5, comment=" Bagus "
    )
    await rate(session, registration_id=ones[1].registration_id, employee_id=asn[1].id, rating=4)
    ratings = await event_ratings(session, event_id=training.id)
    assert (ratings.average, ratings.count) == (4.5, 2)

    # A star pressed again (no comment) changes the rating and keeps the comment written before.
    await rate(session, registration_id=ones[0].registration_id, employee_id=asn[0].id, rating=3)
    stored = await session.execute(
        select(Registration.rating, Registration.comment)
        .where(Registration.id == ones[0].registration_id)
        .execution_options(populate_existing=True)
    )
    assert stored.one() == (3, "Bagus")


async def test_hr_and_organizers_see_the_latest_comments_shortened_and_counted(session: AsyncSession) -> None:
    attendees = await make_employees(session, 12, first=100)
    seminar = await make_event(session, "SEM-09", starts_at=STARTS, quota=12)
    for i, employee in enumerate(attendees):
        seat = await register(session, event_id=seminar.id, employee_id=employee.id, now=NOW)
        await mark_attended(session, registration_id=seat.registration_id, actor=HR, now=STARTS, timezone=TZ)
        comment = "x" * 1000 if i == 11 else (f"Komentar {i}" if i % 4 else None)
        await rate(
            session, registration_id=seat.registration_id, employee_id=employee.id, rating=4, comment=comment
        )

    ratings = await event_ratings(session, event_id=seminar.id)

    assert (ratings.count, ratings.comment_count) == (12, 9)  # three rated without a comment
    assert len(ratings.comments) == COMMENTS_SHOWN
    assert ratings.comments[0].text == "x" * (COMMENT_LENGTH - 1) + "…"  # the latest first, shortened
    assert "Komentar 1" not in {c.text for c in ratings.comments}  # the oldest left out


async def test_an_attendee_gets_a_certificate_anyone_can_verify(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    mine = await register(session, event_id=training.id, employee_id=asn[0].id, now=NOW)
    with pytest.raises(NotAttended):
        await certificate(session, registration_id=mine.registration_id, employee_id=asn[0].id)
    await mark_attended(session, registration_id=mine.registration_id, actor=HR, now=STARTS, timezone=TZ)
    issued = await certificate(session, registration_id=mine.registration_id, employee_id=asn[0].id)
    assert (issued.employee_name, issued.nip, issued.event_code, issued.jp) == (
        asn[0].name,
        asn[0].nip,
        "PP-01",
        8,
    )
    assert len(issued.code) == 16
    assert await certificate(session, registration_id=mine.registration_id, employee_id=asn[0].id) == issued
    assert await verify_certificate(session, code=f" {issued.code.lower()} ") == issued
    assert await verify_certificate(session, code="AAAAAAAAAAAAAAAA") is None
    with pytest.raises(RegistrationNotFound):
        await certificate(session, registration_id=mine.registration_id, employee_id=asn[1].id)


# ---------------------------------------------------------------------------- /pendaftaran


async def test_my_registrations_by_status_with_queue_positions(
    session: AsyncSession, asn: list[Employee], training: Event
) -> None:
    for i, employee in enumerate(asn[:4]):
        await register(session, event_id=training.id, employee_id=employee.id, now=NOW + timedelta(minutes=i))
    other = await make_event(session, "PP-09", starts_at=STARTS + timedelta(days=3), quota=0)
    await register(session, event_id=other.id, employee_id=asn[3].id, now=NOW)
    priority = await make_event(session, "PRI-09", starts_at=STARTS + timedelta(days=5))
    await configure(session, priority, allocation=Allocation.PRIORITY)
    await register(session, event_id=priority.id, employee_id=asn[3].id, now=NOW)

    mine = await my_registrations(session, employee_id=asn[3].id)
    assert [(r.event_code, r.waitlist_position) for r in mine[Status.WAITLISTED]] == [
        ("PP-01", 2),
        ("PP-09", 1),
    ]
    assert [(r.event_code, r.awaiting_allocation) for r in mine[Status.PENDING]] == [("PRI-09", True)]
    assert await my_registrations(session, employee_id=asn[7].id) == {}
