"""The offline Telegram Bot API: a local emulator of api.telegram.org, fenced off from the bot.

It serves ``asn-bot demo`` at run time, the end-to-end tests and the benchmarks.  The bot itself
never imports it: within ``bot/`` only ``bot/demo.py`` and ``bot/cli.py`` may, the rest of the
bot talks to whichever Bot API its settings name (tests/test_layering.py checks this).

Start one in-process with ``async with LocalBotApi() as server:`` and point python-telegram-bot
at ``server.base_url`` / ``server.base_file_url``; play users with ``server.user(...)``.  Run it
as a process with ``python -m bot.local_api --port 8081``.

Inside: ``server`` (lifecycle, HTTP, the Python API), the Bot API methods by family
(``updates``, ``messages``, ``media``, ``callbacks``, ``chat_info``, with ``checks`` shared by
sends and edits), ``phone`` (a user's client), ``control`` (the same over HTTP), and the
state and rules they share (``models``, ``params``, ``files``, ``html_check``, ``markup``,
``limits``, ``faults``).
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
