"""The enumerations of the data model (`db.models` re-exports them), stored by value as
plain strings so that adding a member needs no migration."""

from __future__ import annotations

import enum


class CompetencyGroup(enum.StrEnum):
    """The three groups of PermenPANRB 38/2017."""

    TEKNIS = "teknis"
    MANAJERIAL = "manajerial"
    SOSIAL_KULTURAL = "sosial_kultural"


class EventKind(enum.StrEnum):
    """What kind of development activity an event is."""

    PELATIHAN = "pelatihan"
    SEMINAR = "seminar"
    WORKSHOP = "workshop"
    WEBINAR = "webinar"


class EventStatus(enum.StrEnum):
    """Lifecycle of an event: a draft is seen only by who made it (and HR); an organizer's
    event waits in `REVIEW` where HR requires its approval before publishing."""

    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class EmploymentStatus(enum.StrEnum):
    """An ASN's employment status: a candidate civil servant, a civil servant (PNS), or a
    government employee with a work agreement (PPPK; identity number NI PPPK, grades I–XVII)."""

    CPNS = "cpns"
    PNS = "pns"
    PPPK = "pppk"


class Allocation(enum.StrEnum):
    """How seats are given: first come, first served, or by merit score at the deadline."""

    FCFS = "fcfs"
    PRIORITY = "priority"


class RegistrationStatus(enum.StrEnum):
    """Where a registration stands."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    ATTENDED = "attended"


class Role(enum.StrEnum):
    """Roles a Telegram account can hold besides being an ASN."""

    HR = "hr"
    ORGANIZER = "organizer"


class NotificationKind(enum.StrEnum):
    """Kinds of proactive messages; a user can turn off each one not in `ALWAYS_SENT`."""

    EVENT_REMINDER = "event_reminder"
    DEADLINE = "deadline"
    WAITLIST = "waitlist"
    EVALUATION = "evaluation"
    JP_NUDGE = "jp_nudge"
    ANNOUNCEMENT = "announcement"
    #: An event a user registered for was changed or cancelled (see `db.events`): a service
    #: message, so it is in `ALWAYS_SENT` and not offered in /settings.
    EVENT_CHANGE = "event_change"
    #: A decision about the user's own registration: approved or rejected, a seat allocated or
    #: not, removed by HR (see `db.notify`).
    REGISTRATION = "registration"
    #: The end-of-broadcast report to the HR officer who sent it (see `db.announcements.finish`).
    ANNOUNCEMENT_REPORT = "announcement_report"
    #: A digest to HR or an organizer: requests awaiting their approval, or yesterday's new
    #: registrations for their events (see `db.digests`).
    STAFF_DIGEST = "staff_digest"


#: Kinds nobody can turn off: missing them would send an ASN to a moved or cancelled event or
#: leave them unaware of a decision on their registration, or leave an HR officer not knowing
#: how their broadcast ended.
ALWAYS_SENT = frozenset(
    {
        NotificationKind.EVENT_CHANGE,
        NotificationKind.REGISTRATION,
        NotificationKind.ANNOUNCEMENT_REPORT,
        NotificationKind.STAFF_DIGEST,
    }
)


class OutboxState(enum.StrEnum):
    """Delivery state of one proactive message."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class AnnouncementStatus(enum.StrEnum):
    """Lifecycle of an HR broadcast."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"
