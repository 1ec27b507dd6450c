"""HR chooses who hears an announcement; only linked, reachable ASN in that audience get it,
once, exactly as typed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import broadcast, registration
from db.broadcast import Audience
from db.models import AuditLog, Employee, LearningRecord, OutboxMessage, TelegramAccount
from tests.utils.domain_factories import assess, make_event, set_standard, wita
from tests.utils.factories import make_employee

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


async def _roster(session: AsyncSession) -> dict[str, Employee]:
    people = {
        "maria": await make_employee(session),
        "yohanes": await make_employee(
            session,
            nip="197805172005011003",
            name="Yohanes Nahak",
            phone="6281355550101",
            position="Kepala Seksi Gizi",
            position_type="Pengawas",
            unit="Dinas Kesehatan",
            rank="III/d",
        ),
        "agustina": await make_employee(
            session,
            nip="199001012015022002",
            name="Agustina Mooy",
            phone="6281355550102",
            position="Kepala Seksi Gizi",
            position_type="Pengawas",
            unit="Dinas Kesehatan",
            rank="III/c",
        ),
        "unlinked": await make_employee(
            session, nip="199202022016011004", name="Stefanus Ndun", phone="6281355550103"
        ),
    }
    for number, key in enumerate(("maria", "yohanes", "agustina"), start=1):
        session.add(TelegramAccount(telegram_user_id=number, chat_id=number, employee_id=people[key].id))
    await session.commit()
    return people


async def _count(session: AsyncSession, audience: Audience) -> int:
    return await broadcast.count(session, audience=audience, year=2026, target=20)


async def test_every_filter_narrows_the_audience(session: AsyncSession) -> None:
    people = await _roster(session)
    await set_standard(session, "Kepala Seksi Gizi", {"Pelayanan Publik": 3})
    await assess(session, people["yohanes"], {"Pelayanan Publik": 2}, on=date(2026, 2, 1))
    await assess(session, people["agustina"], {"Pelayanan Publik": 1}, on=date(2025, 2, 1))
    await assess(session, people["agustina"], {"Pelayanan Publik": 3}, on=date(2026, 2, 1))
    session.add(
        LearningRecord(employee_id=people["maria"].id, title="PKA", completed_on=date(2026, 5, 1), jp=24)
    )
    await session.commit()
    event = await make_event(session, "PRIMA-01", starts_at=wita(2026, 12, 14))
    await registration.register(session, event_id=event.id, employee_id=people["agustina"].id, now=NOW)

    assert await _count(session, Audience()) == 3  # the unlinked ASN cannot be reached
    assert await _count(session, Audience(units=("dinas kesehatan",))) == 2
    assert await _count(session, Audience(position_types=("Pengawas",), ranks=("III/d",))) == 1
    assert await _count(session, Audience(event_code="prima-01")) == 1
    assert (
        await _count(session, Audience(gap_competency="Pelayanan Publik")) == 1
    )  # Agustina's latest meets it
    assert await _count(session, Audience(below_jp=True)) == 2

    account = await session.get(TelegramAccount, 2)
    assert account is not None
    account.blocked_at = NOW
    await session.commit()
    assert await _count(session, Audience(units=("Dinas Kesehatan",))) == 1


async def test_an_announcement_is_queued_once_per_recipient_as_typed_and_audited(
    session: AsyncSession,
) -> None:
    await _roster(session)
    text = "Rapat <penting> & wajib hadir"
    announcement = await broadcast.announce(
        session, text=text, audience=Audience(), due_at=NOW, now=NOW, year=2026, target=20, created_by=42
    )
    assert announcement.recipient_count == 3
    rows = list(
        await session.scalars(
            select(OutboxMessage.text).where(OutboxMessage.announcement_id == announcement.id)
        )
    )
    assert rows == ["Rapat &lt;penting&gt; &amp; wajib hadir"] * 3
    audit = await session.scalar(select(AuditLog).where(AuditLog.action == "announcement.created"))
    assert audit is not None
    assert audit.actor_telegram_id == 42
    assert audit.details["recipients"] == 3
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 3
