"""UU PDP: an ASN gets a copy of everything the bot holds about them, and after `/hapus_data`
nothing left in the database ties their Telegram account to them, while HR's record of the
employee (registrations, attendance, JP, certificates, comments) stays (issue #15, point 9)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import accounts, linking, outbox, privacy, registration
from db.attempts import Policy
from db.models import (
    Base,
    Employee,
    Event,
    LearningRecord,
    LinkAttempt,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    OutboxState,
    Registration,
    RegistrationStatus,
)
from tests.utils.employees import MARIA_NIP, make_employee
from tests.utils.events import make_event
from tests.utils.office_time import WITA, wita

#: Maria's Telegram user and chat id: distinctive, so a scan of every table finds any copy.
MARIA_TG = 8765432109
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
DURING = wita(2026, 12, 14, 10)


async def _maria_with_a_history(session: AsyncSession) -> tuple[Employee, Event]:
    """Maria links with HR's code, attends a training, rates it with a comment, turns off a
    notification, has been sent an announcement and a rating request, and is mid-comment."""
    maria = await make_employee(session)
    issued = await linking.issue_code(session, nip=MARIA_NIP, now=NOW, ttl=timedelta(hours=72))
    assert issued is not None
    linked = await linking.redeem_code(
        session,
        telegram_user_id=MARIA_TG,
        chat_id=MARIA_TG,
        language="id",
        code=issued[0],
        now=NOW,
        policy=Policy(),
    )
    assert linked.outcome is linking.Outcome.LINKED
    await accounts.toggle_notification(
        session, telegram_user_id=MARIA_TG, chat_id=MARIA_TG, language="id", kind=NotificationKind.JP_NUDGE
    )
    event = await make_event(
        session, "PP-01", starts_at=wita(2026, 12, 14, 9), title="Pelatihan Pelayanan Prima"
    )
    seat = await registration.register(
        session, event_id=event.id, employee_id=maria.id, now=wita(2026, 12, 1)
    )
    code = await registration.issue_checkin_code(session, event_id=event.id)
    await registration.check_in(
        session,
        employee_id=maria.id,
        telegram_user_id=MARIA_TG,
        code=code,
        now=DURING,
        timezone=WITA,
        policy=Policy(),
    )
    await registration.rate(
        session, registration_id=seat.registration_id, employee_id=maria.id, rating=4, comment="Materi bagus"
    )
    await outbox.enqueue(
        session,
        chat_id=MARIA_TG,
        kind=NotificationKind.ANNOUNCEMENT,
        text="Yth. Ibu Maria, jadwal diklat terlampir.",
        due_at=NOW,
        dedupe_key=f"announcement:1:{MARIA_TG}",
    )
    await session.execute(
        update(OutboxMessage).values(state=OutboxState.SENT, sent_at=NOW, telegram_message_id=77)
    )
    await registration.await_comment(
        session, telegram_user_id=MARIA_TG, registration_id=seat.registration_id, rating=5
    )
    await session.commit()
    return maria, event


async def test_the_copy_holds_profile_registrations_ratings_jp_and_messages(session: AsyncSession) -> None:
    maria, _ = await _maria_with_a_history(session)

    data = await privacy.personal_data(session, telegram_user_id=MARIA_TG, now=NOW)

    json.dumps(data)  # plain JSON, nothing that needs a custom encoder
    assert data["profile"]["nip"] == MARIA_NIP
    assert data["profile"]["name"] == maria.name
    assert data["account"]["notifications_turned_off"] == ["jp_nudge"]
    (seat,) = data["registrations"]
    assert (seat["event_code"], seat["status"], seat["rating"], seat["comment"]) == (
        "PP-01",
        "attended",
        4,
        "Materi bagus",
    )
    assert [r["jp"] for r in data["learning_records"]] == [8]
    texts = [n["text"] for n in data["notifications"]]
    assert "Yth. Ibu Maria, jadwal diklat terlampir." in texts
    assert any(n["template"] == "reg_rate_request" for n in data["notifications"])
    assert data["awaiting_input"] == {"flow": "evaluation", "step": "comment"}
    assert [a["action"] for a in data["audit"]] == ["account.linked"]


async def test_someone_who_never_linked_gets_what_little_there_is(session: AsyncSession) -> None:
    await linking.begin(
        session, telegram_user_id=MARIA_TG, chat_id=MARIA_TG, language="en", now=NOW, policy=Policy()
    )
    data = await privacy.personal_data(session, telegram_user_id=MARIA_TG, now=NOW)
    assert data["profile"] is None
    assert data["account"]["language"] == "en"
    assert "registrations" not in data


async def _rows_mentioning(session: AsyncSession, needle: str) -> dict[str, int]:
    """How many rows of each table hold `needle` anywhere (a column, or inside JSON)."""
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        rows = (await session.execute(select(table))).all()
        hits = sum(1 for row in rows if any(needle in json.dumps(value, default=str) for value in row))
        if hits:
            found[table.name] = hits
    return found


async def test_after_erasure_nothing_ties_the_chat_to_the_employee_but_hr_keeps_the_record(
    session: AsyncSession,
) -> None:
    maria, event = await _maria_with_a_history(session)
    before = await _rows_mentioning(session, str(MARIA_TG))
    assert {"telegram_accounts", "outbox", "audit_log", "link_codes", "conversation_states"} <= set(before)

    assert await accounts.erase(session, telegram_user_id=MARIA_TG, now=NOW) is True

    # Only the guesses while linking stay: they slow down guessing and name no employee.
    assert await _rows_mentioning(session, str(MARIA_TG)) == {"link_attempts": 1}
    attempt = await session.scalar(select(LinkAttempt))
    assert attempt is not None
    assert str(maria.id) not in json.dumps([attempt.reason, attempt.purpose])
    assert await session.scalar(select(func.count()).select_from(NotificationPreference)) == 0
    assert await _rows_mentioning(session, "Yth. Ibu Maria") == {}  # the text sent to her chat is gone
    sent = await session.scalar(select(func.count()).where(OutboxMessage.state == OutboxState.SENT))
    assert sent == 2  # HR's delivery figures still count the messages, now without a chat
    # HR's record of the employee stays.
    seat = await session.scalar(select(Registration).where(Registration.employee_id == maria.id))
    assert seat is not None
    assert (seat.status, seat.rating, seat.comment) == (RegistrationStatus.ATTENDED, 4, "Materi bagus")
    jp = await session.scalar(
        select(func.sum(LearningRecord.jp)).where(LearningRecord.employee_id == maria.id)
    )
    assert jp == event.jp
    assert await session.get(Employee, maria.id) is not None


async def test_a_message_being_sent_when_the_chat_is_erased_is_not_sent_again(session: AsyncSession) -> None:
    await _maria_with_a_history(session)
    await outbox.enqueue(
        session, chat_id=MARIA_TG, kind=NotificationKind.ANNOUNCEMENT, text="Info", due_at=NOW
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.text == "Info")
        .values(state=OutboxState.SENDING, claimed_by="worker-1", lease_until=NOW)
    )
    await session.commit()

    await accounts.erase(session, telegram_user_id=MARIA_TG, now=NOW)

    later = NOW + timedelta(hours=1)
    claimed = await outbox.claim(session, now=later, worker="worker-2", limit=10, lease=timedelta(minutes=1))
    assert claimed == []
