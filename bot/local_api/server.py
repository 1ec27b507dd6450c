"""The local Bot API server: Telegram's HTTP wire format on 127.0.0.1, backed by memory.

``LocalBotApi`` answers ``/bot<TOKEN>/<method>`` like api.telegram.org does for the methods
the bot uses, serves files at ``/file/bot<TOKEN>/<file_path>``, and offers a Python API (and
the ``/_control`` HTTP API in ``control.py``) to play the users: inject their messages and
button presses and read what each of them received.

Rate limits count sends and edits (sendMessage, sendPhoto, sendDocument, editMessageText,
editMessageCaption, editMessageReplyMarkup): Telegram's flood control applies to edits too.
"""

import asyncio
import itertools
import json
import logging
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp import web

from bot.local_api import control
from bot.local_api.faults import FaultKind, Faults
from bot.local_api.files import DOCUMENTS, PHOTOS, FileStore, document_dict, image_size
from bot.local_api.html_check import Entity, EntityParseError, FormattedText, parse_html, trim
from bot.local_api.limits import RateLimiter, RateLimits, Stats
from bot.local_api.markup import check_reply_markup
from bot.local_api.models import (
    BotMessage,
    CallbackAnswer,
    ChatState,
    JSONDict,
    JSONObject,
    StoredFile,
    UserProfile,
)
from bot.local_api.params import ApiError, Params, Upload, bad_request
from bot.local_api.phone import Phone

_LOGGER = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_POLLING = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"

CommandsKey = tuple[str, str]
_Handler = Callable[[Params], Awaitable[object]]
_JSON_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(slots=True)
class _Poll:
    """One waiting getUpdates call."""

    wake: asyncio.Event
    terminated: bool = False


@dataclass(slots=True)
class _Webhook:
    """The webhook the bot set and the task that delivers updates to it."""

    url: str
    secret_token: str | None
    max_connections: int
    task: asyncio.Task[None] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True, slots=True)
class _PendingQuery:
    chat_id: int
    message_id: int | None
    data: str | None


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
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError(f"token must look like '123456:ABC', not {token!r}")
        self.token = token
        self.bot_user: JSONObject = {
            "id": int(bot_id),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.strict_html = strict_html
        self.faults = Faults()
        self.stats = Stats()
        self.commands: dict[CommandsKey, list[JSONObject]] = {}
        self.files = FileStore()
        self._requested_port = port
        self._port: int | None = None
        self._limiter = RateLimiter(rate_limits) if rate_limits is not None else None
        self._webhook_attempts = webhook_attempts
        self._webhook_retry_delay = webhook_retry_delay
        self._chats: dict[int, ChatState] = {}
        self._phones: dict[int, Phone] = {}
        self._updates: deque[JSONObject] = deque()
        self._last_update_id = 0
        self._update_signal = asyncio.Event()
        self._allowed_updates = DEFAULT_UPDATE_TYPES
        self._poll: _Poll | None = None
        self._webhook: _Webhook | None = None
        self._queries: dict[str, _PendingQuery] = {}
        self._query_ids = itertools.count(1)
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._methods: dict[str, _Handler] = {
            name.lower(): handler
            for name, handler in (
                ("getMe", self._get_me),
                ("getUpdates", self._get_updates),
                ("setWebhook", self._set_webhook),
                ("deleteWebhook", self._delete_webhook),
                ("getWebhookInfo", self._get_webhook_info),
                ("sendMessage", self._send_message),
                ("sendPhoto", self._send_photo),
                ("sendDocument", self._send_document),
                ("editMessageText", self._edit_message_text),
                ("editMessageCaption", self._edit_message_caption),
                ("editMessageReplyMarkup", self._edit_message_reply_markup),
                ("answerCallbackQuery", self._answer_callback_query),
                ("getFile", self._get_file),
                ("setMyCommands", self._set_my_commands),
                ("getMyCommands", self._get_my_commands),
                ("deleteMyCommands", self._delete_my_commands),
                ("deleteMessage", self._delete_message),
                ("getChat", self._get_chat),
                ("sendChatAction", self._send_chat_action),
                ("close", self._close),
                ("logOut", self._close),
            )
        }
        self.app = web.Application(client_max_size=MAX_DOCUMENT_BYTES + 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        control.add_routes(self.app, self)

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
        self._closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        _LOGGER.debug("Local Bot API listening on %s", self.base_url)

    async def stop(self) -> None:
        """Answer waiting long polls, stop webhook delivery and close the port."""
        self._closing = True
        if self._poll is not None:
            self._poll.wake.set()
        await self._stop_webhook()
        if self._session is not None:
            await self._session.close()
            self._session = None
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
        return self._limiter.limits if self._limiter is not None else None

    def set_rate_limits(self, limits: RateLimits | None) -> None:
        """Turn flood limits on with ``limits`` (fresh windows) or off with None."""
        self._limiter = RateLimiter(limits) if limits is not None else None

    @property
    def webhook_url(self) -> str | None:
        """The webhook the bot set, if any."""
        return self._webhook.url if self._webhook is not None else None

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed by getUpdates or delivered to the webhook."""
        return len(self._updates)

    def inject_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw update (an update_id is added if missing) and wake a waiting poll."""
        if "update_id" in update:
            update_id = update["update_id"]
            if not isinstance(update_id, int):
                raise ValueError("update_id must be an integer")
            self._last_update_id = max(self._last_update_id, update_id)
        else:
            self._last_update_id += 1
            update = {"update_id": self._last_update_id, **update}
        message = update.get("message")
        if isinstance(message, dict):
            self._remember_user_message(message)
        kind = next((key for key in update if key != "update_id"), "")
        if kind not in self._allowed_updates:
            return update
        self._updates.append(update)
        if self._poll is not None:
            self._poll.wake.set()
        self._update_signal.set()
        self._update_signal = asyncio.Event()
        return update

    def open_callback_query(self, chat_id: int, message_id: int | None, data: str | None) -> str:
        """Register a button press the bot has to answer and return its query id."""
        query_id = f"{chat_id}{next(self._query_ids):010d}"
        self._queries[query_id] = _PendingQuery(chat_id, message_id, data)
        return query_id

    def message_dict(self, chat: ChatState, message: BotMessage, *, with_reply: bool = True) -> JSONObject:
        """The Bot API Message object for a message the bot sent."""
        answer: JSONObject = {
            "message_id": message.message_id,
            "from": self.bot_user,
            "chat": chat.profile.chat_dict(),
            "date": message.date,
        }
        if message.edit_date is not None:
            answer["edit_date"] = message.edit_date
        if with_reply and message.reply_to_message_id is not None:
            replied = chat.message(message.reply_to_message_id)
            if replied is not None:
                answer["reply_to_message"] = self.message_dict(chat, replied, with_reply=False)
            elif message.reply_to_message_id in chat.user_messages:
                answer["reply_to_message"] = chat.user_messages[message.reply_to_message_id]
        if message.text is not None:
            answer["text"] = message.plain_text
            if message.entities:
                answer["entities"] = list(message.entities)
        stored = message.file
        if stored is not None and message.media == "photo":
            answer["photo"] = [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": stored.width,
                    "height": stored.height,
                    "file_size": stored.size,
                }
            ]
        elif stored is not None:
            answer["document"] = document_dict(stored)
        if message.caption is not None and message.plain_text:
            answer["caption"] = message.plain_text
            if message.entities:
                answer["caption_entities"] = list(message.entities)
        if message.inline_keyboard is not None:
            answer["reply_markup"] = message.reply_markup
        if message.link_preview_options is not None:
            answer["link_preview_options"] = message.link_preview_options
        if message.protect_content:
            answer["has_protected_content"] = True
        return answer

    def reset(self) -> None:
        """Forget chats, updates, files, commands, faults and statistics; keep limits and webhook."""
        self._chats.clear()
        self._phones.clear()
        self._updates.clear()
        self._queries.clear()
        self.files.clear()
        self.commands.clear()
        self.faults.clear()
        self.stats = Stats()
        self.set_rate_limits(self.rate_limits)

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

    # -- updates and webhook ---------------------------------------------------------------------

    async def _get_me(self, params: Params) -> object:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> object:
        if self._webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = params.integer("offset") or 0
        limit = params.integer("limit")
        limit = 100 if limit is None else min(max(limit, 1), 100)
        timeout = max(params.number("timeout") or 0.0, 0.0)
        allowed = params.json_list("allowed_updates", "allowed updates")
        if allowed is not None:
            self._allowed_updates = frozenset(str(kind) for kind in allowed) or DEFAULT_UPDATE_TYPES
        self._confirm(offset)
        if self._poll is not None:
            self._poll.terminated = True
            self._poll.wake.set()
            self._poll = None
        if self._updates or timeout == 0 or self._closing:
            return list(itertools.islice(self._updates, limit))
        poll = self._poll = _Poll(asyncio.Event())
        try:
            await asyncio.wait_for(poll.wake.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            if self._poll is poll:
                self._poll = None
        if poll.terminated:
            raise ApiError(409, CONFLICT_POLLING)
        if self._webhook is not None:
            return []
        return list(itertools.islice(self._updates, limit))

    def _confirm(self, offset: int) -> None:
        """Forget updates confirmed by ``offset`` (a negative one keeps only the last -offset)."""
        updates = self._updates
        if offset > 0:
            while updates and _update_id(updates[0]) < offset:
                updates.popleft()
        elif offset < 0:
            while len(updates) > -offset:
                updates.popleft()

    async def _set_webhook(self, params: Params) -> object:
        url = params.text("url") or ""
        if not url:
            return await self._delete_webhook(params)
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.text("secret_token")
        if secret is not None and not (
            1 <= len(secret) <= 256 and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.json_list("allowed_updates", "allowed updates")
        if allowed is not None:
            self._allowed_updates = frozenset(str(kind) for kind in allowed) or DEFAULT_UPDATE_TYPES
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        await self._stop_webhook()
        hook = self._webhook = _Webhook(url, secret, params.integer("max_connections") or 40)
        hook.task = asyncio.create_task(self._deliver_updates(hook))
        if self._poll is not None:
            self._poll.wake.set()
        return True

    async def _delete_webhook(self, params: Params) -> object:
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        await self._stop_webhook()
        return True

    async def _get_webhook_info(self, params: Params) -> object:
        hook = self._webhook
        info: JSONObject = {
            "url": hook.url if hook is not None else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if self._allowed_updates != DEFAULT_UPDATE_TYPES:
                info["allowed_updates"] = sorted(self._allowed_updates)
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    async def _stop_webhook(self) -> None:
        hook, self._webhook = self._webhook, None
        if hook is not None and hook.task is not None:
            hook.task.cancel()
            await asyncio.gather(hook.task, return_exceptions=True)

    async def _deliver_updates(self, hook: _Webhook) -> None:
        """POST queued updates to the webhook one by one, in order."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        while True:
            if not self._updates:
                await self._update_signal.wait()
                continue
            update = self._updates[0]
            if await self._post_update(hook, update):
                self.stats.webhook_deliveries += 1
            else:
                self.stats.webhook_failures += 1
            if self._updates and self._updates[0] is update:
                self._updates.popleft()

    async def _post_update(self, hook: _Webhook, update: JSONObject) -> bool:
        """Try to deliver one update a few times; record the last error like Telegram does."""
        assert self._session is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        for attempt in range(self._webhook_attempts):
            try:
                async with self._session.post(hook.url, json=update, headers=headers) as response:
                    if 200 <= response.status < 300:
                        return True
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError) as failure:
                error = f"Connection failed: {failure.__class__.__name__}"
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            _LOGGER.debug("Webhook delivery of update %s failed: %s", update.get("update_id"), error)
            if attempt + 1 < self._webhook_attempts:
                await asyncio.sleep(self._webhook_retry_delay * 2**attempt)
        return False

    # -- sending ---------------------------------------------------------------------------------

    async def _send_message(self, params: Params) -> object:
        chat = self._target_chat(params)
        text = params.text("text")
        if text is None:
            raise bad_request("message text is empty")
        parse_mode = params.text("parse_mode")
        formatted = self._format(text, parse_mode, params, "entities")
        if not formatted.text:
            raise bad_request("message text is empty")
        if len(formatted.text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        markup = self._reply_markup(params)
        reply_to = self._reply_to(chat, params)
        preview = params.json_object("link_preview_options", "link preview options")
        now = self._admit(chat, "sendMessage")
        message = BotMessage(
            message_id=chat.next_message_id(),
            chat_id=chat.profile.user_id,
            date=now,
            method="sendMessage",
            text=text,
            plain_text=formatted.text,
            parse_mode=parse_mode,
            entities=formatted.entities,
            reply_markup=markup,
            reply_to_message_id=reply_to,
            link_preview_options=preview,
            disable_notification=params.flag("disable_notification"),
            protect_content=params.flag("protect_content"),
            allow_paid_broadcast=params.flag("allow_paid_broadcast"),
        )
        chat.add(message)
        return self.message_dict(chat, message)

    async def _send_photo(self, params: Params) -> object:
        return self._send_media(params, "photo", "sendPhoto")

    async def _send_document(self, params: Params) -> object:
        return self._send_media(params, "document", "sendDocument")

    def _send_media(self, params: Params, media: str, method: str) -> JSONObject:
        chat = self._target_chat(params)
        stored = self._media_file(params, media)
        caption = params.text("caption")
        parse_mode = params.text("parse_mode")
        formatted = self._caption(caption, parse_mode, params)
        markup = self._reply_markup(params)
        reply_to = self._reply_to(chat, params)
        now = self._admit(chat, method)
        message = BotMessage(
            message_id=chat.next_message_id(),
            chat_id=chat.profile.user_id,
            date=now,
            method=method,
            caption=caption,
            plain_text=formatted.text,
            parse_mode=parse_mode,
            entities=formatted.entities,
            reply_markup=markup,
            media=media,
            file=stored,
            reply_to_message_id=reply_to,
            disable_notification=params.flag("disable_notification"),
            protect_content=params.flag("protect_content"),
            allow_paid_broadcast=params.flag("allow_paid_broadcast"),
        )
        chat.add(message)
        return self.message_dict(chat, message)

    def _media_file(self, params: Params, media: str) -> StoredFile:
        """The file of a sendPhoto/sendDocument call, stored if it was uploaded."""
        folder = PHOTOS if media == "photo" else DOCUMENTS
        value = params.upload(media)
        if value is None or value == "":
            raise bad_request(f"there is no {media} in the request")
        if isinstance(value, str):
            known = self.files.get(value)
            if known is not None:
                if not known.file_path.startswith(folder):
                    raise bad_request("type of file mismatch")
                return known
            if value.startswith(("http://", "https://")):
                return self.files.add(b"", folder=folder, url=value)
            raise bad_request("wrong file identifier/HTTP URL specified")
        return self._store_upload(value, folder)

    def _store_upload(self, upload: Upload, folder: str) -> StoredFile:
        if not upload.data:
            raise bad_request("file must be non-empty")
        size = (0, 0)
        if folder == PHOTOS:
            if len(upload.data) > MAX_PHOTO_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            dimensions = image_size(upload.data)
            if dimensions is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = dimensions
            if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            size = dimensions
        elif len(upload.data) > MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        return self.files.add(
            upload.data, folder=folder, filename=upload.filename, mime_type=upload.content_type, size=size
        )

    # -- editing ---------------------------------------------------------------------------------

    async def _edit_message_text(self, params: Params) -> object:
        chat, message = self._message_to_edit(params)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        text = params.text("text")
        if text is None:
            raise bad_request("message text is empty")
        parse_mode = params.text("parse_mode")
        formatted = self._format(text, parse_mode, params, "entities")
        if not formatted.text:
            raise bad_request("message text is empty")
        if len(formatted.text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        markup = self._edit_markup(params)
        if (formatted.text, formatted.entities, markup) == (
            message.plain_text,
            message.entities,
            message.reply_markup,
        ):
            raise bad_request(NOT_MODIFIED)
        preview = params.json_object("link_preview_options", "link preview options")
        now = self._admit(chat, "editMessageText")
        edited = replace(
            message,
            method="editMessageText",
            text=text,
            plain_text=formatted.text,
            parse_mode=parse_mode,
            entities=formatted.entities,
            reply_markup=markup,
            link_preview_options=preview,
            edited=True,
            edit_date=now,
        )
        chat.replace(edited, publish=True)
        return self.message_dict(chat, edited)

    async def _edit_message_caption(self, params: Params) -> object:
        chat, message = self._message_to_edit(params)
        if message.media is None:
            raise bad_request("there is no caption in the message to edit")
        caption = params.text("caption")
        parse_mode = params.text("parse_mode")
        formatted = self._caption(caption, parse_mode, params)
        markup = self._edit_markup(params)
        if (formatted.text, formatted.entities, markup) == (
            message.plain_text,
            message.entities,
            message.reply_markup,
        ):
            raise bad_request(NOT_MODIFIED)
        now = self._admit(chat, "editMessageCaption")
        edited = replace(
            message,
            method="editMessageCaption",
            caption=caption,
            plain_text=formatted.text,
            parse_mode=parse_mode,
            entities=formatted.entities,
            reply_markup=markup,
            edited=True,
            edit_date=now,
        )
        chat.replace(edited, publish=True)
        return self.message_dict(chat, edited)

    async def _edit_message_reply_markup(self, params: Params) -> object:
        chat, message = self._message_to_edit(params)
        markup = self._edit_markup(params)
        if markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED)
        now = self._admit(chat, "editMessageReplyMarkup")
        edited = replace(
            message, method="editMessageReplyMarkup", reply_markup=markup, edited=True, edit_date=now
        )
        chat.replace(edited, publish=True)
        return self.message_dict(chat, edited)

    def _message_to_edit(self, params: Params) -> tuple[ChatState, BotMessage]:
        if "inline_message_id" in params:
            raise bad_request("message to edit not found")
        chat = self._target_chat(params)
        message_id = params.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.message(message_id)
        if message is None:
            if message_id in chat.user_messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, message

    def _edit_markup(self, params: Params) -> JSONObject | None:
        """The markup of an edit: inline keyboards only; leaving it out removes the keyboard."""
        markup = self._reply_markup(params)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return markup

    # -- other methods ---------------------------------------------------------------------------

    async def _answer_callback_query(self, params: Params) -> object:
        query_id = params.text("callback_query_id") or ""
        query = self._queries.pop(query_id, None)
        if query is None:
            raise bad_request(QUERY_INVALID)
        answer = CallbackAnswer(
            query_id=query_id,
            message_id=query.message_id,
            data=query.data,
            text=params.text("text"),
            show_alert=params.flag("show_alert"),
            url=params.text("url"),
            cache_time=params.integer("cache_time") or 0,
        )
        chat = self._chats.get(query.chat_id)
        if chat is not None:
            chat.callback_answers.append(answer)
        return True

    async def _get_file(self, params: Params) -> object:
        file_id = params.text("file_id") or ""
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.url is not None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if stored.size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def _set_my_commands(self, params: Params) -> object:
        commands = params.json_list("commands", "bot commands")
        if commands is None:
            raise bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        checked = [_check_command(command) for command in commands]
        key = self._commands_key(params)
        if checked:
            self.commands[key] = checked
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: Params) -> object:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: Params) -> object:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _commands_key(self, params: Params) -> CommandsKey:
        """("default", "id")-style key of a command list: scope (with chat/user ids) and language."""
        language = params.text("language_code") or ""
        if language and not (len(language) == 2 and language.isalpha() and language.islower()):
            raise bad_request("invalid language code specified")
        scope = params.json_object("scope", "bot command scope") or {"type": "default"}
        kind = scope.get("type")
        if kind not in COMMAND_SCOPES:
            raise bad_request("wrong bot command scope type specified")
        key = str(kind)
        if kind in ("chat", "chat_administrators", "chat_member"):
            key = f"{key}:{scope.get('chat_id')}"
        if kind == "chat_member":
            key = f"{key}:{scope.get('user_id')}"
        return key, language

    async def _delete_message(self, params: Params) -> object:
        chat = self._target_chat(params)
        message_id = params.integer("message_id")
        message = chat.message(message_id) if message_id is not None else None
        if message is not None:
            chat.replace(replace(message, deleted=True), publish=False)
        elif message_id is None or chat.user_messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        return True

    async def _get_chat(self, params: Params) -> object:
        chat = self._target_chat(params)
        return {
            **chat.profile.chat_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    async def _send_chat_action(self, params: Params) -> object:
        chat = self._target_chat(params)
        action = params.text("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        refusal = self.faults.refusal(chat.profile.user_id)
        if refusal is not None:
            raise ApiError(403, refusal)
        chat.chat_actions.append(action)
        return True

    async def _close(self, params: Params) -> object:
        return True

    # -- shared checks ---------------------------------------------------------------------------

    def _target_chat(self, params: Params) -> ChatState:
        chat_id = params.chat_id()
        chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _admit(self, chat: ChatState, method: str) -> int:
        """Refuse blocked users and floods, count the send and return its date."""
        chat_id = chat.profile.user_id
        refusal = self.faults.refusal(chat_id)
        if refusal is not None:
            raise ApiError(403, refusal)
        now = time.monotonic()
        if self._limiter is not None:
            wait = self._limiter.admit(chat_id, now)
            if wait:
                self.stats.rate_limited += 1
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        self.stats.record_send(chat_id, method, now)
        return int(time.time())

    def _format(
        self, text: str, parse_mode: str | None, params: Params, entities_field: str
    ) -> FormattedText:
        """Plain text and entities of a text or caption, as Telegram would parse them."""
        entities = params.json_list(entities_field, "entities")
        if entities is not None:
            return trim(text, tuple(_check_entity(entity) for entity in entities))
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                return parse_html(text, strict=self.strict_html)
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from error
        if mode not in ("", "markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        # Markdown is not parsed: the project sends HTML, and the raw text is still readable.
        return trim(text)

    def _caption(self, caption: str | None, parse_mode: str | None, params: Params) -> FormattedText:
        if caption is None:
            return FormattedText("", ())
        formatted = self._format(caption, parse_mode, params, "caption_entities")
        if len(formatted.text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return formatted

    def _reply_markup(self, params: Params) -> JSONObject | None:
        markup = params.json("reply_markup", "reply keyboard markup")
        return None if markup is None else check_reply_markup(markup)

    def _reply_to(self, chat: ChatState, params: Params) -> int | None:
        """The message a send replies to, from reply_parameters (or the legacy parameter)."""
        reply = params.json_object("reply_parameters", "reply parameters")
        if reply is None:
            message_id = params.integer("reply_to_message_id")
            tolerant = params.flag("allow_sending_without_reply")
        else:
            raw_id = reply.get("message_id")
            if not isinstance(raw_id, int):
                raise bad_request("message to be replied not found")
            message_id, tolerant = raw_id, bool(reply.get("allow_sending_without_reply"))
        if message_id is None:
            return None
        if chat.message(message_id) is not None or message_id in chat.user_messages:
            return message_id
        if tolerant:
            return None
        raise bad_request("message to be replied not found")

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


def _update_id(update: JSONObject) -> int:
    update_id = update["update_id"]
    assert isinstance(update_id, int)
    return update_id


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _check_entity(entity: object) -> Entity:
    """A MessageEntity from the ``entities`` parameter, as far as Telegram insists."""
    if not isinstance(entity, dict):
        raise bad_request("can't parse entities: MessageEntity must be an Object")
    kind, offset, length = entity.get("type"), entity.get("offset"), entity.get("length")
    if not isinstance(kind, str) or not isinstance(offset, int) or not isinstance(length, int):
        raise bad_request("can't parse entities: MessageEntity needs type, offset and length")
    if offset < 0 or length < 1:
        raise bad_request("can't parse entities: wrong entity offset or length")
    return {key: value for key, value in entity.items() if isinstance(value, str | int)}


def _check_command(command: object) -> JSONObject:
    if not isinstance(command, dict):
        raise bad_request("can't parse BotCommand: BotCommand must be an Object")
    name, description = command.get("command"), command.get("description")
    if (
        not isinstance(name, str)
        or not 1 <= len(name) <= 32
        or not all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in name)
    ):
        raise bad_request("BOT_COMMAND_INVALID")
    if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return {"command": name, "description": description}
