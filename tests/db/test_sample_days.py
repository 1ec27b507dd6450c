"""The sample data look like an office in Kupang: no training, seminar or learning on a Sunday or
an Indonesian national holiday, and the events show every setting HR can give one (seats by
priority, approval, a target, an online webinar)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.calendar_days import day_off
from db.imports import ImportKind, read_rows
from db.models import Allocation, Event, EventKind
from db.seed import SAMPLE, SAMPLE_DAY, seed_demo
from tests.utils.import_files import WITA


def _rows(kind: ImportKind) -> list[dict[str, str]]:
    _, rows = read_rows(SAMPLE / f"{kind}.csv")
    return [row for _, row in rows]


def _days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def test_no_sample_event_falls_on_a_sunday_or_a_national_holiday() -> None:
    off = {
        row["kode"]: [(day, why) for day in _days(row["mulai"], row["selesai"]) if (why := day_off(day))]
        for row in _rows(ImportKind.EVENTS)
    }
    assert {code: days for code, days in off.items() if days} == {}
    assert len(off) >= 14


def test_no_sample_learning_ended_on_a_sunday_or_a_national_holiday() -> None:
    rows = _rows(ImportKind.HISTORY)
    off = [
        (row["nip"], row["tanggal_selesai"])
        for row in rows
        if day_off(date.fromisoformat(row["tanggal_selesai"]))
    ]
    assert off == []
    assert len(rows) > 100


async def test_the_sample_events_show_every_setting_hr_can_give(session: AsyncSession) -> None:
    await seed_demo(session, today=SAMPLE_DAY, timezone=WITA)
    events = list(await session.scalars(select(Event)))

    priority = [event.code for event in events if event.allocation is Allocation.PRIORITY]
    approval = [event.code for event in events if event.requires_approval]
    for_cpns = [event.code for event in events if event.target_statuses == ["cpns"]]
    online = [event.code for event in events if event.kind is EventKind.WEBINAR and event.online_url]
    assert priority == ["PKA-2026-01"]
    assert approval == ["UNWIRA-2026-01"]
    assert for_cpns == ["LATSAR-2026-01"]
    assert online == ["BKPSDM-2026-01"]
