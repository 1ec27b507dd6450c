"""The demo's sample data for Kota Kupang and Provinsi NTT: ~50 invented ASN of every position type
in 13 work units, their positions' competency standards, assessments with real gaps, this year's
JP history, and trainings and university seminars around `today`.

The data are HR files under `db/sample/` — employees.csv, standards.csv, assessments.csv,
history.csv and events.csv, with exactly the columns of `asn-bot import` — so they double as HR's
templates. What they show: NIPs as on the SK and phones as HR types them, three ASN without an
e-mail address; two positions without a standard (the bot's empty state); assessments within two
years where most meet the standard, some fall one or two levels short and some exceed it, with
the gaps the demo accounts' notes promise, and two ASN never assessed; this year's JP from 0 to
30, some exactly 20, and some of last year's; events from two weeks back to seven weeks ahead.

The files are written as of SAMPLE_DAY: seeding moves their dates to `today` and loads them
through the importer, so the sample obeys HR's rules and is upserted by the same natural keys.
Each file imports as it is, in that order, as HR's would; so standards.csv spells out the
managerial and socio-cultural levels that `db.regulation` derives from the position type (a test
holds the two together). What no import file carries stays in code: the demo accounts, and the
registrations with the past seminar's attendance.
Seeding twice changes nothing, and everything follows from `today` alone (no randomness, no clock).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.calendar_days import day_off
from db.identity import nip_digits, normalize_phone
from db.imports import ImportKind, import_rows, read_rows
from db.models import CompetencyGroup, Employee, Event, LearningRecord, Registration, RegistrationStatus

SAMPLE = Path(__file__).with_name("sample")
SAMPLE_DAY = date(2026, 12, 1)  # the day the sample files are written for


def _read(kind: ImportKind) -> list[dict[str, str]]:
    """The rows of the sample file of that kind, as the importer reads them."""
    _, rows = read_rows(SAMPLE / f"{kind}.csv")
    return [row for _, row in rows]


def _valid(normalize: Callable[[str], str | None], raw: str) -> str:
    """`raw` in its normal form; the importer checks every sample cell, so failing here is a bug."""
    value = normalize(raw)
    if value is None:
        raise ValueError(f"invalid value in {SAMPLE}: {raw!r}")
    return value


# ---------------------------------------------------------------------------------------------
# The roster and the positions, as the files have them


class Person(NamedTuple):
    """One invented ASN of the sample roster."""

    nip: str  # the 18 digits
    name: str
    rank: str
    position: str
    position_type: str
    unit: str
    phone: str  # normalized, 62…
    email: str | None


class PositionSample(NamedTuple):
    """A position: its type, and the technical competencies its standard requires (None: the
    position has no standard yet — the bot's empty state)."""

    position_type: str
    technical: tuple[tuple[str, int], ...] | None


PEOPLE: tuple[Person, ...] = tuple(
    Person(
        nip=_valid(nip_digits, row["nip"]),
        name=row["nama"],
        rank=row["golongan"],
        position=row["jabatan"],
        position_type=row["jenis_jabatan"],
        unit=row["unit_kerja"],
        phone=_valid(normalize_phone, row["telepon"]),
        email=row["email"] or None,
    )
    for row in _read(ImportKind.EMPLOYEES)
)


def _positions() -> dict[str, PositionSample]:
    """Every position, those with a standard first, in the files' order."""
    technical: dict[str, list[tuple[str, int]]] = {}
    for row in _read(ImportKind.STANDARDS):
        required = technical.setdefault(row["jabatan"], [])
        if row["kelompok"] == CompetencyGroup.TEKNIS:
            required.append((row["kompetensi"], int(row["level"])))
    types = {sample.position: sample.position_type for sample in PEOPLE}
    return {
        position: PositionSample(
            types[position], tuple(technical[position]) if position in technical else None
        )
        for position in (*technical, *types)
    }


POSITIONS = _positions()
# Each work unit (OPD) and the e-mail domain of the government it belongs to, as the roster shows.
UNITS: dict[str, str] = {sample.unit: sample.email.partition("@")[2] for sample in PEOPLE if sample.email}


def person(name: str) -> Person:
    """The sample ASN of that name."""
    return next(p for p in PEOPLE if p.name == name)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A sample ASN to try the demo as: link with this NIP and this phone number."""

    nip: str
    name: str
    phone: str  # normalized, 62…
    position: str
    position_type: str
    unit: str
    note: str
    telegram_user_id: int  # a suggested id for the demo's simulated phone


def _account(name: str, note: str, telegram_user_id: int) -> DemoAccount:
    sample = person(name)
    return DemoAccount(
        nip=sample.nip,
        name=sample.name,
        phone=sample.phone,
        position=sample.position,
        position_type=sample.position_type,
        unit=sample.unit,
        note=note,
        telegram_user_id=telegram_user_id,
    )


# What the notes promise is what assessments.csv and history.csv hold for them.
DEMO_ACCOUNTS: list[DemoAccount] = [
    _account(
        "Yosefina Lango",
        "Pengawas; punya gap Pelayanan Publik dan Pengambilan Keputusan; 8 JP tahun ini",
        880_001,
    ),
    _account("Petrus Bere", "Fungsional Ahli Pertama; memenuhi standar; tepat 20 JP tahun ini", 880_002),
    _account("Yermias Tallo", "Pelaksana; belum pernah diasesmen; 0 JP tahun ini", 880_003),
    _account(
        "Kornelis Nahak",
        "Administrator; gap Mengelola Perubahan; di atas 20 JP; hadir di seminar yang lalu",
        880_004,
    ),
]

# ---------------------------------------------------------------------------------------------
# The files' rows as of `today`


def _with_month(day: date, today: date) -> date:
    """A past date moved as far as the first of the month moved, so that seeding again later in
    the month finds the same rows instead of adding copies a few days apart."""
    return day + (today.replace(day=1) - SAMPLE_DAY.replace(day=1))


def _completed_on(day: date, today: date) -> date:
    """A history date as of `today`: this year's learning stays within this year; an earlier
    year's keeps its day, as many years before today's."""
    if day.year < SAMPLE_DAY.year:
        return day.replace(year=today.year - (SAMPLE_DAY.year - day.year))
    return max(date(today.year, 1, 1), _with_month(day, today))


def _event_code(code: str, today: date) -> str:
    """The code of a sample event as of `today`: `PKP-2026-01` carries today's year."""
    series, _, number = code.rsplit("-", 2)
    return f"{series}-{today.year}-{number}"


def _later(cell: str, days: timedelta) -> str:
    """`YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, that many days later."""
    day, _, hour = cell.partition(" ")
    return f"{date.fromisoformat(day) + days} {hour}".strip()


def _tables(today: date) -> dict[ImportKind, list[dict[str, str]]]:
    """The five imports as of `today`: events keep their distance from today, past records move
    with the month."""
    days = today - SAMPLE_DAY
    return {
        ImportKind.EMPLOYEES: _read(ImportKind.EMPLOYEES),
        ImportKind.STANDARDS: _read(ImportKind.STANDARDS),
        ImportKind.ASSESSMENTS: [
            {**row, "tanggal": str(_with_month(date.fromisoformat(row["tanggal"]), today))}
            for row in _read(ImportKind.ASSESSMENTS)
        ],
        ImportKind.HISTORY: [
            {**row, "tanggal_selesai": str(_completed_on(date.fromisoformat(row["tanggal_selesai"]), today))}
            for row in _read(ImportKind.HISTORY)
        ],
        ImportKind.EVENTS: [
            {
                **row,
                "kode": _event_code(row["kode"], today),
                **{
                    column: _later(row[column], _to_working_day(row["mulai"], days))
                    for column in ("mulai", "selesai", "batas_daftar", "mulai_daftar")
                    if row.get(column)
                },
            }
            for row in _read(ImportKind.EVENTS)
        ],
    }


def _to_working_day(starts: str, days: timedelta) -> timedelta:
    """`days`, plus what moves an event starting on `starts` + `days` off a Sunday or a national
    holiday (the files are written for SAMPLE_DAY; on another day the weekdays drift)."""
    day = date.fromisoformat(starts.partition(" ")[0]) + days
    while day_off(day) is not None:
        day += timedelta(days=1)
        days += timedelta(days=1)
    return days


# Who already signed up (codes as in events.csv): the nearly full training lacks one seat (none of
# the demo accounts took one), a few registered elsewhere, and the past seminar has its attendees,
# credited with its JP.
_REGISTERED: dict[str, tuple[str, ...]] = {
    "PRIMA-2026-01": (
        "Dorkas Bani",
        "Maria Amalo",
        "Melkianus Nenobais",
        "Oktaviana Bria",
        "Adelina Kase",
        "Yosefina Amalo",
        "Aloysius Bria",
        "Agustina Seran",
        "Gabriel Taek",
        "Ferderika Tallo",
        "Veronika Dethan",
    ),
    "PKP-2026-01": ("Fransiskus Tanaem", "Novita Lango", "Aloysius Mooy", "Elisabeth Benu"),
    "UNDANA-2026-02": ("Kornelis Bani", "Sarlota Pah", "Hendrik Seran", "Regina Nahak", "Maria Fanggidae"),
}
_PAST_SEMINAR = "UNDANA-2026-01"
_ATTENDED = (
    "Kornelis Nahak",
    "Kornelis Bani",
    "Sarlota Pah",
    "Paulus Lado",
    "Margaretha Kolo",
    "Imelda Bere",
)
_RATINGS = {
    "Kornelis Bani": (5, "Materinya relevan dengan tugas di Bagian Organisasi."),
    "Paulus Lado": (4, None),
}

# ---------------------------------------------------------------------------------------------
# Seeding


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """How much sample data there is (the same on every run), and how many rows this run added."""

    units: int
    positions: int
    employees: int
    competencies: int
    standards: int
    assessments: int
    learning_records: int
    events: int
    registrations: int
    created: int


async def seed_demo(session: AsyncSession, *, today: date, timezone: ZoneInfo) -> SeedSummary:
    """Load the Kupang sample data for `today` (natural keys decide what already exists) and commit."""
    tables = _tables(today)
    created = 0
    for kind, rows in tables.items():
        report = await import_rows(
            session, kind=kind, headers=rows[0], rows=enumerate(rows, 2), timezone=timezone, today=today
        )
        created += report.created
    created += await _registrations(session, today=today, timezone=timezone)
    return SeedSummary(
        units=len({sample.unit for sample in PEOPLE}),
        positions=len(POSITIONS),
        employees=len(PEOPLE),
        competencies=len({row["kompetensi"] for row in tables[ImportKind.STANDARDS]}),
        standards=len(tables[ImportKind.STANDARDS]),
        assessments=len(tables[ImportKind.ASSESSMENTS]),
        learning_records=len(tables[ImportKind.HISTORY]) + len(_ATTENDED),
        events=len(tables[ImportKind.EVENTS]),
        registrations=sum(map(len, _REGISTERED.values())) + len(_ATTENDED),
        created=created,
    )


class _Seats(NamedTuple):
    """What signing up for a sample event needs to know of it."""

    id: int
    title: str
    organizer: str
    starts_at: datetime
    jp: int
    free: int


class _Existing(NamedTuple):
    """What the database holds already: the sample events (by their code in events.csv), employee
    ids by NIP, and who is registered and credited where."""

    events: dict[str, _Seats]
    employees: dict[str, int]
    registered: set[tuple[int, int]]
    credited: set[tuple[int | None, int]]


async def _existing(session: AsyncSession, codes: dict[str, str]) -> _Existing:
    """What the database holds already, `codes` mapping today's event codes to the file's."""
    events = await session.execute(
        select(
            Event.id,
            Event.code,
            Event.title,
            Event.organizer,
            Event.starts_at,
            Event.jp,
            Event.quota,
            Event.seats_taken,
        ).where(Event.code.in_(codes))
    )
    employees = await session.execute(select(Employee.nip, Employee.id))
    registered = await session.execute(select(Registration.event_id, Registration.employee_id))
    credited = await session.execute(select(LearningRecord.event_id, LearningRecord.employee_id))
    return _Existing(
        events={
            codes[row.code]: _Seats(
                row.id, row.title, row.organizer, row.starts_at, row.jp, row.quota - row.seats_taken
            )
            for row in events
        },
        employees=dict(employees.tuples().all()),
        registered=set(registered.tuples()),
        credited=set(credited.tuples()),
    )


async def _registrations(session: AsyncSession, *, today: date, timezone: ZoneInfo) -> int:
    """Add the sample registrations that are missing (keeping `seats_taken` in step, never past
    the quota) and the past seminar's JP credits; returns how many rows were added."""
    plan = [(code, names, RegistrationStatus.REGISTERED) for code, names in _REGISTERED.items()]
    plan.append((_PAST_SEMINAR, _ATTENDED, RegistrationStatus.ATTENDED))
    existing = await _existing(session, {_event_code(code, today): code for code, _, _ in plan})
    added = 0
    for code, names, status in plan:
        event = existing.events[code]
        added += await _sign_up(session, event, names, status, existing, today=today, timezone=timezone)
    await session.commit()
    return added


async def _sign_up(
    session: AsyncSession,
    event: _Seats,
    names: Iterable[str],
    status: RegistrationStatus,
    existing: _Existing,
    *,
    today: date,
    timezone: ZoneInfo,
) -> int:
    """Register the named ASN for the event while seats are free, and credit those who attended
    with its JP; returns how many rows were added."""
    event_day = event.starts_at.astimezone(timezone).date()
    attended = status is RegistrationStatus.ATTENDED
    seats = credits = 0
    for name in names:
        index = PEOPLE.index(person(name))
        employee_id = existing.employees[PEOPLE[index].nip]
        if (event.id, employee_id) not in existing.registered and seats < event.free:
            signed_up = min(today, event_day) - timedelta(days=1 + index % 5)
            at = datetime.combine(signed_up, time(8 + index % 8, index * 7 % 60), tzinfo=timezone)
            rating, comment = _RATINGS.get(name, (None, None)) if attended else (None, None)
            session.add(
                Registration(
                    event_id=event.id,
                    employee_id=employee_id,
                    status=status,
                    queued_at=at,
                    registered_at=at,
                    attended_at=event.starts_at + timedelta(minutes=10 + index % 20) if attended else None,
                    rating=rating,
                    comment=comment,
                )
            )
            seats += 1
        if attended and (event.id, employee_id) not in existing.credited:
            session.add(
                LearningRecord(
                    employee_id=employee_id,
                    title=event.title,
                    organizer=event.organizer,
                    completed_on=event_day,
                    jp=event.jp,
                    event_id=event.id,
                )
            )
            credits += 1
    if seats:
        await session.execute(
            update(Event).where(Event.id == event.id).values(seats_taken=Event.seats_taken + seats)
        )
    return seats + credits
