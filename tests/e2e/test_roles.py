"""Roles in the chat, end to end over the local Bot API server: anyone reads their own Telegram
id to ask for a role; HR sees who holds which role in `/admin`, revokes one after confirming
(audited) and reads the organizers' settings; an organizer is refused all of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi, Phone
from db import organizer_settings, roles
from db.models import AuditLog, Role, RoleGrant
from tests.utils.phones import forge, press, say

pytestmark = pytest.mark.usefixtures("bot")
HR, ORGANIZER = 9001, 9002
UNDANA = "Universitas Nusa Cendana"


async def _staff(session: AsyncSession, api: LocalBotApi) -> tuple[Phone, Phone]:
    await roles.grant(session, telegram_user_id=HR, role=Role.HR)
    await roles.grant(session, telegram_user_id=ORGANIZER, role=Role.ORGANIZER, organizer=UNDANA)
    await organizer_settings.configure(
        session, name=UNDANA, signer_name="Dr. Agustina Seran, M.Si.", signer_title="Dekan FISIP"
    )
    return (
        api.user(user_id=HR, first_name="Yohanes", language_code="id"),
        api.user(user_id=ORGANIZER, first_name="Dosen", language_code="id"),
    )


async def _grants(session: AsyncSession) -> list[tuple[int, Role]]:
    rows = await session.execute(
        select(RoleGrant.telegram_user_id, RoleGrant.role).execution_options(populate_existing=True)
    )
    return sorted(rows.tuples())


@pytest.mark.parametrize(
    ("command", "lang", "words"),
    [("/id_saya", "id", "ID Telegram Anda"), ("/myid", "en", "Your Telegram id")],
)
async def test_anyone_reads_their_own_telegram_id_to_ask_for_a_role(
    api: LocalBotApi, command: str, lang: str, words: str
) -> None:
    newcomer = api.user(user_id=4242_4242, first_name="Petugas", language_code=lang)
    (answer,) = await say(newcomer, command)
    assert words in answer.plain_text
    assert "42424242" in answer.plain_text


async def test_hr_lists_the_roles_and_revokes_an_organizer_after_confirming(
    api: LocalBotApi, session: AsyncSession
) -> None:
    hr, organizer = await _staff(session, api)
    await say(hr, "/admin")
    (listing,) = await press(hr, "👥 Peran dan penyelenggara")
    assert "Pemegang peran (2)" in listing.plain_text
    assert UNDANA in listing.plain_text
    assert str(ORGANIZER) in listing.plain_text
    assert not any(str(HR) in b for b in listing.button_texts)  # never one's own role
    (confirm,) = await press(hr, f"✖ Penyelenggara: {ORGANIZER}")
    assert "Cabut peran" in confirm.plain_text
    assert await _grants(session) == [(HR, Role.HR), (ORGANIZER, Role.ORGANIZER)]  # not before yes
    (done,) = await press(hr, "✅ Ya, cabut")
    assert "telah dicabut" in done.plain_text
    assert await _grants(session) == [(HR, Role.HR)]
    audit = await session.scalar(select(AuditLog).where(AuditLog.action == "role.revoked"))
    assert audit is not None
    assert (audit.actor_telegram_id, audit.subject) == (HR, f"tg:{ORGANIZER}")

    (refused,) = await say(organizer, "/admin")
    assert "hanya untuk petugas" in refused.plain_text


async def test_hr_reads_the_organizers_signer_and_review_setting(
    api: LocalBotApi, session: AsyncSession
) -> None:
    hr, _ = await _staff(session, api)
    await say(hr, "/admin")
    await press(hr, "👥 Peran dan penyelenggara")
    (settings,) = await press(hr, "🏛 Pengaturan penyelenggara")
    assert UNDANA in settings.plain_text
    assert "Dr. Agustina Seran, M.Si., Dekan FISIP" in settings.plain_text
    assert "Persetujuan HR sebelum terbit: tidak" in settings.plain_text


async def test_an_organizer_sees_no_roles_button_and_is_refused_a_forged_one(
    api: LocalBotApi, session: AsyncSession
) -> None:
    _, organizer = await _staff(session, api)
    (menu,) = await say(organizer, "/admin")
    assert not any("Peran" in b for b in menu.button_texts)
    hr_grant = await session.scalar(select(RoleGrant.id).where(RoleGrant.telegram_user_id == HR))
    for data in ("rol:ls:0", "rol:org:0", f"rol:ask:{hr_grant}", f"rol:yes:{hr_grant}:{HR}"):
        await say(organizer, "/admin")  # a fresh message for each forged press to rewrite
        forge(api, organizer, data)
        (answer,) = await organizer.wait_replies()
        assert "hanya untuk petugas HR" in answer.plain_text
    assert await _grants(session) == [(HR, Role.HR), (ORGANIZER, Role.ORGANIZER)]


async def test_hr_cannot_revoke_their_own_role_in_the_chat(api: LocalBotApi, session: AsyncSession) -> None:
    hr, _ = await _staff(session, api)
    await say(hr, "/admin")
    own = await session.scalar(select(RoleGrant.id).where(RoleGrant.telegram_user_id == HR))
    forge(api, hr, f"rol:yes:{own}:{HR}")
    (answer,) = await hr.wait_replies()
    assert "tidak dapat mencabut peran Anda sendiri" in answer.plain_text
    assert (HR, Role.HR) in await _grants(session)
