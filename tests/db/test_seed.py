"""The demo's Kupang sample data: believable, valid by the same rules as HR's files, idempotent,
and always with something ahead of `today`."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.identity import PPPK_GRADES, RANK_NAMES, kind_for, parse_nip
from db.imports import ImportKind, import_file
from db.models import (
    Assessment,
    Base,
    Competency,
    CompetencyGroup,
    Employee,
    EmploymentStatus,
    Event,
    LearningRecord,
    Position,
    PositionStandard,
    Registration,
    RegistrationStatus,
)
from db.regulation import MANAGERIAL, SOCIO_CULTURAL, group_of, required_level
from db.seed import DEMO_ACCOUNTS, SAMPLE, SeedSummary, seed_demo

WITA = ZoneInfo("Asia/Makassar")
TODAY = date(2026, 12, 1)
FEMALE_NAMES = frozenset(
    [
        "Maria",
        "Yosefina",
        "Agustina",
        "Elisabeth",
        "Dorkas",
        "Ferderika",
        "Theresia",
        "Margaretha",
        "Yuliana",
        "Oktaviana",
        "Novita",
        "Sarlota",
        "Regina",
        "Veronika",
        "Adelina",
        "Imelda",
    ]
)
# Golongan a position type is held at, roughly (fungsional spans all of III and IV, and II/c–II/d).
RANKS = {
    "JPT Pratama": {"IV/c", "IV/d", "IV/e"},
    "Administrator": {"IV/a", "IV/b"},
    "Pengawas": {"III/c", "III/d"},
    "Pelaksana": {"II/a", "II/b", "II/c", "II/d", "III/a", "III/b"},
    "Fungsional": {rank for rank in RANK_NAMES if rank.startswith(("III", "IV")) or rank in ("II/c", "II/d")},
}


async def seed(session: AsyncSession, today: date = TODAY) -> SeedSummary:
    return await seed_demo(session, today=today, timezone=WITA)


async def counts(session: AsyncSession) -> dict[str, int]:
    result: dict[str, int] = {}
    for name, table in Base.metadata.tables.items():
        result[name] = int(await session.scalar(select(func.count()).select_from(table)) or 0)
    return result


async def everything(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    result: dict[str, list[tuple[Any, ...]]] = {}
    for name, table in Base.metadata.tables.items():
        rows = await session.execute(select(table).order_by(*table.primary_key.columns))
        result[name] = [tuple(row) for row in rows]
    return result


async def test_seeding_twice_changes_nothing(session: AsyncSession) -> None:
    first = await seed(session)
    before = await everything(session)

    second = await seed(session)

    assert second == replace(first, created=0)
    assert await everything(session) == before
    assert first.created > 0


async def test_the_sample_files_import_as_they_are_as_hrs_templates(session: AsyncSession) -> None:
    for kind in ImportKind:
        report = await import_file(session, kind=kind, path=SAMPLE / f"{kind}.csv", timezone=WITA)

        assert report.created > 0, kind


async def test_the_summary_counts_what_is_in_the_database(session: AsyncSession) -> None:
    summary = await seed(session)
    rows = await counts(session)

    assert 45 <= summary.employees <= 60
    assert (rows["units"], rows["positions"], rows["employees"]) == (
        summary.units,
        summary.positions,
        summary.employees,
    )
    assert (rows["competencies"], rows["position_standards"], rows["assessments"]) == (
        summary.competencies,
        summary.standards,
        summary.assessments,
    )
    assert (rows["learning_records"], rows["events"], rows["registrations"]) == (
        summary.learning_records,
        summary.events,
        summary.registrations,
    )


async def test_every_sample_asn_has_a_valid_nip_or_ni_pppk_matching_their_name_and_own_phone(
    session: AsyncSession,
) -> None:
    await seed(session)
    employees = list(await session.scalars(select(Employee)))

    phones = Counter(employee.phone for employee in employees)
    assert max(phones.values()) == 1
    for employee in employees:
        nip = parse_nip(employee.nip, kind_for(employee.status))
        assert nip is not None, employee.nip
        female = employee.name.split()[0] in FEMALE_NAMES
        assert nip.gender == (2 if female else 1), employee.name
        assert 20 <= nip.service_start[0] - nip.birth_date.year <= 35, employee.name
        assert employee.phone.startswith("628"), employee.phone
        assert len(employee.phone) in range(11, 15), employee.phone
        grades = PPPK_GRADES if employee.status is EmploymentStatus.PPPK else RANKS[employee.position_type]
        assert employee.rank in grades, (employee.name, employee.rank)
    assert {employee.position_type for employee in employees} == set(RANKS)
    assert {employee.status for employee in employees} == set(EmploymentStatus)


async def test_the_competencies_are_the_standard_ones(session: AsyncSession) -> None:
    await seed(session)
    groups = dict((await session.execute(select(Competency.name, Competency.group))).tuples().all())

    assert sorted(name for name, group in groups.items() if group is CompetencyGroup.MANAJERIAL) == sorted(
        MANAGERIAL
    )
    assert [name for name, group in groups.items() if group is CompetencyGroup.SOSIAL_KULTURAL] == [
        "Perekat Bangsa"
    ]
    assert {"Pengelolaan Keuangan Daerah", "Penyusunan SKP", "Pemerintahan Digital"} <= set(groups)


async def test_standards_follow_the_position_type_and_some_positions_have_none(session: AsyncSession) -> None:
    await seed(session)
    rows = await session.execute(
        select(Position.name, Employee.position_type, PositionStandard.level)
        .join(Employee, Employee.position_id == Position.id)
        .join(PositionStandard, PositionStandard.position_id == Position.id)
        .join(Competency, Competency.id == PositionStandard.competency_id)
        .where(Competency.name == "Integritas")
    )
    required = {(name, position_type): level for name, position_type, level in rows.tuples()}
    assert {level for (_, kind), level in required.items() if kind == "JPT Pratama"} == {4}
    assert {level for (_, kind), level in required.items() if kind == "Administrator"} == {3}
    assert {level for (_, kind), level in required.items() if kind == "Pengawas"} == {2}
    assert {level for (_, kind), level in required.items() if kind == "Pelaksana"} == {1}
    assert required[("Analis SDM Aparatur Ahli Muda", "Fungsional")] == 2

    without = await session.scalars(
        select(Position.name).where(~Position.id.in_(select(PositionStandard.position_id)))
    )
    assert 1 <= len(list(without)) <= 2


async def test_the_sample_standards_follow_the_regulation(session: AsyncSession) -> None:
    await seed(session)
    rows = await session.execute(
        select(
            Position.name, Employee.position_type, Competency.name, Competency.group, PositionStandard.level
        )
        .join(Employee, Employee.position_id == Position.id)
        .join(PositionStandard, PositionStandard.position_id == Position.id)
        .join(Competency, Competency.id == PositionStandard.competency_id)
        .distinct()
    )
    regulated: dict[str, set[str]] = {}
    for position, position_type, competency, group, level in rows.tuples():
        assert group is group_of(competency), competency
        if group is not CompetencyGroup.TEKNIS:
            assert level == required_level(position_type, position), (position, competency)
            regulated.setdefault(position, set()).add(competency)
    assert regulated
    assert all(names == {*MANAGERIAL, SOCIO_CULTURAL} for names in regulated.values())


async def test_some_asn_have_gaps_some_meet_the_standard_and_some_were_never_assessed(
    session: AsyncSession,
) -> None:
    await seed(session)
    pairs = await session.execute(
        select(PositionStandard.level, Assessment.level, Assessment.assessed_on)
        .select_from(Employee)
        .join(PositionStandard, PositionStandard.position_id == Employee.position_id)
        .join(
            Assessment,
            (Assessment.employee_id == Employee.id)
            & (Assessment.competency_id == PositionStandard.competency_id),
        )
    )
    gaps: Counter[int] = Counter()
    for required, assessed, assessed_on in pairs.tuples():
        assert TODAY - timedelta(days=730) <= assessed_on < TODAY
        gaps[required - assessed] += 1
    assert gaps[1] > 0, "some one level below the standard"
    assert gaps[2] > 0, "some two levels below"
    assert gaps[0] > gaps[1], "most meet it"
    assert gaps[-1] > 0, "some exceed it"

    yosefina = DEMO_ACCOUNTS[0]
    gap = await session.execute(
        select(PositionStandard.level - Assessment.level)
        .join(Employee, Employee.position_id == PositionStandard.position_id)
        .join(
            Assessment,
            (Assessment.employee_id == Employee.id)
            & (Assessment.competency_id == PositionStandard.competency_id),
        )
        .join(Competency, Competency.id == PositionStandard.competency_id)
        .where(Employee.nip == yosefina.nip, Competency.name == "Pelayanan Publik")
    )
    assert gap.scalar_one() == 1

    never = await session.scalars(
        select(Employee.name).where(~Employee.id.in_(select(Assessment.employee_id)))
    )
    assert len(list(never)) >= 1


async def test_this_years_jp_ranges_from_none_to_above_the_target(session: AsyncSession) -> None:
    await seed(session)
    totals = dict(
        (
            await session.execute(
                select(Employee.name, func.coalesce(func.sum(LearningRecord.jp), 0))
                .outerjoin(
                    LearningRecord,
                    (LearningRecord.employee_id == Employee.id)
                    & (LearningRecord.completed_on >= date(TODAY.year, 1, 1)),
                )
                .group_by(Employee.name)
            )
        )
        .tuples()
        .all()
    )
    assert min(totals.values()) == 0
    assert 20 in totals.values()
    assert max(totals.values()) >= 30
    last_year = await session.scalar(
        select(func.count())
        .select_from(LearningRecord)
        .where(LearningRecord.completed_on < date(TODAY.year, 1, 1))
    )
    assert last_year
    latest = await session.scalar(select(func.max(LearningRecord.completed_on)))
    assert latest is not None
    assert latest <= TODAY


async def test_events_lie_ahead_of_today_in_office_hours(session: AsyncSession) -> None:
    await seed(session)
    events = list(await session.scalars(select(Event).order_by(Event.starts_at)))
    start_of_today = datetime.combine(TODAY, time(), tzinfo=WITA)

    upcoming = [event for event in events if event.starts_at > start_of_today]
    assert len(upcoming) >= 12
    assert sum(event.kind == "pelatihan" for event in upcoming) >= 7
    assert sum(event.kind in ("seminar", "workshop") for event in upcoming) >= 5
    assert [event.code for event in events if event.ends_at < start_of_today] == ["UNDANA-2026-01"]
    assert {event.starts_at.astimezone(WITA).time() for event in events} <= {time(8), time(9)}
    closing = [e for e in upcoming if e.registration_deadline < start_of_today + timedelta(days=3)]
    assert [event.code for event in closing] == ["ANJAB-2026-01"]
    assert closing[0].registration_deadline.astimezone(WITA) == datetime.combine(
        TODAY + timedelta(days=2), time(23, 59), tzinfo=WITA
    )
    nearly_full = [event.code for event in upcoming if event.quota - event.seats_taken == 1]
    assert nearly_full == ["PRIMA-2026-01"]
    assert all(event.registration_deadline <= event.starts_at for event in events)


async def test_seats_taken_match_the_registrations(session: AsyncSession) -> None:
    await seed(session)
    taken = dict(
        (
            await session.execute(
                select(Registration.event_id, func.count())
                .where(Registration.status.in_([RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED]))
                .group_by(Registration.event_id)
            )
        )
        .tuples()
        .all()
    )
    for event in await session.scalars(select(Event)):
        assert event.seats_taken == taken.get(event.id, 0), event.code
    credited = await session.scalar(
        select(func.count()).select_from(LearningRecord).where(LearningRecord.event_id.is_not(None))
    )
    assert credited == await session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.status == RegistrationStatus.ATTENDED)
    )


async def test_the_demo_accounts_are_on_the_roster_with_their_numbers(session: AsyncSession) -> None:
    await seed(session)

    assert 3 <= len(DEMO_ACCOUNTS) <= 4
    assert len({account.position_type for account in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)
    assert len({account.telegram_user_id for account in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        employee = await session.scalar(select(Employee).where(Employee.nip == account.nip))
        assert employee is not None
        assert (employee.name, employee.phone, employee.position_type) == (
            account.name,
            account.phone,
            account.position_type,
        )
        assert account.note


async def test_seeding_again_the_next_day_keeps_the_codes_and_the_registrations(
    session: AsyncSession,
) -> None:
    await seed(session)
    before = await counts(session)

    summary = await seed(session, TODAY + timedelta(days=1))

    assert summary.created == 0
    assert await counts(session) == before
    pkp = await session.scalar(select(Event).where(Event.code == "PKP-2026-01"))
    assert pkp is not None
    assert pkp.starts_at.astimezone(WITA).date() == TODAY + timedelta(days=28)
