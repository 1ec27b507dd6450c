"""`asn-bot run` started before the Bot API can be reached waits for it: retries after 1, 2,
4 … seconds up to a minute, each announced once; a token the Bot API refuses is not retried."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram.error import InvalidToken, NetworkError

from bot.app import RETRY_CAP, wait_for_bot_api
from bot.cli import Cli
from bot.local_api import LocalBotApi
from bot.settings import Settings

TOKEN = "123456:TEST-TOKEN"


class _GaveUp(Exception):
    """Raised by the fake sleep to end an endless wait."""


def _nothing_listens() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/bot"


async def test_retries_back_off_exponentially_up_to_a_minute() -> None:
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_base_url=_nothing_listens())
    told: list[tuple[int, float]] = []
    slept: list[float] = []

    async def sleep(delay: float) -> None:
        slept.append(delay)
        if len(slept) == 9:
            raise _GaveUp

    def on_retry(attempt: int, delay: float, error: NetworkError) -> None:
        told.append((attempt, delay))
        assert "Cannot connect" in error.message

    with pytest.raises(_GaveUp):
        await wait_for_bot_api(settings, on_retry=on_retry, sleep=sleep)
    assert slept == [1, 2, 4, 8, 16, 32, RETRY_CAP, RETRY_CAP, RETRY_CAP]
    assert told == list(enumerate(slept, start=1))


async def test_a_reachable_bot_api_is_not_waited_for() -> None:
    async with LocalBotApi(token=TOKEN, bot_username="asn_karier_bot") as api:
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_base_url=api.base_url)

        def on_retry(attempt: int, delay: float, error: NetworkError) -> None:
            raise AssertionError(error)

        await wait_for_bot_api(settings, on_retry=on_retry)


async def test_a_refused_token_is_not_retried() -> None:
    async with LocalBotApi(token=TOKEN, bot_username="asn_karier_bot") as api:
        settings = Settings(
            _env_file=None, telegram_bot_token="999:SALAH", telegram_api_base_url=api.base_url
        )

        def on_retry(attempt: int, delay: float, error: NetworkError) -> None:
            raise AssertionError(error)

        with pytest.raises(InvalidToken):
            await wait_for_bot_api(settings, on_retry=on_retry)


async def test_run_with_a_refused_token_says_so_in_one_line(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    async with LocalBotApi(token=TOKEN, bot_username="asn_karier_bot") as api:
        token = "999:SALAH"
        cli = Cli(
            settings.model_copy(update={"telegram_api_base_url": api.base_url, "telegram_bot_token": token})
        )
        assert await asyncio.to_thread(cli.run) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith("Bot API menolak token ini")
    assert token not in err[0]
