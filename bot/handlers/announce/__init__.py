"""HR announcements in Telegram (`/admin` → 📣 Pengumuman), one module per screen:

- `common`: the `ann:` router (HR only) and what every screen shares;
- `compose`: the menu, a new draft (text, or a photo or document with a caption, typed or
  sent while the flow waits), discarding it, and the send time typed in office time;
- `audience`: the audience in words with a live recipient count, and the filter pickers;
- `sending`: the preview exactly as sent, the summary, send now;
- `progress`: one announcement's progress (pause, resume, cancel) and the history.

Callback data is `ann:<action>[:<args>]`: `menu`, `new`, `hi:<page>` (history); on a draft
(the caller's own): `x` (discard), `au` (audience), `all` (clear filters), `jp` (below the JP
target on/off), `p<k>:<draft>:<page>` (a picker) and `t<k>:<draft>:<option>:<page>` (toggle an
option), with <k> one of `u` units, `t` position types, `r` ranks, `e` events, `c`
competencies; `pv` (preview), `go` (send now), `sc` (schedule), `bk` (back from typing the
send time to the summary); on a sent announcement: `st` (status), `pa`, `re`, `cq`/`cy`
(pause, resume, ask to cancel / cancel).
"""

from __future__ import annotations

from telegram.ext import MessageHandler, filters

from bot.context import BotApplication
from bot.handlers.announce import audience, compose, progress, sending
from bot.handlers.announce.common import ANNOUNCE
from bot.ui import flows
from bot.ui.router import Role
from db import announcements


def add_handlers(application: BotApplication) -> None:
    """Attach the `ann:` buttons, the attachment handler and the typed text and send time."""
    private = filters.ChatType.PRIVATE
    application.add_handler(ANNOUNCE.handler())
    application.add_handler(MessageHandler((filters.PHOTO | filters.Document.ALL) & private, compose.media))
    flows.register(announcements.FLOW, compose.typed, role=Role.HR)


__all__ = ["add_handlers", "audience", "compose", "progress", "sending"]
