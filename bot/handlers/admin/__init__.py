"""`/admin` for HR and organizers, one module per screen:

- `common`: the `adm:` router (HR or organizer; each press carries the caller's scope) and
  what every screen shares (the event lookup within scope, "gone", back buttons);
- `events`: the event list and one event's screen, with the quota, ratings and allocation;
- `registrants`: the registrant list, the exports and the check-in code with its QR image;
- `pickers`: pick a registrant to mark attended, approve or reject, or remove;
- `changes`: HR changes an event (schedule, place, deadline) or cancels it (`eva:`);
- `editor`, `editor_typed`, `editor_lists`, `editor_review` (shared: `editor_common`): HR and
  organizers make an event step by step, change any item of it, copy it, publish it; HR
  approves organizer events waiting for review (`edt:`);
- `reach`: announce an event to its targets, write to its registrants (`rch:`);
- `rejections`: a rejection's reason, picked or typed (`adm:nr`, then `rch:rr` / `rch:rt`);
- `roles`: HR's roles screen (`rol:`): who holds which role, revoking, organizer settings;
- `verify`: `/verifikasi KODE` and the certificate QR link, for anyone.

Callback data is `adm:<action>:<id>[:<page>]`: `ls:<page>` the event list; `ev`, `rg`
(registrants), `ex` (export), `ci` (check-in code), `at` (attendance picker), `pd`
(pending), `al` (allocate) and `rt` (ratings) take an event id; `am` (mark attended),
`ok` and `no` (approve, reject) a registration id; HR also has `q1`/`q5` (raise the quota),
`rm` (removal picker, an event id) and `rx` (remove, a registration id). An event or
registration outside the caller's scope reads as gone.
"""

from __future__ import annotations

from telegram.ext import CommandHandler, MessageHandler, filters

from bot.context import BotApplication
from bot.handlers.admin import (
    changes,
    editor,
    editor_lists,
    editor_review,
    editor_typed,
    events,
    pickers,
    reach,
    registrants,
    rejections,
    roles,
    verify,
)
from bot.handlers.admin.common import ADMIN
from bot.handlers.admin.editor_common import EDITOR
from bot.ui import flows
from bot.ui.router import Role
from db.announcements import registrants as registrants_message
from db.events import editing
from db.registration import approval


def add_handlers(application: BotApplication) -> None:
    """Attach `/admin`, `/verifikasi` and the `adm:` buttons (before the catch-all handlers)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("admin", events.show_admin, filters=private))
    application.add_handler(CommandHandler("verifikasi", verify.verify, filters=private))
    application.add_handler(ADMIN.handler())
    application.add_handler(roles.ROLES.handler())
    application.add_handler(reach.REACH.handler())
    # staff flows: the handlers re-read the caller's scope (flows know no STAFF role)
    flows.register(registrants_message.FLOW, reach.typed, role=Role.ANYONE)
    flows.register(approval.FLOW, rejections.typed, role=Role.ANYONE)
    application.add_handler(EDITOR.handler())
    # Before the announcements' media handler: a photo is a poster only while the editor asks.
    application.add_handler(MessageHandler(filters.PHOTO & private, editor_lists.photo))
    # Organizers type in the editor too: the flow re-reads the caller's scope for every text.
    flows.register(editing.FLOW, editor_typed.typed, role=Role.ANYONE)
    changes.add_handlers(application)


__all__ = [
    "add_handlers",
    "changes",
    "editor",
    "editor_lists",
    "editor_review",
    "editor_typed",
    "events",
    "pickers",
    "reach",
    "registrants",
    "rejections",
    "roles",
    "verify",
]
