"""Generated data for the benchmarks: a province-sized roster with valid NIPs, assessments,
learning history and linked Telegram accounts, written with bulk Core inserts.

The structure a real office has — work units, positions with their competency standards,
upcoming trainings — is the demo's Kupang sample (`db.seed.seed_demo`), loaded through the
importer; on top of it `populate` adds `employees` invented ASN spread over those units and
positions, each assessed on their position's standard (most meet it, some fall one or two
levels short, at random with a fixed seed) and with this year's JP history.  Everything follows
from the row index and the seed, so two runs build the same database.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.engine import session_factory
from db.models import (
    Announcement,
    AnnouncementStatus,
    Assessment,
    Employee,
    LearningRecord,
    NotificationKind,
    OutboxMessage,
    OutboxState,
    Position,
    PositionStandard,
    TelegramAccount,
    Unit,
)
from db.seed import PEOPLE, POSITIONS, UNITS, seed_demo

#: Telegram user ids (= private chat ids) of generated accounts: `FIRST_USER_ID + index`.
FIRST_USER_ID = 700_000_000
GIVEN = (
    "Yohanes", "Fransiskus", "Stefanus", "Kornelis", "Yakobus", "Marthen", "Daniel", "Agustinus",
    "Maria", "Yosefina", "Agustina", "Maria Goreti", "Elisabeth", "Dorkas", "Ferderika", "Paulus",
)  # fmt: skip
FAMILY = (
    "Bria", "Nahak", "Tefa", "Mooy", "Lango", "Bere", "Ndun", "Manafe", "Tanaem", "Kase", "Fanggidae",
    "Ratu", "Lado", "Dethan", "Pah", "Taek", "Seran", "Tallo", "Nenobais", "Benu", "Bani", "Amalo",
)  # fmt: skip
RANKS = ("II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b")
#: Assessed − required: most meet the standard, some fall one or two levels short.
DELTAS = (0, 0, 0, 0, 1, -1, -1, -2)
HISTORY = (
    ("E-Learning Penyusunan SKP", "BKPSDM Kota Kupang", 8),
    ("Webinar Sistem Merit dan Manajemen Talenta ASN", "BKN Kantor Regional X Denpasar", 4),
    ("Bimbingan Teknis Pelayanan Prima", "BPSDM Provinsi NTT", 16),
    ("Coaching dan Mentoring Kinerja", None, 2),
)
_DAYS = 12_000  # birth dates 1965-01-01 … 1997-11-08
_BIRTH_START = date(1965, 1, 1)
_CHUNK = 5_000
_STANDARD_POSITIONS = tuple(name for name, sample in POSITIONS.items() if sample.technical is not None)


def nip(index: int) -> str:
    """A valid NIP, distinct for every index below 12,000 × 999: birth date, TMT CPNS 20–29
    years later, gender, and a sequence that separates people born on the same day."""
    born = _BIRTH_START + timedelta(days=index % _DAYS)
    sequence = index // _DAYS + 1
    start_year = born.year + 20 + index % 10
    return f"{born:%Y%m%d}{start_year:04d}{index % 12 + 1:02d}{index % 2 + 1}{sequence:03d}"


def phone(index: int) -> str:
    """A distinct normalized mobile number (a prefix the demo roster does not use)."""
    return f"62857{index:08d}"


def employee_rows(count: int) -> list[dict[str, str]]:
    """`count` roster rows as HR's employees file has them (DESIGN.md, "Import files")."""
    units = list(UNITS)
    rows = []
    for index in range(count):
        position = _STANDARD_POSITIONS[index % len(_STANDARD_POSITIONS)]
        given, family = GIVEN[index % len(GIVEN)], FAMILY[index * 7 % len(FAMILY)]
        rows.append(
            {
                "nip": nip(index),
                "nama": f"{given} {family}",
                "jabatan": position,
                "jenis_jabatan": POSITIONS[position].position_type,
                "unit_kerja": units[index * 5 % len(units)],
                "golongan": RANKS[index % len(RANKS)],
                "telepon": phone(index),
                "email": f"asn{index}@{UNITS[units[index * 5 % len(units)]]}",
            }
        )
    return rows


def write_csv(path: Path, rows: Sequence[dict[str, str]]) -> None:
    """The rows as a UTF-8 `.csv` with a header row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def write_xlsx(path: Path, rows: Sequence[dict[str, str]]) -> None:
    """The rows as an `.xlsx` workbook (one sheet, header row first)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("pegawai")
    headers = list(rows[0])
    sheet.append(headers)
    for row in rows:
        sheet.append([row[header] for header in headers])
    workbook.save(path)


@dataclass(frozen=True, slots=True)
class Population:
    """What `populate` built: how many rows of each kind, and the linked users' ids."""

    employees: int
    assessments: int
    learning_records: int
    user_ids: list[int]


async def populate(
    engine: AsyncEngine, *, employees: int, linked: int, today: date, timezone: ZoneInfo, seed: int = 6
) -> Population:
    """The demo's structure plus `employees` generated ASN (the demo's ~50 included), `linked`
    of them with a Telegram account (user ids from `FIRST_USER_ID`)."""
    async with session_factory(engine)() as session:
        await seed_demo(session, today=today, timezone=timezone)
    generated = max(employees - len(PEOPLE), 0)
    rows = employee_rows(generated)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        units = await _names(conn, Unit)
        positions = await _names(conn, Position)
        standards = await _standards(conn)
        await _insert(
            conn,
            Employee,
            [
                {
                    "nip": row["nip"],
                    "name": row["nama"],
                    "position_id": positions[row["jabatan"]],
                    "position_type": row["jenis_jabatan"],
                    "unit_id": units[row["unit_kerja"]],
                    "rank": row["golongan"],
                    "phone": row["telepon"],
                    "email": row["email"],
                    "updated_at": now,
                }
                for row in rows
            ],
        )
        ids = {n: id_ for id_, n in await conn.execute(select(Employee.id, Employee.nip))}
        assessed_on = today.replace(day=1) - timedelta(days=120)
        assessments = [
            {
                "employee_id": ids[row["nip"]],
                "competency_id": competency_id,
                "level": min(5, max(1, level + rng.choice(DELTAS))),
                "assessed_on": assessed_on,
                "method": "Assessment Center",
            }
            for row in rows
            for competency_id, level in standards[positions[row["jabatan"]]]
        ]
        await _insert(conn, Assessment, assessments)
        history = [
            {
                "employee_id": ids[row["nip"]],
                "title": title,
                "organizer": organizer,
                "completed_on": today.replace(month=1, day=15) + timedelta(days=number * 30),
                "jp": jp,
            }
            for index, row in enumerate(rows)
            for number, (title, organizer, jp) in enumerate(HISTORY[: index % (len(HISTORY) + 1)])
        ]
        await _insert(conn, LearningRecord, history)
        user_ids = [FIRST_USER_ID + index for index in range(min(linked, generated))]
        step = max(generated // max(linked, 1), 1)
        await _insert(
            conn,
            TelegramAccount,
            [
                {
                    "telegram_user_id": user_id,
                    "chat_id": user_id,
                    "employee_id": ids[rows[number * step]["nip"]],
                    "language": "id" if number % 4 else "en",
                    "linked_at": now,
                    "created_at": now,
                }
                for number, user_id in enumerate(user_ids)
            ],
        )
    return Population(
        employees=len(PEOPLE) + generated,
        assessments=len(assessments),
        learning_records=len(history),
        user_ids=user_ids,
    )


async def add_recipients(engine: AsyncEngine, *, first: int, count: int, text: str, due_at: datetime) -> None:
    """`count` Telegram accounts (ids from `first`) and an announcement under way to them: one
    pending outbox row each, as `asn-bot broadcast` leaves it (so the dispatcher also checks
    after each batch whether the announcement is finished, and marks it done at the end)."""
    chat_ids = range(first, first + count)
    async with engine.begin() as conn:
        await _insert(
            conn,
            TelegramAccount,
            [
                {"telegram_user_id": chat, "chat_id": chat, "language": "id", "created_at": due_at}
                for chat in chat_ids
            ],
        )
        announcement_id = await conn.scalar(
            insert(Announcement)
            .values(
                text=text,
                audience={},
                recipient_count=count,
                status=AnnouncementStatus.SENDING,
                created_at=due_at,
            )
            .returning(Announcement.id)
        )
        await _insert(
            conn,
            OutboxMessage,
            [
                {
                    "chat_id": chat,
                    "kind": NotificationKind.ANNOUNCEMENT,
                    "due_at": due_at,
                    "text": text,
                    "context": {},
                    "announcement_id": announcement_id,
                    "state": OutboxState.PENDING,
                    "attempts": 0,
                }
                for chat in chat_ids
            ],
        )


async def _names(conn: AsyncConnection, model: type[Unit | Position]) -> dict[str, int]:
    return {name: id_ for id_, name in await conn.execute(select(model.id, model.name))}


async def _standards(conn: AsyncConnection) -> dict[int, list[tuple[int, int]]]:
    standards: dict[int, list[tuple[int, int]]] = {}
    query = select(PositionStandard.position_id, PositionStandard.competency_id, PositionStandard.level)
    for position_id, competency_id, level in await conn.execute(query):
        standards.setdefault(position_id, []).append((competency_id, level))
    return standards


Model = type[Employee | Assessment | LearningRecord | TelegramAccount | OutboxMessage]


async def _insert(conn: AsyncConnection, model: Model, rows: list[dict[str, object]]) -> None:
    for chunk in _chunks(rows):
        await conn.execute(insert(model), chunk)


def _chunks(rows: list[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]
