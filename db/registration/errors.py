"""The refusals of the registration engine. Each has a `reason` code the bot translates
(`messages/`), and some carry what the message needs (the deadline, the clashing event)::

    RegistrationError
    ├── RegistrationNotFound            not_found (unknown, or not the caller's)
    ├── RegistrationRefused
    │   ├── EventCancelled              event_cancelled
    │   ├── EventNotPublished           not_published (a draft, or waiting for HR's approval)
    │   ├── RegistrationNotOpen         not_open
    │   ├── RegistrationClosed          closed
    │   ├── NotEligible                 not_eligible (criterion)
    │   ├── ScheduleClash               schedule_clash (the other event)
    │   └── AlreadyRegistered           already_registered (status)
    ├── CancellationRefused
    │   ├── CancellationTooLate         cancellation_too_late
    │   └── NotCancellable              not_cancellable (status)
    ├── CheckInRefused
    │   ├── UnknownCheckInCode          unknown_code (guesses left)
    │   ├── CheckInLocked               checkin_locked (until: too many wrong codes)
    │   ├── CheckInNotOpen              checkin_not_open
    │   ├── CheckInClosed               checkin_closed
    │   └── NotRegistered               not_registered (status)
    ├── NotAttended                     not_attended
    ├── InvalidRating                   invalid_rating
    ├── NotPending                      not_pending (status)
    ├── NotPriorityEvent                not_priority
    └── QuotaBelowSeatsTaken            quota_below_seats_taken
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from db.models import RegistrationStatus


class RegistrationError(Exception):
    """A rule of the registration engine was not met; `reason` is a code the bot translates."""

    reason: ClassVar[str] = "error"


class RegistrationNotFound(RegistrationError):
    """No such event or registration, or it is not the caller's (the two look alike on purpose)."""

    reason = "not_found"


class RegistrationRefused(RegistrationError):
    """The ASN cannot register for this event."""

    reason = "refused"


class EventCancelled(RegistrationRefused):
    """The event has been cancelled."""

    reason = "event_cancelled"


class EventNotPublished(RegistrationRefused):
    """The event is a draft or waits for HR's approval: nobody registers for it yet."""

    reason = "not_published"


class RegistrationNotOpen(RegistrationRefused):
    """Registration has not opened yet."""

    reason = "not_open"

    def __init__(self, opens_at: datetime) -> None:
        super().__init__(opens_at)
        self.opens_at = opens_at


class RegistrationClosed(RegistrationRefused):
    """The registration deadline has passed."""

    reason = "closed"

    def __init__(self, deadline: datetime) -> None:
        super().__init__(deadline)
        self.deadline = deadline


class NotEligible(RegistrationRefused):
    """The event targets other positions, position types, units, employment statuses or ranks
    (`criterion` says which; `allowed`, for a status or rank, the ones it is for)."""

    reason = "not_eligible"

    def __init__(self, criterion: str, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(criterion)
        self.criterion = criterion
        self.allowed = allowed


class ScheduleClash(RegistrationRefused):
    """The ASN takes part in another event at the same time."""

    reason = "schedule_clash"

    def __init__(self, *, event_id: int, code: str, title: str, starts_at: datetime) -> None:
        super().__init__(code)
        self.event_id = event_id
        self.code = code
        self.title = title
        self.starts_at = starts_at


class AlreadyRegistered(RegistrationRefused):
    """The ASN already has a registration for this event, in `status`."""

    reason = "already_registered"

    def __init__(self, status: RegistrationStatus) -> None:
        super().__init__(status)
        self.status = status


class CancellationRefused(RegistrationError):
    """The registration cannot be cancelled by the ASN."""

    reason = "cancellation_refused"


class CancellationTooLate(CancellationRefused):
    """Past the cutoff before the start; the ASN has to contact the organizer."""

    reason = "cancellation_too_late"

    def __init__(self, *, cutoff_at: datetime, organizer: str) -> None:
        super().__init__(cutoff_at)
        self.cutoff_at = cutoff_at
        self.organizer = organizer


class NotCancellable(CancellationRefused):
    """The registration is already cancelled, rejected or attended."""

    reason = "not_cancellable"

    def __init__(self, status: RegistrationStatus) -> None:
        super().__init__(status)
        self.status = status


class CheckInRefused(RegistrationError):
    """A check-in that cannot be accepted."""

    reason = "checkin_refused"


class UnknownCheckInCode(CheckInRefused):
    """No event has this check-in code; `attempts_left` wrong codes before a wait."""

    reason = "unknown_code"

    def __init__(self, code: str, attempts_left: int | None = None) -> None:
        super().__init__(code)
        self.attempts_left = attempts_left


class CheckInLocked(CheckInRefused):
    """Too many wrong check-in codes: the next is not even looked at before `until`."""

    reason = "checkin_locked"

    def __init__(self, until: datetime | None) -> None:
        super().__init__(until)
        self.until = until


class CheckInNotOpen(CheckInRefused):
    """Too early: check-in opens 30 minutes before the start."""

    reason = "checkin_not_open"

    def __init__(self, opens_at: datetime) -> None:
        super().__init__(opens_at)
        self.opens_at = opens_at


class CheckInClosed(CheckInRefused):
    """The event has ended."""

    reason = "checkin_closed"


class NotRegistered(CheckInRefused):
    """The ASN holds no seat at this event (`status` None when never registered)."""

    reason = "not_registered"

    def __init__(self, status: RegistrationStatus | None) -> None:
        super().__init__(status)
        self.status = status


class NotAttended(RegistrationError):
    """Ratings and certificates are for attendees only."""

    reason = "not_attended"


class InvalidRating(RegistrationError):
    """A rating is a whole number from 1 to 5."""

    reason = "invalid_rating"


class NotPending(RegistrationError):
    """Only a registration awaiting approval can be decided."""

    reason = "not_pending"

    def __init__(self, status: RegistrationStatus) -> None:
        super().__init__(status)
        self.status = status


class NotPriorityEvent(RegistrationError):
    """Allocation is only for events allocated by priority."""

    reason = "not_priority"


class QuotaBelowSeatsTaken(RegistrationError):
    """The quota cannot drop below the seats already given."""

    reason = "quota_below_seats_taken"

    def __init__(self, seats_taken: int) -> None:
        super().__init__(seats_taken)
        self.seats_taken = seats_taken
