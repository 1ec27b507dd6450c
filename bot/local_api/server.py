"""The local Bot API server: Telegram's HTTP wire format on 127.0.0.1, backed by memory.

``LocalBotApi`` answers ``/bot<TOKEN>/<method>`` like api.telegram.org does for the methods
the bot uses, serves files at ``/file/bot<TOKEN>/<file_path>``, and offers a Python API (and
the ``/_control`` HTTP API in ``control.py``) to play the users: inject their messages and
button presses and read what each of them received.

The methods themselves live by family: ``updates`` (getUpdates and the webhook), ``messages``
(send, edit, delete), ``media`` (photos, documents, getFile), ``callbacks``
(answerCallbackQuery) and ``chat_info`` (getMe, commands, getChat, chat actions); ``checks``
holds what every send and edit goes through.

Rate limits count sends and edits (sendMessage, sendPhoto, sendDocument, editMessageText,
editMessageCaption, editMessageReplyMarkup): Telegram's flood control applies to edits too.
"""

import asyncio
import functools
import json
import logging
import socket
from types import TracebackType
from typing import Self

from aiohttp import web

from bot.local_api import callbacks, chat_info, control, media, messages
from bot.local_api.callbacks import CallbackQueries
from bot.local_api.chat_info import CommandsKey
from bot.local_api.faults import FaultKind, Faults
from bot.local_api.files import FileStore
from bot.local_api.limits import RateLimiter, RateLimits, Stats
from bot.local_api.models import BotMessage, ChatState, JSONDict, JSONObject, UserProfile
from bot.local_api.params import ApiError, Method, Params
from bot.local_api.phone import Phone
from bot.local_api.updates import UpdateQueue

_LOGGER = logging.getLogger(__name__)

_JSON_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class LocalBotApi:
    """An in-memory Telegram Bot API server for one bot, on a loopback port."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "asn_karier_bot",
        *,
        bot_first_name: str = "ASN Karier",
        port: int = 0,
        rate_limits: RateLimits | None = None,
        strict_html: bool = True,
        webhook_attempts: int = 3,
        webhook_retry_delay: float = 0.2,
    ) -> None:
        self.token = token
        self.bot_user = _bot_user(token, bot_username, bot_first_name)
        self.strict_html = strict_html
        self.faults = Faults()
        self.stats = Stats()
        self.commands: dict[CommandsKey, list[JSONObject]] = {}
        self.files = FileStore()
        #: The flood limiter in force, or None when limits are off.
        self.limiter = RateLimiter(rate_limits) if rate_limits is not None else None
        self.updates = UpdateQueue(
            lambda: self.stats, webhook_attempts=webhook_attempts, webhook_retry_delay=webhook_retry_delay
        )
        self.callback_queries = CallbackQueries()
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._chats: dict[int, ChatState] = {}
        self._phones: dict[int, Phone] = {}
        self._methods = self._method_table()
        self.app = web.Application(client_max_size=media.MAX_DOCUMENT_BYTES + 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        control.add_routes(self.app, self)

    def _method_table(self) -> dict[str, Method]:
        """Every Bot API method the server answers, by its lower-cased name (Telegram ignores case)."""
        table = self.updates.methods()
        for family in (messages.METHODS, media.METHODS, callbacks.METHODS, chat_info.METHODS):
            table.update({name: functools.partial(method, self) for name, method in family.items()})
        return {name.lower(): method for name, method in table.items()}

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 (a free port unless one was given)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", self._requested_port))
        except OSError:
            sock.close()
            raise
        self._port = sock.getsockname()[1]
        self.updates.open()
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        _LOGGER.debug("Local Bot API listening on %s", self.base_url)

    async def stop(self) -> None:
        """Answer waiting long polls, stop webhook delivery and close the port."""
        await self.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start the server for an ``async with`` block."""
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop the server at the end of the block."""
        await self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._port is None:
            raise RuntimeError("LocalBotApi is not started")
        return self._port

    @property
    def url(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``, which appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    # -- Python API ------------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> Phone:
        """The phone of a user, registering their private chat (chat id == user id)."""
        profile = UserProfile(user_id, first_name, last_name, username, language_code)
        chat = self._chats.get(user_id)
        if chat is None:
            self._chats[user_id] = ChatState(profile)
        else:
            chat.profile = profile
        phone = self._phones.get(user_id)
        if phone is None:
            phone = self._phones[user_id] = Phone(self, user_id)
        return phone

    def phone(self, user_id: int) -> Phone:
        """The phone of a known user, or of a new one registered with default names."""
        phone = self._phones.get(user_id)
        if phone is None:
            if user_id not in self._chats:
                return self.user(user_id)
            phone = self._phones[user_id] = Phone(self, user_id)
        return phone

    def chat(self, chat_id: int) -> ChatState:
        """The state of a registered chat; KeyError if no user registered it."""
        return self._chats[chat_id]

    def chat_history(self, chat_id: int) -> list[BotMessage]:
        """Everything the bot sent to a chat, as it looks now (edited, deleted)."""
        chat = self._chats.get(chat_id)
        return list(chat.history) if chat is not None else []

    @property
    def rate_limits(self) -> RateLimits | None:
        """The flood limits in force, or None when they are off."""
        return self.limiter.limits if self.limiter is not None else None

    def set_rate_limits(self, limits: RateLimits | None) -> None:
        """Turn flood limits on with ``limits`` (fresh windows) or off with None."""
        self.limiter = RateLimiter(limits) if limits is not None else None

    @property
    def webhook_url(self) -> str | None:
        """The webhook the bot set, if any."""
        return self.updates.webhook_url

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed by getUpdates or delivered to the webhook."""
        return len(self.updates)

    def inject_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw update (an update_id is added if missing) and wake a waiting poll."""
        update = self.updates.add(update)
        message = update.get("message")
        if isinstance(message, dict):
            self._remember_user_message(message)
        return update

    def open_callback_query(self, chat_id: int, message_id: int | None, data: str | None) -> str:
        """Register a button press the bot has to answer and return its query id."""
        return self.callback_queries.open(chat_id, message_id, data)

    def message_dict(self, chat: ChatState, message: BotMessage, *, with_reply: bool = True) -> JSONObject:
        """The Bot API Message object for a message the bot sent."""
        return messages.message_dict(self.bot_user, chat, message, with_reply=with_reply)

    def reset(self) -> None:
        """Forget chats, updates, files, commands, faults and statistics; keep limits and webhook."""
        self._chats.clear()
        self._phones.clear()
        self.updates.clear()
        self.callback_queries.clear()
        self.files.clear()
        self.commands.clear()
        self.faults.clear()
        self.stats = Stats()
        self.set_rate_limits(self.rate_limits)

    def _remember_user_message(self, message: JSONObject) -> None:
        """Register the sender's chat and keep the message so the bot can reply to it."""
        chat_info, sender = message.get("chat"), message.get("from")
        if not isinstance(chat_info, dict) or not isinstance(chat_info.get("id"), int):
            return
        chat = self._chats.get(chat_info["id"])
        if chat is None and isinstance(sender, dict) and chat_info.get("type") == "private":
            profile = UserProfile(
                user_id=chat_info["id"],
                first_name=str(sender.get("first_name", "User")),
                last_name=_optional_str(sender.get("last_name")),
                username=_optional_str(sender.get("username")),
                language_code=_optional_str(sender.get("language_code")),
            )
            chat = self._chats[profile.user_id] = ChatState(profile)
        message_id = message.get("message_id")
        if chat is not None and isinstance(message_id, int):
            chat.user_messages[message_id] = message
            chat.last_message_id = max(chat.last_message_id, message_id)

    # -- HTTP ------------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        """Answer one Bot API call."""
        status = 200
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            method = request.match_info["method"].lower()
            handler = self._methods.get(method)
            if handler is None:
                raise ApiError(404, "Not Found")
            params = await Params.read(request)
            delay = self._draw_fault(method, params) if self.faults.active else 0.0
            result = await handler(params)
            if delay:
                await asyncio.sleep(delay)
            body: JSONObject = {"ok": True, "result": result}
        except ApiError as error:
            status = error.status
            body = error.body()
        self.stats.record_status(status)
        return web.Response(
            body=_JSON_DUMPS(body).encode(), status=status, content_type="application/json", charset="utf-8"
        )

    def _draw_fault(self, method: str, params: Params) -> float:
        """Raise the injected failure for this call, or return the injected delay (0 if none)."""
        try:
            chat_id = params.chat_id(required=False)
        except ApiError:
            chat_id = None
        fault = self.faults.draw(method, chat_id)
        if fault is None:
            return 0.0
        self.stats.faults_injected += 1
        match fault.kind:
            case FaultKind.DELAY:
                return fault.delay
            case FaultKind.RETRY_AFTER:
                raise ApiError(
                    429, f"Too Many Requests: retry after {fault.retry_after}", retry_after=fault.retry_after
                )
            case FaultKind.FORBIDDEN:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            case FaultKind.SERVER_ERROR:
                raise ApiError(500, "Internal Server Error")
            case FaultKind.BAD_GATEWAY:
                raise ApiError(502, "Bad Gateway")

    async def _handle_file(self, request: web.Request) -> web.Response:
        """Serve a stored file at /file/bot<TOKEN>/<file_path>."""
        stored = self.files.at_path(request.match_info["file_path"])
        if request.match_info["token"] != self.token or stored is None or stored.url is not None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")


def _bot_user(token: str, username: str, first_name: str) -> JSONObject:
    """getMe's user for ``token``, whose digits before the colon are the bot's id."""
    bot_id, _, secret = token.partition(":")
    if not bot_id.isdigit() or not secret:
        raise ValueError(f"token must look like '123456:ABC', not {token!r}")
    return {"id": int(bot_id), "is_bot": True, "first_name": first_name, "username": username}


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None
