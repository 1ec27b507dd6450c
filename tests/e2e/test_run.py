"""`asn-bot run` as an operator starts it: polling a Bot API server given by URL, webhook
mode guarded by the secret token, and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.app import build_application, stop, webhook_options
from bot.context import Services
from bot.local_api import LocalBotApi
from bot.settings import Settings
from db.engine import SessionFactory
from messages import Renderer
from tests.e2e.conftest import TOKEN, Clock

ME = 616161
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_run_polls_any_bot_api_server_and_stops_cleanly_on_sigterm(
    api: LocalBotApi, database_url: str, tmp_path: Path
) -> None:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": database_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        phone = api.user(user_id=ME, first_name="Yohanes")
        await phone.send("/bantuan")
        (answer,) = await phone.wait_replies(timeout=30)
        assert "/start" in answer.plain_text
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert "Bot berjalan" in stdout.decode()


async def test_run_without_a_token_explains_how_to_get_one(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"} | {
        "PYTHONPATH": str(ROOT)
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 1
    assert "@BotFather" in stderr.decode()
    assert "asn-bot demo" in stderr.decode()


@pytest.fixture
async def webhook_bot(
    api: LocalBotApi, settings: Settings, sessions: SessionFactory, clock: Clock
) -> AsyncIterator[tuple[str, str]]:
    """The bot in webhook mode on a free loopback port; returns (its URL, the secret)."""
    port = _free_port()
    configured = settings.model_copy(
        update={
            "telegram_api_base_url": api.base_url,
            "webhook_url": f"http://127.0.0.1:{port}/telegram",
            "webhook_secret": "rahasia-kupang",
            "webhook_port": port,
        }
    )
    services = Services(
        settings=configured,
        engine=sessions.kw["bind"],
        sessions=sessions,
        renderer=Renderer(configured.timezone),
        clock=clock,
    )
    application = build_application(services)
    await application.initialize()
    await application.start()
    assert application.updater is not None
    options = webhook_options(configured) | {"listen": "127.0.0.1"}
    await application.updater.start_webhook(**options)
    yield options["webhook_url"], "rahasia-kupang"
    await stop(application)


async def test_webhook_mode_answers_telegram_and_refuses_requests_without_the_secret(
    api: LocalBotApi, webhook_bot: tuple[str, str]
) -> None:
    url, secret = webhook_bot
    phone = api.user(user_id=ME, first_name="Yohanes")
    await phone.send("/bantuan")
    (answer,) = await phone.wait_replies(timeout=10)
    assert "/start" in answer.plain_text

    forged = {
        "update_id": 99,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": ME, "type": "private"},
            "from": {"id": ME, "is_bot": False, "first_name": "X"},
            "text": "/profil",
        },
    }
    async with aiohttp.ClientSession() as client:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "salah"}):
            async with client.post(url, json=forged, headers=headers) as response:
                assert response.status == 403
        async with client.post(
            url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
        ) as response:
            assert response.status == 200
    (profile,) = await phone.wait_replies(timeout=10)
    assert "/start" in profile.plain_text


def test_the_running_bot_schedules_its_jobs(settings: Settings, sessions: SessionFactory) -> None:
    services = Services(
        settings=settings, engine=sessions.kw["bind"], sessions=sessions, renderer=Renderer(settings.timezone)
    )
    application = build_application(services)
    assert application.job_queue is not None
    assert sorted(str(job.name) for job in application.job_queue.jobs()) == [
        "event-reminders",
        "outbox-dispatcher",
        "priority-allocation",
    ]
