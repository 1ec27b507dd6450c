"""Flood limits and send statistics of the local Bot API server.

Telegram allows a bot about 30 messages per second overall and about one per second in a
private chat, tolerating short bursts.  Both limits are sliding windows here: at most
``global_per_second`` sends in any 1-second window, and at most ``per_chat_burst`` sends to a
chat in any ``per_chat_burst / per_chat_per_second`` seconds.  Independently of the limits,
``Stats`` records the busiest 1-second window seen, overall and per chat, so a test can
assert that a throttled sender never exceeded what it promised.
"""

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RateLimits:
    """How many sends the server accepts before answering 429."""

    global_per_second: int = 30
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 1

    def __post_init__(self) -> None:
        """Reject limits that cannot be enforced."""
        if self.global_per_second < 1 or self.per_chat_per_second <= 0 or self.per_chat_burst < 1:
            raise ValueError(f"rate limits must be positive: {self}")

    @property
    def per_chat_window(self) -> float:
        """Seconds in which a chat may receive ``per_chat_burst`` sends."""
        return self.per_chat_burst / self.per_chat_per_second


class SlidingWindow:
    """Timestamps of the events inside the last ``length`` seconds."""

    __slots__ = ("events", "length")

    def __init__(self, length: float) -> None:
        self.length = length
        self.events: deque[float] = deque()

    def count(self, now: float) -> int:
        """Number of events in the window ending at ``now``."""
        events, horizon = self.events, now - self.length
        while events and events[0] <= horizon:
            events.popleft()
        return len(events)

    def add(self, now: float) -> int:
        """Record an event at ``now`` and return the events now in the window."""
        count = self.count(now) + 1
        self.events.append(now)
        return count

    def wait(self, now: float) -> float:
        """Seconds until the oldest event leaves the window."""
        return self.events[0] + self.length - now


class RateLimiter:
    """Admits or refuses sends against one ``RateLimits``."""

    __slots__ = ("_chats", "_global", "limits")

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._global = SlidingWindow(1.0)
        self._chats: dict[int, SlidingWindow] = {}

    def admit(self, chat_id: int, now: float) -> int:
        """Record the send and return 0, or return the seconds to wait (at least 1)."""
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = SlidingWindow(self.limits.per_chat_window)
        wait = 0.0
        if self._global.count(now) >= self.limits.global_per_second:
            wait = self._global.wait(now)
        if chat.count(now) >= self.limits.per_chat_burst:
            wait = max(wait, chat.wait(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.add(now)
        chat.add(now)
        return 0


@dataclass(slots=True)
class Stats:
    """What the server saw since start or the last reset."""

    requests: int = 0
    sends_accepted: int = 0
    rate_limited: int = 0
    faults_injected: int = 0
    responses_by_status: dict[int, int] = field(default_factory=dict)
    sends_by_method: dict[str, int] = field(default_factory=dict)
    max_sends_in_1s: int = 0
    max_chat_sends_in_1s: int = 0
    max_sends_in_1s_by_chat: dict[int, int] = field(default_factory=dict)
    webhook_deliveries: int = 0
    webhook_failures: int = 0
    #: When the first and the latest accepted send arrived (the server's monotonic clock).
    first_send_at: float | None = None
    last_send_at: float | None = None
    _window: SlidingWindow = field(default_factory=lambda: SlidingWindow(1.0), repr=False)
    _chat_windows: dict[int, SlidingWindow] = field(default_factory=dict, repr=False)

    @property
    def send_rate(self) -> float | None:
        """Accepted sends per second between the first and the latest one (None before two)."""
        if self.first_send_at is None or self.last_send_at is None or self.sends_accepted < 2:
            return None
        span = self.last_send_at - self.first_send_at
        return (self.sends_accepted - 1) / span if span > 0 else None

    @property
    def too_many_requests(self) -> int:
        """All 429 answers: the rate limiter's and injected ones."""
        return self.responses_by_status.get(429, 0)

    def record_status(self, status: int) -> None:
        """Count one answered Bot API request."""
        self.requests += 1
        self.responses_by_status[status] = self.responses_by_status.get(status, 0) + 1

    def record_send(self, chat_id: int, method: str, now: float) -> None:
        """Count one accepted send and update the busiest 1-second windows."""
        self.sends_accepted += 1
        if self.first_send_at is None:
            self.first_send_at = now
        self.last_send_at = now
        self.sends_by_method[method] = self.sends_by_method.get(method, 0) + 1
        self.max_sends_in_1s = max(self.max_sends_in_1s, self._window.add(now))
        window = self._chat_windows.get(chat_id)
        if window is None:
            window = self._chat_windows[chat_id] = SlidingWindow(1.0)
        in_chat = window.add(now)
        if in_chat > self.max_sends_in_1s_by_chat.get(chat_id, 0):
            self.max_sends_in_1s_by_chat[chat_id] = in_chat
            self.max_chat_sends_in_1s = max(self.max_chat_sends_in_1s, in_chat)

    def as_dict(self) -> dict[str, object]:
        """The figures as JSON-ready data."""
        return {
            "requests": self.requests,
            "sends_accepted": self.sends_accepted,
            "rate_limited": self.rate_limited,
            "too_many_requests": self.too_many_requests,
            "faults_injected": self.faults_injected,
            "responses_by_status": {str(k): v for k, v in sorted(self.responses_by_status.items())},
            "sends_by_method": dict(self.sends_by_method),
            "max_sends_in_1s": self.max_sends_in_1s,
            "max_chat_sends_in_1s": self.max_chat_sends_in_1s,
            "max_sends_in_1s_by_chat": {str(k): v for k, v in self.max_sends_in_1s_by_chat.items()},
            "webhook_deliveries": self.webhook_deliveries,
            "webhook_failures": self.webhook_failures,
        }
