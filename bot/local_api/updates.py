"""Updates waiting for the bot and the two ways it takes them: getUpdates and a webhook.

``UpdateQueue`` numbers and queues the updates the users' phones produce, answers long polls
(getUpdates, with Telegram's conflict when a second poll or a webhook is active) and, once
the bot calls setWebhook, POSTs the queue to that URL in order, retrying a few times and
recording the last error for getWebhookInfo.
"""

import asyncio
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from bot.local_api.limits import Stats
from bot.local_api.models import JSONDict, JSONObject
from bot.local_api.params import ApiError, Method, Params, bad_request

_LOGGER = logging.getLogger(__name__)

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
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_POLLING = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


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


class UpdateQueue:
    """The updates not yet confirmed by getUpdates or delivered to the webhook."""

    def __init__(
        self, stats: Callable[[], Stats], *, webhook_attempts: int, webhook_retry_delay: float
    ) -> None:
        # A getter, not the Stats object: the server's reset() replaces its statistics.
        self._stats = stats
        self._webhook_attempts = webhook_attempts
        self._webhook_retry_delay = webhook_retry_delay
        self._updates: deque[JSONObject] = deque()
        self._last_update_id = 0
        self._signal = asyncio.Event()
        self._allowed = DEFAULT_UPDATE_TYPES
        self._poll: _Poll | None = None
        self._webhook: _Webhook | None = None
        self._session: aiohttp.ClientSession | None = None
        self._closing = False

    def methods(self) -> dict[str, Method]:
        """The Bot API methods this queue answers."""
        return {
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
        }

    @property
    def webhook_url(self) -> str | None:
        """The webhook the bot set, if any."""
        return self._webhook.url if self._webhook is not None else None

    def __len__(self) -> int:
        """Updates not yet confirmed or delivered."""
        return len(self._updates)

    def add(self, update: JSONDict) -> JSONDict:
        """Queue a raw update (an update_id is added if missing) and wake a waiting poll.

        An update of a kind the bot did not ask for is numbered but not queued."""
        if "update_id" in update:
            update_id = update["update_id"]
            if not isinstance(update_id, int):
                raise ValueError("update_id must be an integer")
            self._last_update_id = max(self._last_update_id, update_id)
        else:
            self._last_update_id += 1
            update = {"update_id": self._last_update_id, **update}
        kind = next((key for key in update if key != "update_id"), "")
        if kind not in self._allowed:
            return update
        self._updates.append(update)
        if self._poll is not None:
            self._poll.wake.set()
        self._signal.set()
        self._signal = asyncio.Event()
        return update

    def clear(self) -> None:
        """Forget the queued updates (the webhook and the allowed kinds stay)."""
        self._updates.clear()

    def open(self) -> None:
        """Accept long polls again after ``close``."""
        self._closing = False

    async def close(self) -> None:
        """Answer a waiting long poll, stop webhook delivery and close its HTTP session."""
        self._closing = True
        if self._poll is not None:
            self._poll.wake.set()
        await self._stop_webhook()
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- getUpdates ------------------------------------------------------------------------------

    async def get_updates(self, params: Params) -> object:
        """getUpdates: what is queued, or wait up to ``timeout`` for something to arrive."""
        if self._webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = params.integer("offset") or 0
        limit = params.integer("limit")
        limit = 100 if limit is None else min(max(limit, 1), 100)
        timeout = max(params.number("timeout") or 0.0, 0.0)
        self._allow(params)
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

    def _allow(self, params: Params) -> None:
        allowed = params.json_list("allowed_updates", "allowed updates")
        if allowed is not None:
            self._allowed = frozenset(str(kind) for kind in allowed) or DEFAULT_UPDATE_TYPES

    def _confirm(self, offset: int) -> None:
        """Forget updates confirmed by ``offset`` (a negative one keeps only the last -offset)."""
        updates = self._updates
        if offset > 0:
            while updates and _update_id(updates[0]) < offset:
                updates.popleft()
        elif offset < 0:
            while len(updates) > -offset:
                updates.popleft()

    # -- webhook ---------------------------------------------------------------------------------

    async def set_webhook(self, params: Params) -> object:
        """setWebhook: start delivering to a URL (an empty one deletes the webhook)."""
        url = params.text("url") or ""
        if not url:
            return await self.delete_webhook(params)
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.text("secret_token")
        if secret is not None and not (
            1 <= len(secret) <= 256 and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise bad_request("secret token contains unallowed characters")
        self._allow(params)
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        await self._stop_webhook()
        hook = self._webhook = _Webhook(url, secret, params.integer("max_connections") or 40)
        hook.task = asyncio.create_task(self._deliver_updates(hook))
        if self._poll is not None:
            self._poll.wake.set()
        return True

    async def delete_webhook(self, params: Params) -> object:
        """deleteWebhook: back to getUpdates, optionally dropping what is queued."""
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        await self._stop_webhook()
        return True

    async def get_webhook_info(self, params: Params) -> object:
        """getWebhookInfo: the URL, the queue length and the last delivery error."""
        hook = self._webhook
        info: JSONObject = {
            "url": hook.url if hook is not None else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if self._allowed != DEFAULT_UPDATE_TYPES:
                info["allowed_updates"] = sorted(self._allowed)
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
                await self._signal.wait()
                continue
            update = self._updates[0]
            if await self._post_update(hook, update):
                self._stats().webhook_deliveries += 1
            else:
                self._stats().webhook_failures += 1
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


def _update_id(update: JSONObject) -> int:
    update_id = update["update_id"]
    assert isinstance(update_id, int)
    return update_id
