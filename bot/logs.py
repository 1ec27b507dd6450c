"""Logging for `asn-bot`: readable lines, and nothing personal or secret at any level.

Every handler on the root logger gets a `Redactor`, so what any logger writes — ours,
python-telegram-bot's (which at DEBUG dumps whole API calls and updates), the HTTP clients',
SQLAlchemy's error messages — is cleaned before it is written: the bot token (also inside
URLs), NIPs, phone numbers, @usernames, SQL parameters, and the values of the fields that
carry names and text (`first_name`, `text`, `phone_number`, …) in dicts, JSON and repr()s.
Loggers that only repeat what the requests and queries carry are kept at WARNING.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Loggers that at DEBUG/INFO repeat request URLs (with the token) or SQL parameters.
NOISY = ("httpx", "httpcore", "aiohttp.access", "aiohttp.client", "aiosqlite", "asyncpg", "apscheduler")
#: Loggers whose arguments are queries' parameters or requests' bodies: only their wording is kept.
ARGUMENTS_HIDDEN = ("aiosqlite", "asyncpg", "httpx", "httpcore", "sqlalchemy.engine", "sqlalchemy.pool")
#: Fields of Telegram objects and API calls whose values are personal or the user's own words.
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "username",
    "phone_number",
    "vcard",
    "text",
    "caption",
    "query",
    "bio",
    "email",
    "secret_token",
    "nip",
    "name",
)
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")
_FIELD_VALUE = "|".join(PERSONAL_FIELDS)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # 'text': '…' and "text": "…" (a dict's repr, JSON), and text='…' (a TelegramObject's repr)
    (
        re.compile(
            rf"""(?P<key>(?P<q>['"])(?:{_FIELD_VALUE})(?P=q)\s*:\s*)(?P<v>['"])(?:\\.|(?!(?P=v)).)*(?P=v)""",
            re.S,
        ),
        r"\g<key>'…'",
    ),
    (
        re.compile(rf"""(?P<key>\b(?:{_FIELD_VALUE})=)(?P<v>['"])(?:\\.|(?!(?P=v)).)*(?P=v)""", re.S),
        r"\g<key>'…'",
    ),
    (re.compile(r"\[parameters: .*?\]\n?(?=\(Background|$|\n)", re.S | re.M), "[parameters: hidden]"),
    (re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}"), "<token>"),
    (re.compile(r"(?<!\d)\d{18}(?!\d)"), "<NIP>"),
    (re.compile(r"(?<![\w+])(?:\+\s?62|62|0)[\s.-]?8\d(?:[\s.-]?\d){6,11}(?!\d)"), "<phone>"),
    (re.compile(r"(?<![\w+])\+\d(?:[\s.-]?\d){7,14}(?!\d)"), "<phone>"),
    (re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b"), "@<user>"),
)


class Redactor(logging.Filter):
    """A handler filter that rewrites each record without personal data or secrets."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._formatter = logging.Formatter()

    def redact(self, text: str) -> str:
        """`text` without the configured secrets, personal fields, NIPs, phones and usernames."""
        for secret in self._secrets:
            text = text.replace(secret, "<secret>")
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the message (arguments merged in) and the traceback with their redacted text."""
        try:
            if record.args and record.name.startswith(ARGUMENTS_HIDDEN):
                message = _PLACEHOLDER.sub("…", str(record.msg)).replace("%%", "%")
            else:
                message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(handler: logging.Handler, secrets: Iterable[str] = ()) -> None:
    """Give `handler` a Redactor (once), so nothing it writes carries personal data or secrets."""
    for existing in handler.filters:
        if isinstance(existing, Redactor):
            handler.removeFilter(existing)
    handler.addFilter(Redactor(secrets))


def configure(*, verbose: bool, secrets: Iterable[str] = ()) -> None:
    """`asn-bot`'s logging: INFO (DEBUG with -v) to standard error, every root handler redacting."""
    level = logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger().setLevel(level)
    kept = list(secrets)
    for handler in logging.getLogger().handlers:
        install(handler, kept)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
