"""Importing what happened to employees on the roster: assessment results, by (NIP, competency,
date), and JP history — learning done outside the bot's events — by (NIP, title, end date)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import cells
from db.imports.lines import FirstLines, Source
from db.imports.names import Names, known, on_roster, roster
from db.imports.writer import Counts, Key, stored, table_of, upsert
from db.models import Assessment, Base, Competency, LearningRecord


async def import_assessments(session: AsyncSession, source: Source) -> Counts:
    """Upsert assessment results of employees on the roster in registered competencies."""
    employee = on_roster(await roster(session))
    competency = known(await Names.load(session, table_of(Competency)), "competency_unknown")
    assessed_on, method = cells.past_day(source.today), cells.optional_text(100)
    rows: dict[Key, dict[str, Any]] = {}
    keys = FirstLines("tanggal", "duplicate_assessment")
    for line in source.lines():
        employee_id = line.take("nip", employee, 0)
        competency_id = line.take("kompetensi", competency, 0)
        day = line.take("tanggal", assessed_on, date.min)
        level, written = line.take("level", cells.LEVEL, 0), line.take("metode", method, None)
        key = (employee_id, competency_id, day)
        if employee_id and competency_id and day != date.min and keys.first(key, line) and line.ok:
            rows[key] = {
                "employee_id": employee_id,
                "competency_id": competency_id,
                "assessed_on": day,
                "level": level,
                "method": written,
            }
    source.reject_if_errors()
    return await _write(
        session,
        Assessment,
        key=("employee_id", "competency_id", "assessed_on"),
        rows=rows,
        compared=("level", "method"),
        kept=() if source.has("metode") else ("method",),
    )


async def import_history(session: AsyncSession, source: Source) -> Counts:
    """Upsert JP history of employees on the roster (records not made by the bot's events)."""
    employee = on_roster(await roster(session))
    title, completed_on = cells.text(300), cells.past_day(source.today)
    organizer = cells.optional_text(200)
    rows: dict[Key, dict[str, Any]] = {}
    keys = FirstLines("judul", "duplicate_history")
    for line in source.lines():
        employee_id = line.take("nip", employee, 0)
        what = line.take("judul", title, "")
        day = line.take("tanggal_selesai", completed_on, date.min)
        jp, organized_by = line.take("jp", cells.JP, 0), line.take("penyelenggara", organizer, None)
        key = (employee_id, what, day)
        if employee_id and what and day != date.min and keys.first(key, line) and line.ok:
            rows[key] = {
                "employee_id": employee_id,
                "title": what,
                "completed_on": day,
                "jp": jp,
                "organizer": organized_by,
            }
    source.reject_if_errors()
    return await _write(
        session,
        LearningRecord,
        key=("employee_id", "title", "completed_on"),
        rows=rows,
        compared=("jp", "organizer"),
        kept=() if source.has("penyelenggara") else ("organizer",),
        where=(LearningRecord.event_id.is_(None),),
    )


async def _write(
    session: AsyncSession,
    model: type[Base],
    *,
    key: tuple[str, str, str],
    rows: dict[Key, dict[str, Any]],
    compared: tuple[str, str],
    kept: Collection[str],
    where: Sequence[ColumnElement[bool]] = (),
) -> Counts:
    """Upsert records keyed (employee, what, date); only the file's span of dates is compared."""
    if not rows:
        return Counts(0, 0, 0)
    days: list[date] = [natural[2] for natural in rows]
    span = table_of(model).c[key[2]].between(min(days), max(days))
    existing = await stored(session, model, key=key, values=compared, where=(span, *where))
    conn = await session.connection()
    return await upsert(conn, model, rows=rows, existing=existing, compared=compared, kept=kept)
