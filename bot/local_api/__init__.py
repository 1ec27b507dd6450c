"""A local emulator of Telegram's Bot API for the offline demo, end-to-end tests and benchmarks.

Start one in-process with ``async with LocalBotApi() as server:`` and point python-telegram-bot
at ``server.base_url`` / ``server.base_file_url``; play users with ``server.user(...)``.  Run it
as a process with ``python -m bot.local_api --port 8081``.
"""

from bot.local_api.faults import Fault, FaultKind, Faults
from bot.local_api.html_check import EntityParseError, FormattedText, parse_html
from bot.local_api.limits import RateLimits, Stats
from bot.local_api.models import BotMessage, CallbackAnswer, ChatState, StoredFile, UserProfile
from bot.local_api.phone import Phone
from bot.local_api.server import LocalBotApi

__all__ = [
    "BotMessage",
    "CallbackAnswer",
    "ChatState",
    "EntityParseError",
    "Fault",
    "FaultKind",
    "Faults",
    "FormattedText",
    "LocalBotApi",
    "Phone",
    "RateLimits",
    "Stats",
    "StoredFile",
    "UserProfile",
    "parse_html",
]
