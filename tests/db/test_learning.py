"""The 20 JP tracker: an ASN sees this year's learning hours against the target, newest
first, and an event ending late on New Year's Eve in Kupang counts for the old year."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.learning import JpEntry, PlannedEntry, office_date, progress_bar, year_summary
from db.models import EventKind, EventStatus, RegistrationStatus
from tests.utils.employees import make_employee
from tests.utils.events import make_event
from tests.utils.learning import learned
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import register


async def test_exactly_twenty_jp_reaches_the_target(session: AsyncSession) -> None:
    maria = await make_employee(session)
    seminar = await make_event(session, "SEM-0312", kind=EventKind.SEMINAR, starts_at=wita(2026, 3, 12))
    await learned(session, maria, "Pelatihan Analisis Kebijakan", on=date(2026, 2, 20), jp=12)
    await learned(
        session,
        maria,
        "Seminar Kebijakan Publik Undana",
        on=date(2026, 3, 12),
        jp=8,
        organizer="Universitas Nusa Cendana",
        event=seminar,
    )

    summary = await year_summary(session, employee_id=maria.id, year=2026, target=20)

    assert (summary.total, summary.missing, summary.reached) == (20, 0, True)
    assert summary.entries == [
        JpEntry("Seminar Kebijakan Publik Undana", "Universitas Nusa Cendana", date(2026, 3, 12), 8, True),
        JpEntry("Pelatihan Analisis Kebijakan", "BPSDM Provinsi NTT", date(2026, 2, 20), 12, False),
    ]


async def test_only_the_asked_year_and_the_asn_own_records_count(session: AsyncSession) -> None:
    maria = await make_employee(session)
    yohanes = await make_employee(
        session, nip="197805122005011003", name="Yohanes Nenabu", phone="6281339001122"
    )
    await learned(session, maria, "Bimtek SIASN", on=date(2025, 12, 31), jp=10)
    await learned(session, maria, "Pelatihan Pelayanan Prima", on=date(2026, 1, 1), jp=4)
    await learned(session, maria, "Workshop Manajemen ASN", on=date(2026, 12, 31), jp=8)
    await learned(session, maria, "Orientasi PPPK", on=date(2027, 1, 1), jp=6)
    await learned(session, yohanes, "Pelatihan Kepemimpinan Pengawas", on=date(2026, 5, 4), jp=40)

    summary = await year_summary(session, employee_id=maria.id, year=2026, target=20)

    assert [entry.title for entry in summary.entries] == [
        "Workshop Manajemen ASN",
        "Pelatihan Pelayanan Prima",
    ]
    assert (summary.year, summary.target, summary.total, summary.missing, summary.reached) == (
        2026,
        20,
        12,
        8,
        False,
    )


async def test_a_year_without_learning_misses_the_whole_target(session: AsyncSession) -> None:
    maria = await make_employee(session)

    summary = await year_summary(session, employee_id=maria.id, year=2026, target=20)

    assert (summary.total, summary.missing, summary.reached, summary.entries) == (0, 20, False, [])


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 31 Dec 23:30 WITA is still the old year…
        (datetime(2026, 12, 31, 15, 30, tzinfo=UTC), date(2026, 12, 31)),
        # …and 1 Jan 00:30 WITA the new one, although it is still 31 Dec in UTC.
        (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), date(2027, 1, 1)),
        (wita(2027, 1, 1, 0, 0), date(2027, 1, 1)),
        (wita(2026, 12, 31, 23, 59), date(2026, 12, 31)),
    ],
)
def test_an_instant_is_dated_in_office_time(moment: datetime, expected: date) -> None:
    assert office_date(moment, WITA) == expected


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        office_date(datetime(2026, 12, 31, 23, 30), WITA)


@pytest.mark.parametrize(
    ("total", "bar"),
    [
        (0, "▱▱▱▱▱▱▱▱▱▱"),
        (12, "▰▰▰▰▰▰▱▱▱▱"),
        (19, "▰▰▰▰▰▰▰▰▰▱"),
        (20, "▰▰▰▰▰▰▰▰▰▰"),
        (30, "▰▰▰▰▰▰▰▰▰▰"),
    ],
)
def test_the_progress_bar_fills_toward_twenty_jp(total: int, bar: str) -> None:
    assert progress_bar(total, 20) == bar


def test_the_progress_bar_width_can_change() -> None:
    assert progress_bar(12, 20, width=5) == "▰▰▰▱▱"


async def test_an_event_credit_and_same_titled_history_on_the_same_day_both_count(
    session: AsyncSession,
) -> None:
    employee = await make_employee(session)
    event = await make_event(session, "SKP-01", title="Penyusunan SKP", starts_at=wita(2026, 3, 4))
    await learned(session, employee, "Penyusunan SKP", on=date(2026, 3, 4), jp=4)
    await learned(session, employee, "Penyusunan SKP", on=date(2026, 3, 4), jp=8, event=event)
    summary = await year_summary(session, employee_id=employee.id, year=2026, target=20)
    assert summary.total == 12


async def test_seats_held_this_year_count_as_planned_until_attended(session: AsyncSession) -> None:
    maria = await make_employee(session)
    await learned(session, maria, "Bimtek SIASN", on=date(2026, 2, 3), jp=4)
    now = wita(2026, 11, 2, 9)
    seat = await make_event(session, "PP-NOV", starts_at=wita(2026, 11, 16), jp=12)
    await register(session, maria, seat)
    waiting = await make_event(session, "PP-ANTRE", starts_at=wita(2026, 11, 23), jp=8)
    await register(session, maria, waiting, status=RegistrationStatus.WAITLISTED)
    january = await make_event(session, "PP-JAN", starts_at=wita(2027, 1, 11), jp=8)
    await register(session, maria, january)
    over = await make_event(session, "PP-OKT", starts_at=wita(2026, 10, 5), jp=8)
    await register(session, maria, over)  # ended without attending
    cancelled = await make_event(
        session, "PP-BATAL", starts_at=wita(2026, 12, 7), jp=8, status=EventStatus.CANCELLED
    )
    await register(session, maria, cancelled)

    summary = await year_summary(session, employee_id=maria.id, year=2026, target=20, now=now, timezone=WITA)

    assert summary.planned == [PlannedEntry("Pelatihan PP-NOV", wita(2026, 11, 16), 12)]
    assert (summary.total, summary.missing, summary.planned_total, summary.unplanned) == (4, 16, 12, 4)
    without = await year_summary(session, employee_id=maria.id, year=2026, target=20)
    assert without.planned == []
    no_clock = await year_summary(session, employee_id=maria.id, year=2026, target=20, timezone=WITA)
    assert no_clock.planned == []
