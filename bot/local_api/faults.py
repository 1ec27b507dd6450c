"""Faults the local Bot API server injects on demand: failures, slowness and blocked users.

Three kinds, checked in this order for every Bot API call:

* queued faults: "the next N calls of METHOD (optionally for one chat) fail with ...";
* random faults: a share of 429 and 5xx answers drawn from a seeded ``random.Random``, so a
  run with the same seed and the same call order fails the same calls;
* blocked chats: every send to them answers 403, as for a user who blocked the bot or whose
  account was deleted.

A failed call changes nothing on the server; a delayed call is carried out and only its
answer is late, as when Telegram is slow but the message does arrive.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
BLOCKED = "Forbidden: bot was blocked by the user"
DEACTIVATED = "Forbidden: user is deactivated"


class FaultKind(StrEnum):
    """What an injected fault does to a call."""

    RETRY_AFTER = "429"
    FORBIDDEN = "403"
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    DELAY = "delay"


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected failure or delay."""

    kind: FaultKind
    retry_after: int = 1
    delay: float = 0.0


@dataclass(slots=True)
class _QueuedFault:
    method: str
    chat_id: int | None
    fault: Fault
    remaining: int


@dataclass(frozen=True, slots=True)
class _RandomFaults:
    rate_429: float
    rate_5xx: float
    retry_after: int
    methods: frozenset[str]
    rng: random.Random


class Faults:
    """The server's fault schedule; ``server.faults`` in tests."""

    def __init__(self) -> None:
        self._queued: list[_QueuedFault] = []
        self._random: _RandomFaults | None = None
        self._blocked: dict[int, str] = {}

    @property
    def active(self) -> bool:
        """Whether any queued or random fault may fire."""
        return bool(self._queued) or self._random is not None

    def add(
        self,
        method: str,
        kind: FaultKind | str,
        *,
        count: int = 1,
        chat_id: int | None = None,
        retry_after: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``count`` calls of ``method`` ("*" for any) fail or lag."""
        fault = Fault(FaultKind(kind), retry_after=retry_after, delay=delay)
        if count < 1 or retry_after < 1 or delay < 0:
            raise ValueError("count and retry_after must be positive and delay not negative")
        self._queued.append(_QueuedFault(method.lower(), chat_id, fault, count))

    def set_random(
        self,
        *,
        rate_429: float = 0.0,
        rate_5xx: float = 0.0,
        retry_after: int = 1,
        seed: int = 0,
        methods: Iterable[str] = SEND_METHODS,
    ) -> None:
        """Fail a share of calls of ``methods`` at random; both rates zero turns it off."""
        if rate_429 < 0 or rate_5xx < 0 or rate_429 + rate_5xx > 1:
            raise ValueError("fault rates must be between 0 and 1 in total")
        if rate_429 == 0 and rate_5xx == 0:
            self._random = None
            return
        names = frozenset(name.lower() for name in methods)
        self._random = _RandomFaults(rate_429, rate_5xx, retry_after, names, random.Random(seed))

    def block(self, chat_id: int) -> None:
        """The user of ``chat_id`` blocked the bot."""
        self._blocked[chat_id] = BLOCKED

    def deactivate(self, chat_id: int) -> None:
        """The user of ``chat_id`` deleted their account."""
        self._blocked[chat_id] = DEACTIVATED

    def unblock(self, chat_id: int) -> None:
        """The user of ``chat_id`` can be reached again."""
        self._blocked.pop(chat_id, None)

    def clear(self) -> None:
        """Remove every queued fault, random fault and blocked chat."""
        self._queued.clear()
        self._random = None
        self._blocked.clear()

    def refusal(self, chat_id: int) -> str | None:
        """The 403 description for sends to ``chat_id``, if that user cannot be reached."""
        return self._blocked.get(chat_id) if self._blocked else None

    def draw(self, method: str, chat_id: int | None) -> Fault | None:
        """The fault for this call of ``method`` (lower-case), consuming a queued one."""
        for queued in self._queued:
            if queued.method in ("*", method) and queued.chat_id in (None, chat_id):
                queued.remaining -= 1
                if queued.remaining == 0:
                    self._queued.remove(queued)
                return queued.fault
        chance = self._random
        if chance is None or method not in chance.methods:
            return None
        roll = chance.rng.random()
        if roll < chance.rate_429:
            return Fault(FaultKind.RETRY_AFTER, retry_after=chance.retry_after)
        if roll < chance.rate_429 + chance.rate_5xx:
            return Fault(chance.rng.choice((FaultKind.SERVER_ERROR, FaultKind.BAD_GATEWAY)))
        return None
