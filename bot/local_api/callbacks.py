"""Button presses: the callback queries a phone opens and answerCallbackQuery closes.

A query id is valid once: answering it a second time, or one the server never issued, is
"query is too old" as on Telegram.  The answer (toast text, alert, URL) is kept in the chat
so a test can read what the user saw.
"""

import contextlib
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.local_api.models import CallbackAnswer
from bot.local_api.params import Params, ServerMethod, bad_request

if TYPE_CHECKING:
    from bot.local_api.server import LocalBotApi

QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


@dataclass(frozen=True, slots=True)
class _PendingQuery:
    chat_id: int
    message_id: int | None
    data: str | None


class CallbackQueries:
    """The button presses the bot has not answered yet."""

    def __init__(self) -> None:
        self._pending: dict[str, _PendingQuery] = {}
        self._ids = itertools.count(1)

    def open(self, chat_id: int, message_id: int | None, data: str | None) -> str:
        """Register a button press the bot has to answer and return its query id."""
        query_id = f"{chat_id}{next(self._ids):010d}"
        self._pending[query_id] = _PendingQuery(chat_id, message_id, data)
        return query_id

    def clear(self) -> None:
        """Forget the unanswered presses (ids keep counting, so none is issued twice)."""
        self._pending.clear()

    def answer(self, query_id: str, params: Params) -> tuple[int, CallbackAnswer]:
        """Close a query: the chat it came from and the bot's answer to it."""
        query = self._pending.pop(query_id, None)
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
        return query.chat_id, answer


async def answer_callback_query(api: "LocalBotApi", params: Params) -> object:
    """answerCallbackQuery: the toast or alert the user sees after pressing a button."""
    chat_id, answer = api.callback_queries.answer(params.text("callback_query_id") or "", params)
    with contextlib.suppress(KeyError):
        api.chat(chat_id).callback_answers.append(answer)
    return True


METHODS: dict[str, ServerMethod] = {"answerCallbackQuery": answer_callback_query}
