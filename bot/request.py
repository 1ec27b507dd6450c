"""python-telegram-bot's request layer on aiohttp: how the bot talks HTTP to the Bot API.

PTB's default `HTTPXRequest` spends most of a request's time in httpx itself; on a 2-core
machine against the local Bot API server on loopback it sends roughly a quarter as many
messages a second as an aiohttp client does (measured by `python -m bench`, see
bench/RESULTS.md).  `AiohttpRequest` implements PTB's `BaseRequest` on one
`aiohttp.ClientSession` with a bounded connection pool; PTB's `BaseRequest.post` still turns
status codes and bodies into `RetryAfter`, `Forbidden`, `BadRequest`… exactly as before.

Timeouts follow PTB's meaning: `connect_timeout` to open a connection, `pool_timeout` to wait
for a free one, `read_timeout` between bytes of the answer.  aiohttp has no separate write
timeout, so the whole exchange is bounded by the sum of the four (with `media_write_timeout`
in place of `write_timeout` for uploads); `None` anywhere means no bound for that part.
"""

from __future__ import annotations

import functools
import json
from http import HTTPStatus

import aiohttp
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.ptb_private import DefaultValue, ODVInput

#: The bot's own pool: a few more connections than updates handled at once (64) plus the
#: outbox dispatcher's concurrent sends; the get_updates request needs one.
DEFAULT_POOL_SIZE = 256


def _value(given: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given


def _sum(*parts: float | None) -> float | None:
    return None if any(part is None for part in parts) else sum(part for part in parts if part is not None)


@functools.lru_cache(maxsize=64)
def _timeout(
    pool: float | None, connect: float | None, write: float | None, read: float | None
) -> aiohttp.ClientTimeout:
    """aiohttp's timeout for PTB's four (built once per combination: a request's own costs
    more than it should on a path that sends thousands a second)."""
    return aiohttp.ClientTimeout(
        total=_sum(pool, connect, write, read),
        connect=_sum(pool, connect),
        sock_connect=connect,
        sock_read=read,
    )


class AiohttpRequest(BaseRequest):
    """A `telegram.request.BaseRequest` on aiohttp, for `ApplicationBuilder().request(...)` and
    `.get_updates_request(...)`.  The session is opened by `initialize` and closed by `shutdown`,
    which PTB calls from `Bot.initialize`/`Bot.shutdown`."""

    def __init__(
        self,
        *,
        connection_pool_size: int = DEFAULT_POOL_SIZE,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self.connection_pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds (PTB adds it to getUpdates' long-poll timeout)."""
        return self._read_timeout

    @property
    def closed(self) -> bool:
        """True before `initialize` and after `shutdown`."""
        return self._session is None or self._session.closed

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self.closed:
            connector = aiohttp.TCPConnector(limit=self.connection_pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}, raise_for_status=False
            )

    async def shutdown(self) -> None:
        """Close the session and its connections (idempotent)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; the status code and body, or TimedOut / NetworkError."""
        # PTB's `parameters` and `multipart_data` each walk every parameter: only what is needed
        files = (
            request_data.multipart_data if request_data is not None and request_data.contains_files else {}
        )
        read = _value(read_timeout, self._read_timeout)
        write = _value(write_timeout, self._media_write_timeout if files else self._write_timeout)
        connect = _value(connect_timeout, self._connect_timeout)
        pool = _value(pool_timeout, self._pool_timeout)
        timeout = _timeout(pool, connect, write, read)
        body: aiohttp.FormData | aiohttp.BytesPayload | None = None
        if files:
            form = aiohttp.FormData(quote_fields=False)
            for name, value in (request_data.json_parameters if request_data is not None else {}).items():
                form.add_field(name, value)
            for name, (filename, content, mime_type) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime_type)
            body = form
        elif request_data is not None and (parameters := request_data.json_parameters):
            body = _json(parameters)
        return await self._exchange(method, url, body, timeout)

    async def post_json(
        self, url: str, parameters: dict[str, str], *, read_timeout: float | None = None
    ) -> object:
        """`BaseRequest.post` for parameters already encoded as PTB encodes them (a text as it is,
        anything else JSON) and no files: Telegram's result, or the same `RetryAfter`,
        `Forbidden`, `BadRequest`… PTB would raise.  The bot's sends take this way: PTB's
        `RequestData` encodes each parameter again every time a request layer reads it."""
        read = self._read_timeout if read_timeout is None else read_timeout
        timeout = _timeout(self._pool_timeout, self._connect_timeout, self._write_timeout, read)
        try:
            status, payload = await self._exchange("POST", url, _json(parameters), timeout)
        except TelegramError:
            raise
        except Exception as exc:  # as PTB's `post` wraps whatever its `do_request` raised
            raise NetworkError(f"Unknown error in HTTP implementation: {exc!r}") from exc
        if HTTPStatus.OK <= status < HTTPStatus.MULTIPLE_CHOICES:
            return self.parse_json_payload(payload)["result"]
        return await _Answered(status, payload).post(url)  # raises as PTB reads Telegram's refusal

    async def _exchange(
        self,
        method: str,
        url: str,
        body: aiohttp.FormData | aiohttp.BytesPayload | None,
        limits: aiohttp.ClientTimeout,
    ) -> tuple[int, bytes]:
        """One HTTP exchange on the session within `limits`: the status code and body, or TimedOut /
        NetworkError."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        try:
            async with session.request(method, url, data=body, timeout=limits) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def _json(parameters: dict[str, str]) -> aiohttp.BytesPayload:
    """The parameters as a JSON body (a payload carries its content type: no per-request headers
    to merge)."""
    return aiohttp.BytesPayload(json.dumps(parameters).encode(), content_type="application/json")


class _Answered(BaseRequest):
    """An answer already received, for PTB's `post` to read as it reads every answer: the
    result, or the error Telegram's status and description call for."""

    def __init__(self, status: int, payload: bytes) -> None:
        self._answer = status, payload

    @property
    def read_timeout(self) -> float | None:
        """No wait: the answer is here."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """The answer."""
        return self._answer
