"""HR announcements to a chosen audience: who receives it, drafts, putting it in the outbox,
and following it through (pause, resume, cancel, done with a report to its creator).

An announcement is a DRAFT while HR composes it in Telegram, then SCHEDULED or SENDING,
PAUSED or CANCELLED by HR, and DONE when none of its outbox rows is left to send. The
modules, in the order an announcement meets them:

- `audience`: the filters and the chats they select;
- `content`: the text as sent, its photo or document, Telegram's limits, snippets;
- `typed_input`: what HR's next typed message is for (text or send time);
- `drafts`: the author's own drafts;
- `picker`: the values each audience filter can take, and pressing one;
- `launch`: sending now or at a time, and starting scheduled ones when due;
- `control`: finding a sent one, pause, resume, cancel;
- `report`: the tally of its rows, and DONE with a report to its creator;
- `listing`: the history, a page at a time;
- `event_message`: an event announced to its targets, rendered from the event with a button
  that opens it, once per ASN and event;
- `publish`: HR or the event's organizer announces an event to exactly the ASN it targets;
- `registrants`: HR or an organizer writes to one of its events' registrants.

Callers use the names re-exported here: `from db import announcements`.
"""

from db.announcements.audience import Audience, audience_from, count
from db.announcements.content import (
    CAPTION_LIMIT,
    DOCUMENT,
    PHOTO,
    TEXT_LIMIT,
    Attachment,
    TextTooLong,
    attachment_of,
    attachments,
    body,
    snippet,
)
from db.announcements.control import Change, cancel, find, pause, resume, unstarted
from db.announcements.drafts import create_draft, discard_draft, find_draft, set_audience
from db.announcements.launch import announce, send_draft, start_due
from db.announcements.listing import HistoryPage, history
from db.announcements.picker import Option, option_name, options, toggle
from db.announcements.report import Tally, finish, tally
from db.announcements.typed_input import (
    FLOW,
    STEP_TEXT,
    STEP_TIME,
    Waiting,
    parse_when,
    stop_waiting,
    wait_for,
    waiting,
)

__all__ = [
    "CAPTION_LIMIT",
    "DOCUMENT",
    "FLOW",
    "PHOTO",
    "STEP_TEXT",
    "STEP_TIME",
    "TEXT_LIMIT",
    "Attachment",
    "Audience",
    "Change",
    "HistoryPage",
    "Option",
    "Tally",
    "TextTooLong",
    "Waiting",
    "announce",
    "attachment_of",
    "attachments",
    "audience_from",
    "body",
    "cancel",
    "count",
    "create_draft",
    "discard_draft",
    "find",
    "find_draft",
    "finish",
    "history",
    "option_name",
    "options",
    "parse_when",
    "pause",
    "resume",
    "send_draft",
    "set_audience",
    "snippet",
    "start_due",
    "stop_waiting",
    "tally",
    "toggle",
    "unstarted",
    "wait_for",
    "waiting",
]
