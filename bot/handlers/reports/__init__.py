"""`/laporan` for HR: JP compliance, competency gaps (heatmap), events, the JP recap per ASN,
the training-needs analysis and the budget plan, each a summary, a chart where one reads faster
than a table, and an `.xlsx` (built by `bot.documents.reports`, the same as `asn-bot report`).

- `common`: the `lap:` router (HR only), the request, sending a report;
- `menu`: the command, a button per report, and the budget typed for the plan;
- `invite`: after the plan, a draft invitation per funded event, one press from its preview.

Callback data is `lap:<action>`: `jp`, `gp` (gaps), `ev` (events), `rk` (recap), `nd` (needs),
`pl` (ask for the budget), `x` (stop waiting for it).
"""

from __future__ import annotations

from telegram.ext import CommandHandler, filters

from bot.context import BotApplication
from bot.handlers.reports import common, invite, menu
from bot.handlers.reports.common import REPORTS
from bot.ui import flows
from bot.ui.router import Role
from db.planning.budget import FLOW


def add_handlers(application: BotApplication) -> None:
    """Attach `/laporan`, the `lap:` buttons and the typed budget (before the catch-all handlers)."""
    application.add_handler(CommandHandler("laporan", menu.show_menu, filters=filters.ChatType.PRIVATE))
    application.add_handler(REPORTS.handler())
    flows.register(FLOW, menu.typed_budget, role=Role.HR, refused=menu.refused_budget)


__all__ = ["add_handlers", "common", "invite", "menu"]
