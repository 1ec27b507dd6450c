"""`asn-bot broadcast` as HR uses it on the server: the count, a preview, then every
recipient gets the announcement once, with a progress bar to watch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import Cli
from bot.local_api import LocalBotApi
from bot.settings import Settings
from db.announcements import Audience, parse_when
from db.models import Announcement
from tests.utils.employees import make_employee
from tests.utils.phones import linked_phone


async def test_a_broadcast_reaches_each_recipient_once_and_reports(
    api: LocalBotApi, settings: Settings, session: AsyncSession, capsys: pytest.CaptureFixture[str]
) -> None:
    maria = await make_employee(session)
    yohanes = await make_employee(
        session, nip="197805172005011003", name="Yohanes Nahak", phone="6281355550101"
    )
    phones = [
        await linked_phone(session, api, maria, user_id=31),
        await linked_phone(session, api, yohanes, user_id=32),
    ]
    cli = Cli(settings.model_copy(update={"telegram_api_base_url": api.base_url}))
    text = "Pendaftaran PKP Angkatan II dibuka sampai 10 Desember. Info: /pelatihan"
    assert await cli.send_broadcast(text=text, audience=Audience(), at=None, dry_run=False) == 0
    for phone in phones:
        (received,) = await phone.wait_replies()
        assert received.plain_text == text
    out = capsys.readouterr().out
    assert "Penerima: 2 ASN" in out
    assert text in out
    assert "Selesai: 2 terkirim, 0 gagal, 0 dilewati" in out


async def test_a_dry_run_only_counts(
    api: LocalBotApi, settings: Settings, session: AsyncSession, capsys: pytest.CaptureFixture[str]
) -> None:
    phone = await linked_phone(session, api, await make_employee(session), user_id=33)
    cli = Cli(settings.model_copy(update={"telegram_api_base_url": api.base_url}))
    assert await cli.send_broadcast(text="Uji", audience=Audience(), at=None, dry_run=True) == 0
    assert "Penerima: 1 ASN" in capsys.readouterr().out
    assert phone.history == []


async def test_a_scheduled_broadcast_waits_for_the_running_bot(
    api: LocalBotApi, settings: Settings, session: AsyncSession, capsys: pytest.CaptureFixture[str]
) -> None:
    phone = await linked_phone(session, api, await make_employee(session), user_id=34)
    cli = Cli(settings.model_copy(update={"telegram_api_base_url": api.base_url}))
    at = parse_when("1/12/2099 pukul 08.00", timezone=settings.timezone)
    assert at == datetime(2099, 12, 1, 0, 0, tzinfo=UTC)  # 08.00 WITA
    assert await cli.send_broadcast(text="Uji", audience=Audience(), at=at, dry_run=False) == 0
    assert "Pengumuman dijadwalkan" in capsys.readouterr().out
    announcement = (await session.scalars(select(Announcement))).one()
    assert announcement.scheduled_at == at
    assert phone.history == []
