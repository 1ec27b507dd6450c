"""Flood limits: past them the server answers 429 with retry_after, and the stats show the peaks."""

import asyncio
import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.local_api import LocalBotApi, Phone, RateLimits
from bot.local_api.limits import RateLimiter, Stats
from tests.local_api.conftest import MARIA, TOKEN


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's future RetryAfter.retry_after type instead of its deprecation warning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def _seconds(error: RetryAfter) -> float:
    retry_after = error.retry_after
    assert isinstance(retry_after, dtm.timedelta)
    return retry_after.total_seconds()


@pytest.mark.usefixtures("maria")
async def test_limits_are_off_by_default(server: LocalBotApi, bot: Bot) -> None:
    for n in range(40):
        await bot.send_message(MARIA, f"pesan {n}")

    assert server.rate_limits is None
    assert server.stats.sends_accepted == 40
    assert server.stats.max_chat_sends_in_1s == 40


async def test_a_second_message_to_the_same_chat_within_a_second_is_refused(
    server: LocalBotApi, bot: Bot, maria: Phone
) -> None:
    server.set_rate_limits(RateLimits())
    await bot.send_message(MARIA, "satu")

    with pytest.raises(RetryAfter) as error:
        await bot.send_message(MARIA, "dua")

    assert _seconds(error.value) == 1
    assert [m.plain_text for m in maria.history] == ["satu"]
    assert (server.stats.rate_limited, server.stats.too_many_requests) == (1, 1)


async def test_the_overall_limit_spans_chats(server: LocalBotApi, bot: Bot) -> None:
    server.set_rate_limits(RateLimits(global_per_second=5))
    for user_id in range(1, 8):
        server.user(user_id)

    results = [await _try_send(bot, user_id) for user_id in range(1, 8)]

    assert results == ["ok"] * 5 + ["retry after 1"] * 2
    assert server.stats.max_sends_in_1s == 5
    assert server.stats.max_chat_sends_in_1s == 1


async def test_a_sender_that_honours_retry_after_gets_everything_through(
    server: LocalBotApi, bot: Bot, maria: Phone
) -> None:
    server.set_rate_limits(RateLimits(per_chat_per_second=20, per_chat_burst=2))

    for n in range(6):
        while True:
            try:
                await bot.send_message(MARIA, f"pesan {n}")
                break
            except RetryAfter:
                await asyncio.sleep(0.05)

    assert [m.plain_text for m in maria.history] == [f"pesan {n}" for n in range(6)]
    assert server.stats.rate_limited > 0
    assert server.stats.max_sends_in_1s_by_chat[MARIA] <= 20


async def test_edits_count_towards_the_chat_limit(server: LocalBotApi, bot: Bot, maria: Phone) -> None:
    sent = await bot.send_message(MARIA, "versi 1")
    server.set_rate_limits(RateLimits())
    await bot.edit_message_text("versi 2", MARIA, sent.message_id)

    with pytest.raises(RetryAfter):
        await bot.edit_message_text("versi 3", MARIA, sent.message_id)
    assert maria.history[0].plain_text == "versi 2"


def test_sliding_windows_admit_a_burst_then_one_per_period() -> None:
    limiter = RateLimiter(RateLimits(global_per_second=100, per_chat_per_second=1, per_chat_burst=3))

    assert [limiter.admit(1, t) for t in (0.0, 0.1, 0.2, 0.3)] == [0, 0, 0, 3]
    assert limiter.admit(1, 3.0) == 0
    assert limiter.admit(2, 0.3) == 0


def test_stats_track_the_busiest_second() -> None:
    stats = Stats()
    for when in (0.0, 0.5, 0.9, 1.2, 1.3, 1.4, 3.0):
        stats.record_send(7, "sendMessage", when)

    # (0.4, 1.4] holds 0.5, 0.9, 1.2, 1.3 and 1.4.
    assert stats.max_sends_in_1s == 5
    assert stats.max_sends_in_1s_by_chat == {7: 5}
    assert stats.sends_by_method == {"sendMessage": 7}


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimits(per_chat_burst=0)


async def _try_send(bot: Bot, chat_id: int) -> str:
    try:
        await bot.send_message(chat_id, "siaran")
    except RetryAfter as error:
        return f"retry after {_seconds(error):.0f}"
    return "ok"


async def test_rate_limits_from_the_constructor() -> None:
    async with LocalBotApi(TOKEN, rate_limits=RateLimits(per_chat_burst=2)) as server:
        server.user(MARIA)
        async with Bot(TOKEN, base_url=server.base_url) as bot:
            assert [await _try_send(bot, MARIA) for _ in range(3)] == ["ok", "ok", "retry after 2"]
