"""The /_control HTTP API, in-process through aiohttp's test client and as ``python -m bot.local_api``."""

import asyncio
import base64
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from telegram import Bot

from bot.local_api import LocalBotApi
from tests.local_api.conftest import MARIA, TOKEN
from tests.local_api.factories import png

REPOSITORY = Path(__file__).resolve().parents[2]


class Control:
    """A JSON client for one server: the control API and the Bot API side by side."""

    def __init__(self, client: TestClient[aiohttp.web.Request, aiohttp.web.Application]) -> None:
        self.client = client

    async def call(self, method: str, path: str, body: object = None) -> tuple[int, Any]:
        """Send one request and return the status and the decoded JSON."""
        response = await self.client.request(method, path, json=body)
        return response.status, await response.json()

    async def ok(self, method: str, path: str, body: object = None) -> Any:
        """A request that must succeed; its result."""
        status, answer = await self.call(method, path, body)
        assert status == 200, answer
        return answer["result"]

    async def bot(self, method: str, **params: object) -> tuple[int, Any]:
        """A Bot API call."""
        return await self.call("POST", f"/bot{TOKEN}/{method}", params)


@pytest_asyncio.fixture
async def control() -> AsyncIterator[Control]:
    """A server app run by aiohttp's test utilities."""
    server = LocalBotApi(TOKEN)
    async with TestClient(TestServer(server.app)) as client:
        yield Control(client)


async def test_a_user_talks_to_the_bot_through_the_control_api(control: Control) -> None:
    await control.ok(
        "POST", "/_control/users", {"user_id": MARIA, "first_name": "Maria", "language_code": "id"}
    )
    sent = await control.ok("POST", f"/_control/users/{MARIA}/send", {"text": "/start KODE"})
    _, updates = await control.bot("getUpdates")
    keyboard = {"inline_keyboard": [[{"text": "Daftar", "callback_data": "reg:1"}]]}
    await control.bot(
        "sendMessage", chat_id=MARIA, text="<b>Halo</b>", parse_mode="HTML", reply_markup=keyboard
    )
    replies = await control.ok("POST", f"/_control/users/{MARIA}/replies", {"count": 1, "timeout": 1})
    pressed = await control.ok("POST", f"/_control/users/{MARIA}/press", {"data": "reg:1"})
    await control.bot("answerCallbackQuery", callback_query_id=pressed["callback_query"]["id"], text="OK")
    await control.ok("POST", f"/_control/users/{MARIA}/contact", {"phone_number": "+6281234567890"})
    upload = {"filename": "foto.png", "data_base64": base64.b64encode(png()).decode()}
    uploaded = await control.ok("POST", f"/_control/users/{MARIA}/upload", upload)
    chat = await control.ok("GET", f"/_control/chats/{MARIA}")

    assert sent["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert [u["update_id"] for u in updates["result"]] == [sent["update_id"]]
    assert replies[0]["plain_text"] == "Halo"
    assert chat["history"][0]["reply_markup"] == keyboard
    assert chat["callback_answers"][0]["text"] == "OK"
    assert uploaded["message"]["document"]["mime_type"] == "image/png"
    assert chat["user"]["language_code"] == "id"


async def test_limits_faults_and_stats_are_set_over_http(control: Control) -> None:
    await control.ok("POST", "/_control/users", {"user_id": MARIA})
    await control.ok("POST", "/_control/limits", {"enabled": True, "per_chat_burst": 1})
    first, _ = await control.bot("sendMessage", chat_id=MARIA, text="1")
    limited, answer = await control.bot("sendMessage", chat_id=MARIA, text="2")
    await control.ok("POST", "/_control/limits", {"enabled": False})
    await control.ok("POST", "/_control/faults", {"method": "sendMessage", "kind": "502"})
    bad_gateway, _ = await control.bot("sendMessage", chat_id=MARIA, text="3")
    await control.ok("POST", "/_control/faults/blocked", {"chat_id": MARIA, "deactivated": True})
    forbidden, refusal = await control.bot("sendMessage", chat_id=MARIA, text="4")
    await control.ok("DELETE", f"/_control/faults/blocked/{MARIA}")
    await control.ok("POST", "/_control/faults/random", {"rate_429": 1.0, "seed": 3})
    random_429, _ = await control.bot("sendMessage", chat_id=MARIA, text="5")
    await control.ok("DELETE", "/_control/faults")
    last, _ = await control.bot("sendMessage", chat_id=MARIA, text="6")
    stats = await control.ok("GET", "/_control/stats")

    assert (first, limited, bad_gateway, forbidden, random_429, last) == (200, 429, 502, 403, 429, 200)
    assert answer["parameters"] == {"retry_after": 1}
    assert refusal["description"] == "Forbidden: user is deactivated"
    assert stats["sends_accepted"] == 2
    assert stats["rate_limited"] == 1
    assert stats["too_many_requests"] == 2
    assert stats["responses_by_status"] == {"200": 2, "403": 1, "429": 2, "502": 1}


async def test_commands_raw_updates_and_reset(control: Control) -> None:
    await control.bot(
        "setMyCommands", commands=[{"command": "start", "description": "Mulai"}], language_code="id"
    )
    injected = await control.ok(
        "POST",
        "/_control/updates",
        {
            "message": {
                "message_id": 5,
                "date": 0,
                "chat": {"id": 77, "type": "private", "first_name": "Ani"},
                "from": {"id": 77, "is_bot": False, "first_name": "Ani"},
                "text": "halo",
            }
        },
    )
    commands = await control.ok("GET", "/_control/commands")
    await control.ok("POST", "/_control/reset")
    missing, _ = await control.call("GET", "/_control/chats/77")
    invalid, error = await control.call("POST", "/_control/users", {"user_id": "x"})

    assert injected["update_id"] == 1
    assert commands == [
        {
            "scope": "default",
            "language_code": "id",
            "commands": [{"command": "start", "description": "Mulai"}],
        }
    ]
    assert (missing, invalid) == (404, 400)
    assert error == {"ok": False, "description": "user_id must be an integer"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_the_standalone_process_serves_and_stops_cleanly_on_ctrl_c() -> None:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.local_api",
        "--port",
        str(port),
        "--rate-limit",
        cwd=REPOSITORY,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await _wait_until_listening(port)
        async with aiohttp.ClientSession() as session:
            await session.post(f"http://127.0.0.1:{port}/_control/users", json={"user_id": MARIA})
        async with Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot") as bot:
            me = await bot.get_me()
            await bot.send_message(MARIA, "halo")
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 10)

    assert me.username == "asn_karier_bot"
    assert process.returncode == 0
    assert b"Traceback" not in stderr
    assert f"http://127.0.0.1:{port}/bot".encode() in stderr


async def _wait_until_listening(port: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(f"http://127.0.0.1:{port}/_control/stats") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    raise AssertionError(f"the server did not start on port {port}")
