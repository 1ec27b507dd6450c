"""The aiohttp request layer against the local Bot API server: sends, long polls, uploads,
timeouts, and Telegram's errors turned into the exceptions PTB code expects."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData

from bot.app import build_application, build_services
from bot.delivery import deliver
from bot.local_api import FaultKind, LocalBotApi, Phone
from bot.request import AiohttpRequest
from bot.settings import Settings
from tests.local_api.factories import png

TOKEN = "123456:TEST"
MARIA = 1001


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's future RetryAfter.retry_after type instead of its deprecation warning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def server() -> AsyncIterator[LocalBotApi]:
    """The local Bot API server."""
    async with LocalBotApi(token=TOKEN, bot_username="asn_karier_bot") as api:
        yield api


@pytest.fixture
async def bot(server: LocalBotApi) -> AsyncIterator[Bot]:
    """A PTB Bot whose requests go through AiohttpRequest (long polls through a one-connection one)."""
    async with Bot(
        TOKEN,
        base_url=server.base_url,
        base_file_url=server.base_file_url,
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    ) as telegram_bot:
        yield telegram_bot


#: Two ways a text goes out through the request layer: PTB's own `send_message` (its
#: `RequestData` through `do_request`) and the bot's `deliver` (`AiohttpRequest.post_json`).
SENDS: dict[str, Callable[[Bot, int, str], Awaitable[object]]] = {
    "ptb": lambda bot, chat, text: bot.send_message(chat, text),
    "post_json": lambda bot, chat, text: deliver(bot, chat_id=chat, text=text),
}


@pytest.fixture(params=sorted(SENDS))
def send(request: pytest.FixtureRequest) -> Callable[[Bot, int, str], Awaitable[object]]:
    """Each way of sending a text."""
    return SENDS[request.param]


@pytest.fixture
def maria(server: LocalBotApi) -> Phone:
    """Maria's phone."""
    return server.user(user_id=MARIA, first_name="Maria", language_code="id")


async def test_deliver_posts_through_post_json_and_reads_the_message_id(
    server: LocalBotApi, bot: Bot, maria: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted: list[str] = []
    post_json = AiohttpRequest.post_json

    async def spy(
        self: AiohttpRequest, url: str, parameters: dict[str, str], **kwargs: float | None
    ) -> object:
        posted.append(url.rsplit("/", 1)[-1])
        return await post_json(self, url, parameters, **kwargs)

    monkeypatch.setattr(AiohttpRequest, "post_json", spy)
    message_id = await deliver(bot, chat_id=MARIA, text="<b>Halo</b> Maria")

    [reply] = await maria.wait_replies()
    assert posted == ["sendMessage"]
    assert (reply.message_id, reply.plain_text) == (message_id, "Halo Maria")


async def test_a_message_is_sent_and_parsed_back(bot: Bot, maria: Phone) -> None:
    sent = await bot.send_message(MARIA, "<b>Halo</b> Maria &amp; tim", parse_mode=ParseMode.HTML)

    [reply] = await maria.wait_replies()
    assert reply.plain_text == sent.text == "Halo Maria & tim"
    assert sent.entities[0].type == "bold"
    assert sent.message_id == reply.message_id


async def test_a_long_poll_is_woken_by_an_update_and_otherwise_waits_its_timeout(
    bot: Bot, maria: Phone
) -> None:
    loop = asyncio.get_running_loop()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    started = loop.time()
    await maria.send("halo")
    updates = await poll
    assert loop.time() - started < 1
    assert [u.message.text for u in updates if u.message] == ["halo"]

    started = loop.time()
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1) == ()
    assert loop.time() - started >= 0.9


async def test_a_long_poll_longer_than_the_read_timeout_is_not_cut_short(server: LocalBotApi) -> None:
    request = AiohttpRequest(connection_pool_size=1, read_timeout=0.5)
    async with Bot(TOKEN, base_url=server.base_url, get_updates_request=request) as bot:
        # PTB adds the poll's own timeout to the read timeout for getUpdates
        assert await bot.get_updates(timeout=1) == ()


async def test_a_slow_answer_times_out(server: LocalBotApi, bot: Bot, maria: Phone) -> None:
    server.faults.add("sendMessage", FaultKind.DELAY, delay=1.0)

    with pytest.raises(TimedOut):
        await bot.send_message(MARIA, "lambat", read_timeout=0.2)
    # Telegram carried it out; only the answer was late
    [reply] = await maria.wait_replies()
    assert reply.plain_text == "lambat"


async def test_a_request_waiting_for_a_busy_pool_times_out(server: LocalBotApi, maria: Phone) -> None:
    server.faults.add("sendMessage", FaultKind.DELAY, delay=1.0)
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.1, connect_timeout=0.1)
    async with Bot(TOKEN, base_url=server.base_url, request=request) as bot:
        slow = asyncio.create_task(bot.send_message(MARIA, "pertama"))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut):
            await bot.send_message(MARIA, "kedua")
        await slow
    assert [m.plain_text for m in maria.history] == ["pertama"]


async def test_photos_and_documents_are_uploaded_as_multipart(bot: Bot, maria: Phone) -> None:
    image = png(40, 30)
    data = b"nip;nama\n198609262015052001;Maria Goreti Bria\n"

    photo = await bot.send_photo(MARIA, image, caption="<i>Grafik</i>", parse_mode=ParseMode.HTML)
    document = await bot.send_document(MARIA, InputFile(data, filename="rekap.csv"), caption="Rekap")

    first, second = await maria.wait_replies(2)
    assert first.photo == image
    assert first.plain_text == photo.caption == "Grafik"
    assert (photo.photo[-1].width, photo.photo[-1].height) == (40, 30)
    assert second.document == data
    assert second.document_name == "rekap.csv"
    assert document.document is not None
    downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
    assert downloaded == data


async def test_flood_control_becomes_retry_after(
    server: LocalBotApi, bot: Bot, maria: Phone, send: Callable[[Bot, int, str], Awaitable[object]]
) -> None:
    server.faults.add("sendMessage", FaultKind.RETRY_AFTER, retry_after=7)

    with pytest.raises(RetryAfter) as error:
        await send(bot, MARIA, "pengumuman")

    assert error.value.retry_after == dtm.timedelta(seconds=7)
    assert maria.history == []


@pytest.mark.parametrize(
    ("kind", "exception", "description"),
    [
        (FaultKind.FORBIDDEN, Forbidden, "Forbidden: bot was blocked by the user"),
        (FaultKind.SERVER_ERROR, NetworkError, "Internal Server Error"),
        (FaultKind.BAD_GATEWAY, NetworkError, "Bad Gateway"),
    ],
)
async def test_error_statuses_become_ptb_exceptions(
    server: LocalBotApi,
    bot: Bot,
    maria: Phone,
    send: Callable[[Bot, int, str], Awaitable[object]],
    kind: FaultKind,
    exception: type[Exception],
    description: str,
) -> None:
    server.faults.add("sendMessage", kind)

    with pytest.raises(exception, match=description):
        await send(bot, MARIA, "pengumuman")


async def test_a_bad_request_and_a_wrong_token_are_told_apart(
    server: LocalBotApi, bot: Bot, send: Callable[[Bot, int, str], Awaitable[object]]
) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await send(bot, 4242, "siapa?")

    with pytest.raises(InvalidToken):
        async with Bot("654321:WRONG", base_url=server.base_url, request=AiohttpRequest()) as stranger:
            await stranger.get_me()


async def test_an_unreachable_server_is_a_network_error() -> None:
    request = AiohttpRequest(connect_timeout=1)
    bot = Bot(TOKEN, base_url="http://127.0.0.1:9/bot", request=request)

    with pytest.raises(NetworkError, match="Cannot connect"):
        async with bot:  # initialize asks getMe
            pass
    assert request.closed


async def test_shutdown_closes_and_initialize_opens_again(server: LocalBotApi, maria: Phone) -> None:
    request = AiohttpRequest()
    assert request.closed
    bot = Bot(TOKEN, base_url=server.base_url, request=request)

    async with bot:
        await bot.send_message(MARIA, "satu")
    assert request.closed
    with pytest.raises(NetworkError, match="not initialized"):
        await bot.send_message(MARIA, "tertutup")
    async with bot:
        await bot.send_message(MARIA, "dua")

    assert [m.plain_text for m in maria.history] == ["satu", "dua"]


@pytest.mark.parametrize("way", ["ptb", "post_json"])
async def test_a_request_not_opened_is_a_network_error_either_way(way: str) -> None:
    request = AiohttpRequest()
    url = "http://127.0.0.1:9/bot123456:TEST/sendMessage"

    post = (
        request.post(url, RequestData())
        if way == "ptb"
        else request.post_json(url, {"chat_id": "1", "text": "x"})
    )

    with pytest.raises(NetworkError, match="not initialized"):
        await post


def test_the_pool_needs_a_connection() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpRequest(connection_pool_size=0)


def test_the_application_uses_it_by_default(settings: Settings) -> None:
    application = build_application(build_services(settings), jobs=False)

    assert isinstance(application.bot.request, AiohttpRequest)
    assert application.bot.request.connection_pool_size > 1
