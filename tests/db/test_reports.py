"""HR's reports on small offices whose answers are counted by hand here: JP compliance (a unit
with an ASN at exactly 20 JP, an event ending 31 December 23.30 WITA), gaps, needs, events, recap."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db import registration
from db.attempts import Policy
from db.models import Employee, Registration, RegistrationStatus
from db.reports import UnitCompliance, events_report, gap_report, jp_compliance, jp_recap, needs_analysis
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import make_employee, nip_for
from tests.utils.events import make_event
from tests.utils.learning import learned
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import register

HEALTH = "Dinas Kesehatan"
BKPSDM = "BKPSDM"
POSITION = "Analis Kebijakan Ahli Muda"

CHECKIN = Policy(max_failures=10, window=timedelta(minutes=30))


async def asn(session: AsyncSession, number: int, name: str, unit: str) -> Employee:
    return await make_employee(
        session, nip=nip_for(number), name=name, phone=f"62812000{number:05d}", unit=unit, position=POSITION
    )


async def test_jp_compliance_counts_exactly_20_jp_as_reached_and_31_december_2330_wita_in_that_year(
    session: AsyncSession,
) -> None:
    ani, budi, _citra = [
        await asn(session, n, name, HEALTH) for n, name in ((1, "Ani"), (2, "Budi"), (3, "Citra"))
    ]
    dewi, eko = await asn(session, 4, "Dewi", BKPSDM), await asn(session, 5, "Eko", BKPSDM)
    await learned(session, ani, "Bimtek SKP", on=date(2026, 3, 2), jp=12)
    await learned(session, ani, "Seminar Pelayanan", on=date(2026, 11, 30), jp=8)  # 12 + 8 = 20
    await learned(session, budi, "Bimtek SKP", on=date(2026, 3, 2), jp=19)
    await learned(session, eko, "Webinar Tahun Baru", on=date(2027, 1, 1), jp=8)
    # ends 31 December 2026 at 23.30 WITA = 15.30 UTC: office year 2026
    late = await make_event(session, "MALAM-26", starts_at=wita(2026, 12, 31, 15, 30), hours=8, jp=20)
    await register(session, dewi, late)
    code = await registration.issue_checkin_code(session, event_id=late.id)
    await registration.check_in(
        session,
        employee_id=dewi.id,
        telegram_user_id=dewi.id,
        code=code,
        now=wita(2026, 12, 31, 16),
        timezone=WITA,
        policy=CHECKIN,
    )

    # ends 1 January 2027 at 00.30 WITA, still 31 December in UTC: office year 2027
    later = await make_event(session, "MALAM-27", starts_at=wita(2026, 12, 31, 16, 30), hours=8, jp=20)
    await register(session, eko, later)
    code = await registration.issue_checkin_code(session, event_id=later.id)
    await registration.check_in(
        session,
        employee_id=eko.id,
        telegram_user_id=eko.id,
        code=code,
        now=wita(2026, 12, 31, 17),
        timezone=WITA,
        policy=CHECKIN,
    )

    year = await jp_compliance(session, year=2026, target=20)
    following = await jp_compliance(session, year=2027, target=20)

    assert year.units == [UnitCompliance(BKPSDM, 2, 1, 0, 1), UnitCompliance(HEALTH, 3, 1, 1, 1)]
    assert year.total == UnitCompliance("", 5, 2, 1, 2)
    assert year.units[1].share == 1 / 3
    assert [(b.name, b.jp, b.missing) for b in year.below] == [
        ("Eko", 0, 20),
        ("Citra", 0, 20),
        ("Budi", 19, 1),
    ]
    assert following.units[0] == UnitCompliance(BKPSDM, 2, 1, 0, 1)  # Eko: 8 + 20 JP; Dewi: none


async def test_the_recap_lists_every_entry_of_the_year_and_asn_without_any(session: AsyncSession) -> None:
    ani, _budi = await asn(session, 1, "Ani", HEALTH), await asn(session, 2, "Budi", HEALTH)
    await learned(session, ani, "Bimtek SKP", on=date(2026, 3, 2), jp=12, organizer="BKPSDM")
    await learned(session, ani, "Lama", on=date(2025, 12, 31), jp=5)

    lines = await jp_recap(session, year=2026)

    assert [(line.name, line.title, line.completed_on, line.jp, line.event_code) for line in lines] == [
        ("Ani", "Bimtek SKP", date(2026, 3, 2), 12, None),
        ("Budi", None, None, 0, None),
    ]


async def gapped_office(session: AsyncSession) -> None:
    await set_standard(session, POSITION, {"Pelayanan Publik": 3, "Integritas": 3})
    ani, budi = await asn(session, 1, "Ani", HEALTH), await asn(session, 2, "Budi", HEALTH)
    citra, dewi = await asn(session, 3, "Citra", HEALTH), await asn(session, 4, "Dewi", BKPSDM)
    await assess(session, ani, {"Pelayanan Publik": 1, "Integritas": 3}, on=date(2026, 2, 1))
    await assess(session, budi, {"Pelayanan Publik": 2}, on=date(2025, 2, 1))
    await assess(session, budi, {"Pelayanan Publik": 3}, on=date(2026, 2, 1))  # the latest counts: no gap
    await assess(session, citra, {"Integritas": 2}, on=date(2026, 2, 1))
    await assess(session, dewi, {"Pelayanan Publik": 2, "Integritas": 1}, on=date(2026, 2, 1))


async def test_gaps_are_units_by_competencies_from_the_latest_assessment(session: AsyncSession) -> None:
    await gapped_office(session)

    report = await gap_report(session, leaders=1)

    cells = {(cell.unit, cell.competency): (cell.employees, cell.levels) for cell in report.cells}
    assert cells == {
        (HEALTH, "Pelayanan Publik"): (1, 2),
        (HEALTH, "Integritas"): (1, 1),
        (BKPSDM, "Pelayanan Publik"): (1, 1),
        (BKPSDM, "Integritas"): (1, 2),
    }
    assert report.units == [BKPSDM, HEALTH]  # 3 levels each: by name
    assert [(leader.competency, leader.name, leader.gap) for leader in report.leaders] == [
        ("Integritas", "Dewi", 2),
        ("Pelayanan Publik", "Ani", 2),
    ]


async def test_needs_rank_competencies_by_total_gap_with_units_and_positions(session: AsyncSession) -> None:
    await gapped_office(session)
    await set_standard(session, "Pengawas", {"Integritas": 3})
    await assess(
        session,
        await make_employee(session, nip=nip_for(9), phone="6281299", position="Pengawas"),
        {"Integritas": 2},
        on=date(2026, 2, 1),
    )

    needs = await needs_analysis(session)

    assert [(need.competency, need.employees, need.levels) for need in needs] == [
        ("Integritas", 3, 4),
        ("Pelayanan Publik", 2, 3),
    ]
    assert needs[0].by_position == [(POSITION, 2), ("Pengawas", 1)]
    assert needs[1].by_unit == [(BKPSDM, 1), (HEALTH, 1)]


async def test_events_show_fill_waitlist_attendance_and_ratings(session: AsyncSession) -> None:
    people = [await asn(session, n, f"ASN {n}", HEALTH) for n in range(1, 4)]
    event = await make_event(session, "PP-26", starts_at=wita(2026, 6, 1), quota=4, seats_taken=2)
    await register(session, people[0], event, status=RegistrationStatus.ATTENDED)
    await register(session, people[1], event)
    await register(session, people[2], event, status=RegistrationStatus.WAITLISTED)
    await session.execute(
        update(Registration)
        .where(Registration.employee_id == people[0].id)
        .values(rating=4, comment="Materi sangat bermanfaat")
    )
    await session.commit()

    report = await events_report(session, year=2026, now=wita(2026, 7, 1), timezone=WITA)

    (line,) = report.events
    assert (line.fill_rate, line.waitlisted, line.attendance_rate) == (0.5, 1, 0.5)
    assert (line.rating, line.ratings, line.comments) == (4.0, 1, ["Materi sangat bermanfaat"])
