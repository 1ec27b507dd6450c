"""The ``/_control`` HTTP API: the Python test API of ``LocalBotApi`` as JSON over HTTP.

Meant for benchmarks and tools that run the server as a separate process.  Every answer is
``{"ok": true, "result": ...}`` or ``{"ok": false, "description": ...}`` with status 400/404.

    POST   /_control/users                      {user_id, first_name?, last_name?, username?, language_code?}
    POST   /_control/users/{user_id}/send       {text}
    POST   /_control/users/{user_id}/contact    {phone_number, user_id?}
    POST   /_control/users/{user_id}/press      {text? | data?, message_id?}
    POST   /_control/users/{user_id}/upload     {filename, data_base64, mime_type?, caption?}
    POST   /_control/users/{user_id}/replies    {count?, timeout?}
    GET    /_control/chats/{chat_id}            history, reply keyboard, callback answers, chat actions
    POST   /_control/updates                    a raw update
    GET    /_control/stats
    POST   /_control/limits                     {enabled, global_per_second?, per_chat_per_second?,
                                                 per_chat_burst?}
    POST   /_control/faults                     {method, kind, count?, chat_id?, retry_after?, delay?}
    POST   /_control/faults/random              {rate_429?, rate_5xx?, retry_after?, seed?, methods?}
    POST   /_control/faults/blocked             {chat_id, deactivated?}
    DELETE /_control/faults/blocked/{chat_id}
    DELETE /_control/faults                     queued, random and blocked
    GET    /_control/commands
    POST   /_control/reset
"""

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from bot.local_api.faults import SEND_METHODS
from bot.local_api.limits import RateLimits
from bot.local_api.models import JSONObject

if TYPE_CHECKING:
    from bot.local_api.phone import Phone
    from bot.local_api.server import LocalBotApi

_Route = Callable[[web.Request], Awaitable[object]]


class ControlError(Exception):
    """A control request was malformed."""


def add_routes(app: web.Application, server: "LocalBotApi") -> None:
    """Mount the control API of ``server`` on ``app``."""
    api = _ControlApi(server)
    routes: list[tuple[str, str, _Route]] = [
        ("POST", "/_control/users", api.register),
        ("POST", "/_control/users/{user_id}/send", api.send),
        ("POST", "/_control/users/{user_id}/contact", api.contact),
        ("POST", "/_control/users/{user_id}/press", api.press),
        ("POST", "/_control/users/{user_id}/upload", api.upload),
        ("POST", "/_control/users/{user_id}/replies", api.replies),
        ("GET", "/_control/chats/{chat_id}", api.chat),
        ("POST", "/_control/updates", api.update),
        ("GET", "/_control/stats", api.stats),
        ("POST", "/_control/limits", api.limits),
        ("POST", "/_control/faults", api.add_fault),
        ("POST", "/_control/faults/random", api.random_faults),
        ("POST", "/_control/faults/blocked", api.block),
        ("DELETE", "/_control/faults/blocked/{chat_id}", api.unblock),
        ("DELETE", "/_control/faults", api.clear_faults),
        ("GET", "/_control/commands", api.commands),
        ("POST", "/_control/reset", api.reset),
    ]
    for method, path, route in routes:
        app.router.add_route(method, path, _json_route(route))


def _json_route(route: _Route) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        try:
            result = await route(request)
        except (ControlError, ValueError, LookupError) as error:
            status = 404 if isinstance(error, KeyError) else 400
            return web.json_response({"ok": False, "description": str(error)}, status=status)
        except TimeoutError as error:
            return web.json_response({"ok": False, "description": str(error)}, status=408)
        return web.json_response({"ok": True, "result": result})

    return handle


async def _body(request: web.Request) -> JSONObject:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError as error:
        raise ControlError("the body must be JSON") from error
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def _int(body: JSONObject, key: str, default: int | None = None) -> int:
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ControlError(f"{key} must be an integer")
    return value


def _float(body: JSONObject, key: str, default: float) -> float:
    value = body.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ControlError(f"{key} must be a number")
    return float(value)


def _str(body: JSONObject, key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ControlError(f"{key} must be a string")
    return value


def _required_str(body: JSONObject, key: str) -> str:
    value = _str(body, key)
    if value is None:
        raise ControlError(f"{key} is required")
    return value


def _path_int(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except ValueError as error:
        raise ControlError(f"{key} must be an integer") from error


class _ControlApi:
    """Route handlers over one server."""

    def __init__(self, server: "LocalBotApi") -> None:
        self.server = server

    def _phone(self, request: web.Request) -> "Phone":
        """The phone of the user in the path, registered with default names if new."""
        return self.server.phone(_path_int(request, "user_id"))

    async def register(self, request: web.Request) -> object:
        """Register a user and their private chat."""
        body = await _body(request)
        phone = self.server.user(
            _int(body, "user_id"),
            first_name=_str(body, "first_name") or "User",
            last_name=_str(body, "last_name"),
            username=_str(body, "username"),
            language_code=_str(body, "language_code"),
        )
        return phone.chat.profile.user_dict()

    async def send(self, request: web.Request) -> object:
        """The user types a text or command."""
        body = await _body(request)
        return await self._phone(request).send(_required_str(body, "text"))

    async def contact(self, request: web.Request) -> object:
        """The user shares a contact."""
        body = await _body(request)
        other = body.get("user_id")
        return await self._phone(request).share_contact(
            _required_str(body, "phone_number"), None if other is None else _int(body, "user_id")
        )

    async def press(self, request: web.Request) -> object:
        """The user presses an inline button."""
        body = await _body(request)
        message_id = body.get("message_id")
        return await self._phone(request).press(
            _str(body, "text"),
            data=_str(body, "data"),
            message_id=None if message_id is None else _int(body, "message_id"),
        )

    async def upload(self, request: web.Request) -> object:
        """The user sends a document (its bytes in base64)."""
        body = await _body(request)
        try:
            data = base64.b64decode(_required_str(body, "data_base64"), validate=True)
        except binascii.Error as error:
            raise ControlError("data_base64 is not base64") from error
        return await self._phone(request).upload(
            _required_str(body, "filename"),
            data,
            mime_type=_str(body, "mime_type"),
            caption=_str(body, "caption"),
        )

    async def replies(self, request: web.Request) -> object:
        """Wait for the user's next bot messages."""
        body = await _body(request)
        replies = await self._phone(request).wait_replies(
            count=_int(body, "count", 1), timeout=_float(body, "timeout", 5.0)
        )
        return [reply.as_dict() for reply in replies]

    async def chat(self, request: web.Request) -> object:
        """What a chat received."""
        chat = self.server.chat(_path_int(request, "chat_id"))
        return {
            "user": chat.profile.user_dict(),
            "history": [message.as_dict() for message in chat.history],
            "reply_keyboard": chat.reply_keyboard,
            "callback_answers": [answer.as_dict() for answer in chat.callback_answers],
            "chat_actions": list(chat.chat_actions),
        }

    async def update(self, request: web.Request) -> object:
        """Queue a raw update."""
        return self.server.inject_update(await _body(request))

    async def stats(self, request: web.Request) -> object:
        """The server's statistics."""
        return self.server.stats.as_dict()

    async def limits(self, request: web.Request) -> object:
        """Turn flood limits on or off."""
        body = await _body(request)
        if body.get("enabled", True) is False:
            self.server.set_rate_limits(None)
            return None
        defaults = RateLimits()
        limits = RateLimits(
            global_per_second=_int(body, "global_per_second", defaults.global_per_second),
            per_chat_per_second=_float(body, "per_chat_per_second", defaults.per_chat_per_second),
            per_chat_burst=_int(body, "per_chat_burst", defaults.per_chat_burst),
        )
        self.server.set_rate_limits(limits)
        return {
            "global_per_second": limits.global_per_second,
            "per_chat_per_second": limits.per_chat_per_second,
            "per_chat_burst": limits.per_chat_burst,
        }

    async def add_fault(self, request: web.Request) -> object:
        """Queue a fault for the next calls of a method."""
        body = await _body(request)
        chat_id = body.get("chat_id")
        self.server.faults.add(
            _required_str(body, "method"),
            str(body.get("kind", "")),
            count=_int(body, "count", 1),
            chat_id=None if chat_id is None else _int(body, "chat_id"),
            retry_after=_int(body, "retry_after", 1),
            delay=_float(body, "delay", 0.0),
        )
        return True

    async def random_faults(self, request: web.Request) -> object:
        """Set (or with zero rates, stop) random faults."""
        body = await _body(request)
        methods = body.get("methods")
        if methods is not None and not (
            isinstance(methods, list) and all(isinstance(m, str) for m in methods)
        ):
            raise ControlError("methods must be a list of method names")
        self.server.faults.set_random(
            rate_429=_float(body, "rate_429", 0.0),
            rate_5xx=_float(body, "rate_5xx", 0.0),
            retry_after=_int(body, "retry_after", 1),
            seed=_int(body, "seed", 0),
            methods=SEND_METHODS if methods is None else [str(method) for method in methods],
        )
        return True

    async def block(self, request: web.Request) -> object:
        """Make a user unreachable: blocked the bot, or (deactivated) deleted the account."""
        body = await _body(request)
        chat_id = _int(body, "chat_id")
        if body.get("deactivated"):
            self.server.faults.deactivate(chat_id)
        else:
            self.server.faults.block(chat_id)
        return True

    async def unblock(self, request: web.Request) -> object:
        """Make a user reachable again."""
        self.server.faults.unblock(_path_int(request, "chat_id"))
        return True

    async def clear_faults(self, request: web.Request) -> object:
        """Remove all faults and blocked users."""
        self.server.faults.clear()
        return True

    async def commands(self, request: web.Request) -> object:
        """The command lists set with setMyCommands."""
        return [
            {"scope": scope, "language_code": language, "commands": commands}
            for (scope, language), commands in sorted(self.server.commands.items())
        ]

    async def reset(self, request: web.Request) -> object:
        """Forget all state (see ``LocalBotApi.reset``)."""
        self.server.reset()
        return True
