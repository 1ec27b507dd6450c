"""The ASN's side of registration, one module per screen:

- `common`: the `reg:` router (linked ASN only) and the lookup of the caller's own registration;
- `signup`: 📝 Daftar on an event's detail;
- `mine`: `/pendaftaran`, one registration, its calendar file, cancelling, "why this rank?";
- `evaluation`: the rating, the comment typed after it, the certificate;
- `checkin`: `/hadir KODE` and the check-in deep link.

Callback data is `reg:<action>[:<id>]`: `new:<event>` registers; `list` shows the list;
`open`, `ics`, `cx` (ask to cancel), `cxy` (cancel), `why`, `rate`, `cert` and `skip` take
a registration id; `star:<registration>:<1-5>` rates. Every registration id is looked up
among the caller's own registrations, so someone else's id reads as "not found".
"""

from __future__ import annotations

from telegram.ext import CommandHandler, filters

from bot.context import BotApplication
from bot.handlers.registration import evaluation, signup
from bot.handlers.registration.checkin import check_in, check_in_code
from bot.handlers.registration.common import REGISTRATIONS
from bot.handlers.registration.mine import show_registrations
from bot.ui import flows
from bot.ui.router import Role
from db import registration


def add_handlers(application: BotApplication) -> None:
    """Attach this feature's handlers (before the catch-all ones) and its typed comment."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("pendaftaran", show_registrations, filters=private))
    application.add_handler(CommandHandler("hadir", check_in, filters=private))
    application.add_handler(REGISTRATIONS.handler())
    flows.register(registration.COMMENT_FLOW, evaluation.comment, role=Role.LINKED)


__all__ = ["add_handlers", "check_in_code", "show_registrations", "signup"]
