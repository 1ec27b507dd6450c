"""What an ASN is told about their own registration is written to the outbox in the same
transaction as the change: a seat after waiting, a decision, an allocation result, a removal —
once per event, to their linked chat only, and reading exactly as the event itself would."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import notify
from db.engine import SessionFactory
from db.models import Allocation, Employee, NotificationKind, OutboxMessage, TelegramAccount
from db.models import RegistrationStatus as Status
from db.registration import allocate, cancel, decide, register, remove_registration, set_quota
from messages.renderer import Renderer
from tests.utils.employees import make_employees
from tests.utils.events import configure, make_event
from tests.utils.learning import learned
from tests.utils.office_time import WITA, wita

NOW = wita(2026, 3, 2, 9)
STARTS = wita(2026, 4, 6, 8)
CUTOFF = timedelta(days=2)
HR = 7001


async def _link(session: AsyncSession, *employees: Employee) -> None:
    """Each employee's Telegram account, chat id 500 + employee id (committed)."""
    session.add_all(
        TelegramAccount(telegram_user_id=500 + e.id, chat_id=500 + e.id, employee_id=e.id, linked_at=NOW)
        for e in employees
    )
    await session.commit()


async def _notices(sessions: SessionFactory) -> list[OutboxMessage]:
    """Every notice in the outbox, read through a session of its own: only what was committed."""
    async with sessions() as other:
        return list(
            await other.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.template.in_(("reg_promoted", "admin_notice")))
                .order_by(OutboxMessage.id)
            )
        )


async def test_the_allocation_and_its_notices_are_committed_together_and_only_once(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    event = await make_event(session, "PKP-01", starts_at=STARTS, quota=1, title="Kepemimpinan Pengawas")
    await configure(session, event, allocation=Allocation.PRIORITY)
    seasoned, newcomer, unlinked = await make_employees(session, 3)
    await learned(session, seasoned, "Seminar", on=wita(2026, 2, 1).date(), jp=30)
    for employee in (seasoned, newcomer, unlinked):
        await register(session, event_id=event.id, employee_id=employee.id, now=NOW)
    await _link(session, seasoned, newcomer)

    report = await allocate(session, event_id=event.id, now=NOW, timezone=WITA)

    assert [p.employee_id for p in report.registered] == [newcomer.id]
    rows = await _notices(sessions)
    assert [(r.chat_id, r.kind, r.context["outcome"], r.context["position"]) for r in rows] == [
        (500 + newcomer.id, NotificationKind.REGISTRATION, "allocated", None),
        # behind the unlinked ASN, who has no JP either and is not told
        (500 + seasoned.id, NotificationKind.REGISTRATION, "allocation_waitlisted", 2),
    ]
    by_employee = {p.employee_id: p.registration_id for p in report.placements}
    assert rows[0].dedupe_key == f"registration:{by_employee[newcomer.id]}:allocated:{NOW.isoformat()}"
    assert rows[0].due_at == NOW
    assert rows[0].context["event"] == notify.event_context(event)

    again = await allocate(session, event_id=event.id, now=NOW + timedelta(minutes=1), timezone=WITA)
    assert again.already_allocated
    assert len(await _notices(sessions)) == 2


async def test_a_cancellation_commits_the_promotion_notice_and_a_new_promotion_is_told_again(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    event = await make_event(session, "PP-01", starts_at=STARTS, quota=1)
    holder, waiting = await make_employees(session, 2)
    seat = await register(session, event_id=event.id, employee_id=holder.id, now=NOW)
    queued = await register(session, event_id=event.id, employee_id=waiting.id, now=NOW)
    await _link(session, holder, waiting)

    result = await cancel(
        session, registration_id=seat.registration_id, employee_id=holder.id, now=NOW, cutoff=CUTOFF
    )

    assert [p.employee_id for p in result.promoted] == [waiting.id]
    (told,) = await _notices(sessions)
    assert (told.chat_id, told.kind, told.template) == (
        500 + waiting.id,
        NotificationKind.WAITLIST,
        "reg_promoted",
    )
    assert told.dedupe_key == f"promoted:{queued.registration_id}:{NOW.isoformat()}"
    assert told.context == {"event": notify.event_context(event)}

    # The promoted ASN cancels, registers again behind the holder, and moves up a second time:
    # a new promotion, so a second notice.
    later = NOW + timedelta(hours=1)
    await cancel(
        session, registration_id=queued.registration_id, employee_id=waiting.id, now=later, cutoff=CUTOFF
    )
    await register(session, event_id=event.id, employee_id=holder.id, now=later)
    again = await register(session, event_id=event.id, employee_id=waiting.id, now=later)
    assert again.status is Status.WAITLISTED
    await set_quota(session, event_id=event.id, quota=2, actor=HR, now=later + timedelta(minutes=1))
    promotions = [r for r in await _notices(sessions) if r.template == "reg_promoted"]
    assert [r.chat_id for r in promotions] == [500 + waiting.id] * 2
    assert len({r.dedupe_key for r in promotions}) == 2


async def test_decisions_and_removals_are_told_and_an_unlinked_asn_gets_nothing(
    session: AsyncSession, sessions: SessionFactory
) -> None:
    event = await make_event(session, "WS-01", starts_at=STARTS, quota=1)
    await configure(session, event, requires_approval=True)
    first, second, third, unlinked = await make_employees(session, 4)
    ids = {
        e.id: (await register(session, event_id=event.id, employee_id=e.id, now=NOW)).registration_id
        for e in (first, second, third, unlinked)
    }
    await _link(session, first, second, third)

    for employee, approve in ((first, True), (second, True), (third, False), (unlinked, True)):
        await decide(
            session, registration_id=ids[employee.id], approve=approve, actor_telegram_id=HR, now=NOW
        )
    await remove_registration(session, registration_id=ids[first.id], actor=HR, now=NOW + timedelta(hours=1))

    told = [
        (r.chat_id, r.kind, r.template, r.context.get("outcome"), r.context.get("position"))
        for r in await _notices(sessions)
    ]
    assert told == [
        (500 + first.id, NotificationKind.REGISTRATION, "admin_notice", "approved", None),
        (500 + second.id, NotificationKind.REGISTRATION, "admin_notice", "waitlisted", 1),
        (500 + third.id, NotificationKind.REGISTRATION, "admin_notice", "rejected", None),
        (500 + first.id, NotificationKind.REGISTRATION, "admin_notice", "removed", None),
        (500 + second.id, NotificationKind.WAITLIST, "reg_promoted", None, None),
    ]


async def test_a_blocked_chat_is_not_addressed(session: AsyncSession) -> None:
    linked, blocked, unlinked = await make_employees(session, 3)
    await _link(session, linked, blocked)
    account = await session.get(TelegramAccount, 500 + blocked.id)
    assert account is not None
    account.blocked_at = NOW
    await session.commit()

    chats = await notify.chats_for_employees(session, [linked.id, blocked.id, unlinked.id])

    assert chats == {linked.id: 500 + linked.id}


async def test_a_notice_reads_exactly_as_the_event_itself_would(session: AsyncSession) -> None:
    """The outbox holds the event as JSON text; the message must not change because of it."""
    event = await make_event(
        session, "PKP-01", starts_at=wita(2026, 12, 7, 8), title="Kepemimpinan <Angkatan I>"
    )
    two_days = await make_event(session, "PKP-02", starts_at=wita(2026, 12, 7, 8), hours=30)
    renderer = Renderer(WITA)
    for shown in (event, two_days):
        stored = notify.event_context(shown)
        for lang in ("id", "en"):
            assert renderer.render("reg_promoted", lang, event=stored) == renderer.render(
                "reg_promoted", lang, event=shown
            )
            for outcome, position in (("removed", None), ("allocation_waitlisted", 2)):
                assert renderer.render(
                    "admin_notice", lang, event=stored, outcome=outcome, position=position
                ) == renderer.render("admin_notice", lang, event=shown, outcome=outcome, position=position)
    text = renderer.render("reg_promoted", "id", event=notify.event_context(event))
    assert "Senin, 7 Desember 2026, 08.00 WITA – 16.00 WITA" in text
    assert "&lt;Angkatan I&gt;" in text
