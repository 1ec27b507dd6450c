"""The registration engine: register, cancel, the waitlist, fair allocation by merit,
approval, check-in, JP credit, evaluation and certificates. `from db import registration`
gives all of it; the modules are:

- `errors`: the refusals, each with a reason code the bot translates;
- `seats`: register, cancel, HR's quota change and removal;
- `waitlist`: queue positions and promotion into freed seats;
- `approval`: HR's or the organizer's decision on a pending registration;
- `merit` and `allocation`: scores of all registrants at once, the allocation of a
  priority event, and "why this rank?";
- `checkin`, `ratings`, `certificates`: attending and what follows it;
- `listing`: what `/pendaftaran` shows.

Seats are counted in the database, never by reading a count and writing later: a seat is
taken by one conditional `UPDATE events SET seats_taken = seats_taken + 1 WHERE … AND
seats_taken < quota` in the same transaction as the registration it belongs to. Every
operation that changes seats touches the event row first, so on PostgreSQL the row lock
orders them (and no two lock in opposite order); on SQLite writers are serialized anyway.

Statuses (`RegistrationStatus`):
- `registered` holds a seat; `attended` holds it and has been credited.
- `waitlisted` waits for a seat; the queue is ordered by `queued_at`, then `id`.
- `pending` holds no seat and waits for someone: an HR/organizer decision on an event
  with `requires_approval`, or the allocation of a `priority` event (`allocated_at` unset).
- `rejected`: refused by HR/organizer, or removed by HR; the ASN cannot re-register alone.
- `cancelled`: cancelled by the ASN; registering again reuses the row.

Mutating functions commit; a refusal leaves the database unchanged. What the ASN is told
about it (a seat after waiting, a decision, an allocation result, a removal) is queued in the
outbox in the same transaction (`db.notify`), so a change is never committed untold.
"""

from db.registration._shared import fresh_event
from db.registration.allocation import (
    AllocationReport,
    Placement,
    Standing,
    allocate,
    allocations_due,
    standing,
)
from db.registration.approval import Decision, decide
from db.registration.certificates import Certificate, certificate, verify_certificate
from db.registration.checkin import (
    CHECKIN_OPENS_BEFORE,
    CheckInResult,
    check_in,
    issue_checkin_code,
    mark_attended,
)
from db.registration.errors import (
    AlreadyRegistered,
    CancellationRefused,
    CancellationTooLate,
    CheckInClosed,
    CheckInLocked,
    CheckInNotOpen,
    CheckInRefused,
    EventCancelled,
    InvalidRating,
    NotAttended,
    NotCancellable,
    NotEligible,
    NotPending,
    NotPriorityEvent,
    NotRegistered,
    QuotaBelowSeatsTaken,
    RegistrationClosed,
    RegistrationError,
    RegistrationNotFound,
    RegistrationNotOpen,
    RegistrationRefused,
    ScheduleClash,
    UnknownCheckInCode,
)
from db.registration.listing import Extras, MyRegistration, extras, my_registrations
from db.registration.merit import PriorityScore
from db.registration.ratings import FLOW as COMMENT_FLOW
from db.registration.ratings import (
    PendingComment,
    Ratings,
    await_comment,
    clear_comment,
    event_ratings,
    pending_comment,
    rate,
)
from db.registration.seats import (
    CancelResult,
    RegistrationResult,
    RemovalResult,
    cancel,
    refusal,
    register,
    remove_registration,
    set_quota,
)
from db.registration.waitlist import Promotion, promote_waitlist

__all__ = [
    "CHECKIN_OPENS_BEFORE",
    "COMMENT_FLOW",
    "AllocationReport",
    "AlreadyRegistered",
    "CancelResult",
    "CancellationRefused",
    "CancellationTooLate",
    "Certificate",
    "CheckInClosed",
    "CheckInLocked",
    "CheckInNotOpen",
    "CheckInRefused",
    "CheckInResult",
    "Decision",
    "EventCancelled",
    "Extras",
    "InvalidRating",
    "MyRegistration",
    "NotAttended",
    "NotCancellable",
    "NotEligible",
    "NotPending",
    "NotPriorityEvent",
    "NotRegistered",
    "PendingComment",
    "Placement",
    "PriorityScore",
    "Promotion",
    "QuotaBelowSeatsTaken",
    "Ratings",
    "RegistrationClosed",
    "RegistrationError",
    "RegistrationNotFound",
    "RegistrationNotOpen",
    "RegistrationRefused",
    "RegistrationResult",
    "RemovalResult",
    "ScheduleClash",
    "Standing",
    "UnknownCheckInCode",
    "allocate",
    "allocations_due",
    "await_comment",
    "cancel",
    "certificate",
    "check_in",
    "clear_comment",
    "decide",
    "event_ratings",
    "extras",
    "fresh_event",
    "issue_checkin_code",
    "mark_attended",
    "my_registrations",
    "pending_comment",
    "promote_waitlist",
    "rate",
    "refusal",
    "register",
    "remove_registration",
    "set_quota",
    "standing",
    "verify_certificate",
]
