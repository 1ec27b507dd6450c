"""HR's events file sets what the chat can set: how seats are given, whether registrations need
approval, the online link, when registration opens, and who may register. The events it makes
behave accordingly in the registration engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import registration
from db.imports import ImportKind
from db.models import Allocation, Employee, Event, EventKind, RegistrationStatus, Unit
from tests.utils.import_files import (
    DORKAS,
    MARIA,
    WITA,
    YOHANES,
    load,
    reason,
    rejected,
    roster_and_standards,
    said,
    snapshot,
    where,
    write_csv,
)

HEADER = [
    "kode",
    "judul",
    "jenis",
    "penyelenggara",
    "mulai",
    "selesai",
    "lokasi",
    "kuota",
    "batas_daftar",
    "jp",
    "kompetensi",
    "tautan",
    "mulai_daftar",
    "pembagian_kursi",
    "persetujuan",
    "sasaran_jenis_jabatan",
    "sasaran_unit_kerja",
    "sasaran_golongan",
    "sasaran_status",
]
# Cells as HR types them in the chat: `12/01/2027 08.00`, `14-01-2027 16:00`, a date alone.
PRIORITY = [
    "PRIORITAS-01",
    "Pelatihan Analisis Kebijakan",
    "pelatihan",
    "BPSDM Provinsi NTT",
    "12/01/2027 08.00",
    "14-01-2027 16:00",
    "Kampus BPSDM Provinsi NTT",
    "1",
    "06/01/2027",
    "24",
    "Analisis Kebijakan Publik",
    "",
    "",
    "prioritas",
    "tidak",
    "",
    "",
    "",
    "",
]
APPROVAL = [
    "SETUJU-01",
    "Seminar Pelayanan Publik",
    "seminar",
    "Universitas Nusa Cendana",
    "2027-01-13 09:00",
    "2027-01-13 12:00",
    "Aula Rektorat Undana",
    "50",
    "11/01/2027 12.00",
    "4",
    "Pelayanan Publik",
    "",
    "",
    "urutan",
    "ya",
    "",
    "",
    "",
    "",
]
TARGETED = [
    "SASARAN-01",
    "Workshop Integritas bagi Pejabat",
    "workshop",
    "BKPSDM Kota Kupang",
    "14/01/2027 pukul 08.00",
    "14/01/2027 15.00",
    "Aula BKPSDM Kota Kupang",
    "20",
    "08/01/2027",
    "6",
    "Integritas",
    "",
    "",
    "",
    "",
    "fungsional; Administrator",
    "bkpsdm kota kupang",
    "III/c;iv/a;IX",
    "PNS;pppk",
]
WEBINAR = [
    "WEBINAR-01",
    "Webinar Etika ASN di Media Sosial",
    "webinar",
    "BKPSDM Kota Kupang",
    "15/01/2027 10.00",
    "15/01/2027 12.00",
    "Daring (Zoom)",
    "300",
    "15/01/2027 09.00",
    "2",
    "",
    "https://zoom.us/j/123456789",
    "04/01/2027 08.00",
    "fcfs",
    "no",
    "",
    "",
    "",
    "",
]
NOW = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)  # Monday 4 January 2027, 09.00 WITA


async def _imported(session: AsyncSession, tmp_path: Path) -> dict[str, Event]:
    await roster_and_standards(session, tmp_path)
    rows = [HEADER, PRIORITY, APPROVAL, TARGETED, WEBINAR]
    report = await load(session, ImportKind.EVENTS, write_csv(tmp_path / "kegiatan.csv", rows))
    assert report.created == 4
    assert report.days_off == ()
    return {event.code: event for event in await session.scalars(select(Event))}


async def _employee(session: AsyncSession, row: list[str]) -> int:
    nip = row[0].replace(" ", "")
    found = await session.scalar(select(Employee.id).where(Employee.nip == nip))
    assert found is not None
    return found


async def test_a_priority_event_gives_its_seats_by_merit_when_registration_closes(
    session: AsyncSession, tmp_path: Path
) -> None:
    event = (await _imported(session, tmp_path))["PRIORITAS-01"]
    assert (event.allocation, event.requires_approval) == (Allocation.PRIORITY, False)
    assert event.starts_at == datetime(2027, 1, 12, 0, 0, tzinfo=UTC)  # 08.00 WITA
    assert event.registration_deadline == datetime(2027, 1, 6, 15, 59, tzinfo=UTC)  # 23.59 WITA

    for row in (MARIA, YOHANES):
        result = await registration.register(
            session, event_id=event.id, employee_id=await _employee(session, row), now=NOW
        )
        assert result.status is RegistrationStatus.PENDING
        assert result.awaiting_allocation

    after_deadline = event.registration_deadline + timedelta(minutes=1)
    assert await registration.allocations_due(session, now=after_deadline) == [event.id]
    report = await registration.allocate(session, event_id=event.id, now=after_deadline, timezone=WITA)
    assert sorted(placement.status for placement in report.placements) == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
    ]


async def test_an_approval_event_keeps_a_registration_pending_until_it_is_decided(
    session: AsyncSession, tmp_path: Path
) -> None:
    event = (await _imported(session, tmp_path))["SETUJU-01"]
    assert (event.allocation, event.requires_approval) == (Allocation.FCFS, True)

    result = await registration.register(
        session, event_id=event.id, employee_id=await _employee(session, MARIA), now=NOW
    )
    assert (result.status, result.awaiting_allocation) == (RegistrationStatus.PENDING, False)

    decision = await registration.decide(
        session, registration_id=result.registration_id, approve=True, actor_telegram_id=4242, now=NOW
    )
    assert decision.status is RegistrationStatus.REGISTERED


async def test_a_targeted_event_refuses_an_asn_it_does_not_target(
    session: AsyncSession, tmp_path: Path
) -> None:
    event = (await _imported(session, tmp_path))["SASARAN-01"]
    unit = await session.scalar(select(Unit.id).where(Unit.name == "BKPSDM Kota Kupang"))
    assert event.target_position_types == ["Administrator", "Fungsional"]
    assert event.target_unit_ids == [unit]
    assert event.target_ranks == ["III/c", "IV/a", "IX"]
    assert event.target_statuses == ["pns", "pppk"]

    with pytest.raises(registration.NotEligible):
        await registration.register(
            session, event_id=event.id, employee_id=await _employee(session, DORKAS), now=NOW
        )
    result = await registration.register(
        session, event_id=event.id, employee_id=await _employee(session, MARIA), now=NOW
    )
    assert result.status is RegistrationStatus.REGISTERED


async def test_an_online_webinar_has_its_link_and_opens_registration_when_the_file_says(
    session: AsyncSession, tmp_path: Path
) -> None:
    event = (await _imported(session, tmp_path))["WEBINAR-01"]
    assert event.kind is EventKind.WEBINAR
    assert event.online_url == "https://zoom.us/j/123456789"
    assert event.registration_opens_at == datetime(2027, 1, 4, 0, 0, tzinfo=UTC)  # 08.00 WITA
    employee = await _employee(session, MARIA)

    with pytest.raises(registration.RegistrationNotOpen):
        await registration.register(
            session, event_id=event.id, employee_id=employee, now=NOW - timedelta(hours=2)
        )
    result = await registration.register(session, event_id=event.id, employee_id=employee, now=NOW)
    assert result.status is RegistrationStatus.REGISTERED


async def test_reimporting_changes_nothing_and_a_file_without_a_setting_keeps_it(
    session: AsyncSession, tmp_path: Path
) -> None:
    await _imported(session, tmp_path)
    again = await load(
        session,
        ImportKind.EVENTS,
        write_csv(tmp_path / "lagi.csv", [HEADER, PRIORITY, APPROVAL, TARGETED, WEBINAR]),
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)

    renamed = [*TARGETED[:1], "Workshop Integritas", *TARGETED[2:10]]
    changed = await load(
        session, ImportKind.EVENTS, write_csv(tmp_path / "judul.csv", [HEADER[:10], renamed])
    )

    assert changed.updated == 1
    event = await session.scalar(select(Event).where(Event.code == "SASARAN-01"))
    assert event is not None
    assert event.title == "Workshop Integritas"
    assert event.target_ranks == ["III/c", "IV/a", "IX"]
    assert event.target_statuses == ["pns", "pppk"]


async def test_bad_settings_are_reported_by_line_and_change_nothing(
    session: AsyncSession, tmp_path: Path
) -> None:
    await roster_and_standards(session, tmp_path)
    before = await snapshot(session)

    def variant(number: int, **changes: str) -> list[str]:
        row = dict(zip(HEADER, WEBINAR, strict=True)) | {"kode": f"SALAH-{number:02d}"}
        return list((row | changes).values())

    rows = [
        HEADER,
        variant(2, pembagian_kursi="acak"),
        variant(3, persetujuan="mungkin"),
        variant(4, tautan="zoom meeting 123"),
        variant(5, sasaran_jenis_jabatan="Fungsional;Struktural"),
        variant(6, sasaran_unit_kerja="Dinkes"),
        variant(7, sasaran_golongan="III/a;V/a;XVIII"),
        variant(8, sasaran_status="Honorer"),
        variant(9, pembagian_kursi="priority", persetujuan="ya"),
        variant(10, mulai_daftar="16/01/2027"),
        variant(11, kompetensi="Kepemimpinan Digital"),
    ]
    errors = await rejected(session, ImportKind.EVENTS, write_csv(tmp_path / "salah.csv", rows))

    assert where(errors) == [
        (2, "pembagian_kursi"),
        (3, "persetujuan"),
        (4, "tautan"),
        (5, "sasaran_jenis_jabatan"),
        (6, "sasaran_unit_kerja"),
        (7, "sasaran_golongan"),
        (8, "sasaran_status"),
        (9, "persetujuan"),
        (10, "mulai_daftar"),
        (11, "kompetensi"),
    ]
    assert "urutan" in reason(errors, 2)
    assert "'Struktural'" in reason(errors, 5)
    assert "'Dinkes'" in reason(errors, 6)
    assert "'V/a', 'XVIII'" in reason(errors, 7)
    assert "CPNS, PNS, PPPK" in reason(errors, 8)
    assert "prioritas" in reason(errors, 9)
    assert "unit kerja belum terdaftar: 'Dinkes'" in reason(errors, 6)
    english = {error.line: said(error, "en") for error in errors}
    assert english[6] == "work units not registered yet: 'Dinkes'; import the roster first"
    assert "first come" in english[2]
    assert await snapshot(session) == before


async def test_how_seats_are_given_stays_once_asn_have_registered(
    session: AsyncSession, tmp_path: Path
) -> None:
    event = (await _imported(session, tmp_path))["SETUJU-01"]
    await registration.register(
        session, event_id=event.id, employee_id=await _employee(session, MARIA), now=NOW
    )
    no_approval = [*APPROVAL[:14], "tidak", *APPROVAL[15:]]

    errors = await rejected(
        session, ImportKind.EVENTS, write_csv(tmp_path / "ubah.csv", [HEADER, no_approval])
    )

    assert where(errors) == [(2, "persetujuan")]
    assert "1 pendaftar" in said(errors[0])
    assert "already has registrants (1)" in said(errors[0], "en")


async def test_an_event_on_a_sunday_or_a_national_holiday_is_imported_with_a_warning(
    session: AsyncSession, tmp_path: Path
) -> None:
    await roster_and_standards(session, tmp_path)
    christmas = [*APPROVAL[:4], "25/12/2026 09.00", "25/12/2026 12.00", APPROVAL[6], "50", "20/12/2026", "4"]
    weekend = [*PRIORITY[:4], "26/12/2026 08.00", "28/12/2026 16.00", PRIORITY[6], "30", "20/12/2026", "24"]

    report = await load(
        session, ImportKind.EVENTS, write_csv(tmp_path / "libur.csv", [HEADER[:10], christmas, weekend])
    )

    assert report.created == 2
    found = [(warning.line, warning.code, warning.day) for warning in report.days_off]
    assert found == [(2, "SETUJU-01", date(2026, 12, 25)), (3, "PRIORITAS-01", date(2026, 12, 27))]
    assert report.days_off[0].holiday("id") == "Hari Raya Natal"
    assert report.days_off[0].holiday("en") == "Christmas Day"
    assert report.days_off[1].holiday("id") is None  # a Sunday
