"""`asn-bot run` as an operator starts it: polling a Bot API server given by URL, webhook
mode guarded by the secret token, and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot import webhook
from bot.app import build_application
from bot.context import Services
from bot.local_api import LocalBotApi
from bot.settings import Settings
from bot.webhook import SECRET_HEADER
from db.engine import SessionFactory
from messages import Renderer
from tests.e2e.conftest import TOKEN, Clock

ME = 616161
SECRET = "rahasia-kupang"
MAX_BYTES = 65_536
MB = 1024 * 1024
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


async def _run_without_the_api(database_url: str, tmp_path: Path, port: int) -> asyncio.subprocess.Process:
    """`asn-bot run` against a Bot API address where nothing listens yet."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot",
        "DATABASE_URL": database_url,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _retry_line(process: asyncio.subprocess.Process) -> str:
    """The next line `run` writes about reaching the Bot API (migrations log before it)."""
    assert process.stderr is not None
    while True:
        line = (await asyncio.wait_for(process.stderr.readline(), timeout=60)).decode()
        assert line, "run ended without retrying"
        if "Bot API" in line:
            return line


async def test_run_waits_for_an_unreachable_bot_api_one_line_a_try_then_serves(
    database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    process = await _run_without_the_api(database_url, tmp_path, port)
    try:
        first = await _retry_line(process)
        assert first.startswith(f"Bot API di http://127.0.0.1:{port}/bot belum dapat dihubungi")
        assert "mencoba lagi dalam 1 detik (percobaan ke-1)" in first
        assert "mencoba lagi dalam 2 detik (percobaan ke-2)" in await _retry_line(process)
        async with LocalBotApi(token=TOKEN, bot_username="asn_karier_bot", port=port) as api:
            phone = api.user(user_id=ME, first_name="Yohanes")
            await phone.send("/bantuan")
            (answer,) = await phone.wait_replies(timeout=60)
            assert "/start" in answer.plain_text
            process.send_signal(signal.SIGTERM)
            stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert "Bot berjalan" in stdout.decode()


async def test_ctrl_c_while_waiting_for_the_bot_api_stops_without_a_traceback(
    database_url: str, tmp_path: Path
) -> None:
    process = await _run_without_the_api(database_url, tmp_path, _free_port())
    try:
        await _retry_line(process)
        process.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0
    assert b"Traceback" not in stderr
    assert stdout.decode().strip().endswith("Dihentikan.")


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
    """The bot in webhook mode (as `asn-bot run` serves it) on a free loopback port; returns
    (its URL, the secret)."""
    port = _free_port()
    configured = settings.model_copy(
        update={
            "telegram_api_base_url": api.base_url,
            "webhook_url": f"http://127.0.0.1:{port}/telegram",
            "webhook_secret": SECRET,
            "webhook_port": port,
            "webhook_max_bytes": MAX_BYTES,
        }
    )
    services = Services(
        settings=configured,
        engine=sessions.kw["bind"],
        sessions=sessions,
        renderer=Renderer(configured.timezone),
        clock=clock,
    )
    config = webhook.WebhookConfig.of(configured)
    stopping = asyncio.Event()
    running = asyncio.create_task(webhook.run(build_application(services), config, stopping=stopping))
    for _ in range(200):  # until it listens
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        await asyncio.sleep(0.02)
    yield config.url, SECRET
    stopping.set()
    await running


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
        "staff-digests",
    ]


async def _post_raw(url: str, headers: dict[str, str], body: bytes, *, length: int) -> tuple[int, bool]:
    """POST announcing `length` bytes but sending only `body`; (status, closed by the server)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    head = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {length}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    await asyncio.wait_for(reader.read(), 5)  # returns only once the server closes the connection
    closed = reader.at_eof()
    writer.close()
    return int(status_line.split()[1]), closed


async def test_ten_10_mb_bodies_without_the_secret_are_refused_unread(webhook_bot: tuple[str, str]) -> None:
    url, _ = webhook_bot
    no_secret: list[dict[str, str]] = [{}] * 5 + [{SECRET_HEADER: "salah"}] * 5
    first_bytes = b"x" * 65_536  # of the 10 MB each request announces; the rest is never sent
    answers = await asyncio.gather(
        *(_post_raw(url, headers, first_bytes, length=10 * MB) for headers in no_secret)
    )
    assert answers == [(403, True)] * 10


async def test_a_body_over_the_limit_is_refused_even_with_the_secret(webhook_bot: tuple[str, str]) -> None:
    url, secret = webhook_bot
    status, _ = await _post_raw(url, {SECRET_HEADER: secret}, b"{", length=10 * MB)
    assert status == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the size shows only while reading
        for _ in range(4):
            yield b" " * MAX_BYTES

    async with (
        aiohttp.ClientSession() as client,
        client.post(url, data=chunks(), headers={SECRET_HEADER: secret}) as response,
    ):
        assert response.status == 413


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b'"update"', b"\xff\xfe", b'{"update_id": "x"}', b""]
)
async def test_what_is_not_an_update_is_a_bad_request_not_an_error(
    webhook_bot: tuple[str, str], body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    url, secret = webhook_bot
    async with (
        aiohttp.ClientSession() as client,
        client.post(
            url, data=body, headers={SECRET_HEADER: secret, "Content-Type": "application/json"}
        ) as response,
    ):
        assert response.status == 400
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_the_webhook_listens_on_loopback_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.go.id/telegram")
    monkeypatch.setenv("WEBHOOK_SECRET", "rahasia")
    config = webhook.WebhookConfig.of(Settings())
    assert (config.listen, config.path, config.max_bytes) == ("127.0.0.1", "/telegram", MB)
    monkeypatch.setenv("WEBHOOK_LISTEN", "0.0.0.0")
    assert webhook.WebhookConfig.of(Settings()).listen == "0.0.0.0"
    monkeypatch.setenv("WEBHOOK_LISTEN", "semua")
    with pytest.raises(ValueError, match="IP address"):
        Settings()
