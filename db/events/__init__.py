"""HR changes an event (its schedule, its place or its registration deadline) or cancels it.

A change is previewed first and saved only if the event still reads as it did in the
preview, so a second press of "save" changes and tells nothing; a second cancellation does
nothing either. Saving or cancelling is one transaction with its audit entry, the notices to
every ASN holding a registration and the reminders moved or withdrawn. `from db import
events` gives all of it; the modules are:

- `proposal`: what HR types, read and checked against the event (`propose`: before → after),
  and the refusals (`EventChangeError`);
- `saving`: `apply_change` and `cancel_event`, and what follows from them;
- `flow`: what HR sees of the event (`facts`) and what they are typing for it (`Typing`),
  kept between messages by `db.conversation`.

The `/admin` editor (events made and edited in the chat by HR and organizers) has its own
modules, imported by name: `drafting` (an event's items: read, shown, checked), `targets`
(the lists competencies and targets are picked from), `creating` (drafts, codes, copies),
`editing` (the editor's state and saving an item) and `publishing` (draft → review →
published, ownership, Sunday and holiday warnings).
"""

from db.events.flow import (
    FLOW,
    REASON,
    EventFacts,
    Typing,
    await_typing,
    facts,
    stop_typing,
    typing,
)
from db.events.proposal import (
    EVENT_REFUSALS,
    REASONS,
    TYPED,
    EventChangeError,
    Field,
    Proposal,
    parse_deadline,
    parse_location,
    parse_reason,
    parse_schedule,
    propose,
    snapshot,
)
from db.events.saving import ACTIVE, Applied, Cancelled, apply_change, cancel_event

__all__ = [
    "ACTIVE",
    "EVENT_REFUSALS",
    "FLOW",
    "REASON",
    "REASONS",
    "TYPED",
    "Applied",
    "Cancelled",
    "EventChangeError",
    "EventFacts",
    "Field",
    "Proposal",
    "Typing",
    "apply_change",
    "await_typing",
    "cancel_event",
    "facts",
    "parse_deadline",
    "parse_location",
    "parse_reason",
    "parse_schedule",
    "propose",
    "snapshot",
    "stop_typing",
    "typing",
]
