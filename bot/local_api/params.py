"""Bot API request parameters, read the way Telegram reads them, and the API's error answer.

Telegram takes parameters from the query string and from a JSON, url-encoded or multipart
body.  In form bodies every value is a string: numbers and booleans as text, nested objects
(``reply_markup``, ``entities``, ...) as JSON text.  python-telegram-bot sends exactly that,
so values are converted lazily, by the type the method asks for.
"""

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.local_api.server import LocalBotApi

_INTEGER = re.compile(r"-?\d{1,19}")
_TRUE = frozenset({"true", "1", "True"})
_FALSE = frozenset({"false", "0", "False", ""})


class ApiError(Exception):
    """A Bot API call failed; carries Telegram's status code and description."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, object]:
        """Telegram's JSON answer for this error."""
        answer: dict[str, object] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            answer["parameters"] = {"retry_after": self.retry_after}
        return answer


def bad_request(description: str) -> ApiError:
    """A 400 answer with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent as a multipart part."""

    filename: str
    content_type: str
    data: bytes


class Params:
    """The parameters of one Bot API call, converted on access."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, object]) -> None:
        self._values = values

    @classmethod
    async def read(cls, request: web.Request) -> "Params":
        """Collect the parameters of ``request`` from its query string and body."""
        values: dict[str, object] = dict(request.query) if request.query_string else {}
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError as error:
                    raise bad_request("can't parse JSON request body") from error
                if not isinstance(body, dict):
                    raise bad_request("JSON request body must be an object")
                values.update(body)
            else:
                for name, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        values[name] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        values[name] = value
        return cls(values)

    def __contains__(self, name: str) -> bool:
        """Whether the call has the parameter at all."""
        return name in self._values

    def text(self, name: str) -> str | None:
        """A string parameter; numbers sent in a JSON body are taken as their text."""
        value = self._values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def integer(self, name: str) -> int | None:
        """An integer parameter."""
        value = self._values.get(name)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f'field "{name}" must be of type Integer')

    def number(self, name: str) -> float | None:
        """A numeric parameter that may have a fraction."""
        value = self._values.get(name)
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            return value
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise bad_request(f'field "{name}" must be of type Float')

    def flag(self, name: str) -> bool:
        """A boolean parameter; absent means false."""
        value = self._values.get(name)
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value in _TRUE:
            return True
        if isinstance(value, str) and value in _FALSE:
            return False
        raise bad_request(f'field "{name}" must be of type Boolean')

    def json(self, name: str, what: str) -> object:
        """A nested object or list, given as JSON text in form bodies."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError as error:
            raise bad_request(f"can't parse {what} JSON object") from error

    def json_object(self, name: str, what: str) -> dict[str, object] | None:
        """A nested JSON object."""
        value = self.json(name, what)
        if value is None or isinstance(value, dict):
            return value
        raise bad_request(f"{what} must be an object")

    def json_list(self, name: str, what: str) -> list[object] | None:
        """A nested JSON array."""
        value = self.json(name, what)
        if value is None or isinstance(value, list):
            return value
        raise bad_request(f"{what} must be an array")

    def chat_id(self, *, required: bool = True) -> int | None:
        """The target chat; "@username" targets no private chat, so it is not found."""
        value = self._values.get("chat_id")
        if value is None or value == "":
            if required:
                raise bad_request("chat_id is empty")
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise bad_request("chat not found")

    def upload(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part (also via attach://) or a file_id/URL string."""
        value = self._values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self._values.get(value.removeprefix("attach://"))
            if not isinstance(value, Upload):
                raise bad_request(f"{name} attachment not found")
        if value is None or isinstance(value, Upload | str):
            return value
        raise bad_request(f"wrong {name} specified")


#: One Bot API method: the parameters in, the ``result`` of the answer out (or an ApiError).
Method = Callable[["Params"], Awaitable[object]]
#: A method written as a function over the server, bound to it when the server is built.
ServerMethod = Callable[["LocalBotApi", "Params"], Awaitable[object]]
