"""Injected faults: failed sends change nothing, slow ones still deliver, blocked users answer 403."""

import asyncio
import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.local_api import FaultKind, LocalBotApi, Phone
from tests.local_api.conftest import MARIA, TOKEN


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's future RetryAfter.retry_after type instead of its deprecation warning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def test_queued_429_carries_retry_after_and_delivers_nothing(
    server: LocalBotApi, bot: Bot, maria: Phone
) -> None:
    server.faults.add("sendMessage", FaultKind.RETRY_AFTER, count=2, retry_after=7)

    for _ in range(2):
        with pytest.raises(RetryAfter) as error:
            await bot.send_message(MARIA, "pengumuman")
        assert error.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(MARIA, "pengumuman")

    assert [m.plain_text for m in maria.history] == ["pengumuman"]
    assert server.stats.faults_injected == 2
    assert server.stats.too_many_requests == 2


@pytest.mark.parametrize(
    ("kind", "exception", "description"),
    [
        (FaultKind.FORBIDDEN, Forbidden, "Forbidden: bot was blocked by the user"),
        (FaultKind.SERVER_ERROR, NetworkError, "Internal Server Error"),
        (FaultKind.BAD_GATEWAY, NetworkError, "Bad Gateway"),
    ],
)
async def test_queued_errors_surface_as_ptb_exceptions(
    server: LocalBotApi,
    bot: Bot,
    maria: Phone,
    kind: FaultKind,
    exception: type[TelegramError],
    description: str,
) -> None:
    server.faults.add("sendPhoto", kind)

    with pytest.raises(exception) as error:
        await bot.send_photo(MARIA, "https://example.org/a.png")

    assert error.value.message == description
    assert maria.history == []


async def test_a_fault_can_target_one_chat(server: LocalBotApi, bot: Bot, maria: Phone) -> None:
    budi = server.user(2002, "Budi")
    server.faults.add("*", FaultKind.SERVER_ERROR, chat_id=2002)

    await bot.send_message(MARIA, "untuk Maria")
    with pytest.raises(NetworkError):
        await bot.send_message(2002, "untuk Budi")

    assert len(maria.history) == 1
    assert budi.history == []


async def test_a_slow_answer_still_delivers(server: LocalBotApi, bot: Bot, maria: Phone) -> None:
    server.faults.add("sendMessage", FaultKind.DELAY, delay=0.5)

    with pytest.raises(TimedOut):
        await bot.send_message(MARIA, "lambat", read_timeout=0.1)

    assert [m.plain_text for m in maria.history] == ["lambat"]


async def test_blocked_and_deactivated_users_answer_403(server: LocalBotApi, bot: Bot, maria: Phone) -> None:
    server.user(2002, "Budi")
    server.faults.block(MARIA)
    server.faults.deactivate(2002)

    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(MARIA, "halo")
    with pytest.raises(Forbidden, match=r"^Forbidden: user is deactivated$"):
        await bot.send_document(2002, b"x", filename="x.txt")
    server.faults.unblock(MARIA)
    await bot.send_message(MARIA, "halo lagi")

    assert [m.plain_text for m in maria.history] == ["halo lagi"]


def _pattern(seed: int) -> list[str]:
    server = LocalBotApi(TOKEN)
    server.faults.set_random(rate_429=0.2, rate_5xx=0.1, seed=seed)
    return [str(fault.kind) if (fault := server.faults.draw("sendmessage", 1)) else "-" for _ in range(200)]


def test_random_faults_repeat_with_the_same_seed() -> None:
    first, again, other = _pattern(42), _pattern(42), _pattern(7)

    assert first == again
    assert first != other
    assert 20 <= first.count("429") <= 60
    assert 5 <= first.count("500") + first.count("502") <= 35


async def test_a_broadcast_that_retries_reaches_every_reachable_user_exactly_once(
    server: LocalBotApi, bot: Bot
) -> None:
    phones = [server.user(7000 + n, f"ASN {n}") for n in range(30)]
    server.faults.block(7003)
    server.faults.deactivate(7011)
    server.faults.set_random(rate_429=0.2, rate_5xx=0.1, seed=1)

    for phone in phones:
        await _send_with_retries(bot, phone.user_id, "Undangan Diklat")

    received = {phone.user_id: len(phone.history) for phone in phones}
    assert received == {phone.user_id: 0 if phone.user_id in (7003, 7011) else 1 for phone in phones}
    assert server.stats.faults_injected > 0


async def _send_with_retries(bot: Bot, chat_id: int, text: str) -> None:
    for _ in range(20):
        try:
            await bot.send_message(chat_id, text)
        except Forbidden:
            return
        except (RetryAfter, NetworkError):
            await asyncio.sleep(0)
        else:
            return
    raise AssertionError(f"gave up on {chat_id}")


def test_fault_arguments_are_checked(server: LocalBotApi) -> None:
    with pytest.raises(ValueError, match="FaultKind"):
        server.faults.add("sendMessage", "418")
    with pytest.raises(ValueError, match="between 0 and 1"):
        server.faults.set_random(rate_429=0.8, rate_5xx=0.5)
