"""The data model for the whole mission: roster, competencies, events, registrations,
Telegram accounts, notifications (reminders and the outbox), announcements and audit.

Every timestamp is stored in UTC (`UTCDateTime`); office time is applied when rendering.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.enums import (
    ALWAYS_SENT,
    Allocation,
    AnnouncementStatus,
    CompetencyGroup,
    EmploymentStatus,
    EventKind,
    EventStatus,
    NotificationKind,
    OutboxState,
    RegistrationStatus,
    Role,
)
from db.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming scheme (Alembic needs names)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


def _enum(cls: type[enum.Enum]) -> Enum:
    """Store an enum by its value, as a plain string column (portable, readable)."""
    return Enum(cls, native_enum=False, values_callable=lambda e: [m.value for m in e], length=32)


class Unit(Base):
    """A work unit (OPD), e.g. Dinas Kesehatan Kota Kupang."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Position(Base):
    """A position (jabatan); its competency standard hangs off it."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    standards: Mapped[list[PositionStandard]] = relationship(
        back_populates="position", cascade="all, delete-orphan", lazy="raise"
    )


class Employee(Base):
    """An ASN on the roster, identified by NIP."""

    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    position_type: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    rank: Mapped[str] = mapped_column(String(8))
    #: CPNS, PNS or PPPK; PPPK hold grades I–XVII (`rank`) and an NI PPPK (`nip`).
    status: Mapped[EmploymentStatus] = mapped_column(
        _enum(EmploymentStatus), default=EmploymentStatus.PNS, server_default=EmploymentStatus.PNS.value
    )
    phone: Mapped[str] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    position: Mapped[Position] = relationship(lazy="raise")
    unit: Mapped[Unit] = relationship(lazy="raise")


class Competency(Base):
    """A competency of the standard, in one of the three groups."""

    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    group: Mapped[CompetencyGroup] = mapped_column(_enum(CompetencyGroup))


class PositionStandard(Base):
    """The level a position requires in one competency (1–5)."""

    __tablename__ = "position_standards"
    __table_args__ = (
        UniqueConstraint("position_id", "competency_id"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int]

    position: Mapped[Position] = relationship(back_populates="standards", lazy="raise")
    competency: Mapped[Competency] = relationship(lazy="raise")


class Assessment(Base):
    """An assessed level of one competency of one employee on a date."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("employee_id", "competency_id", "assessed_on"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int]
    assessed_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(100))


class LearningRecord(Base):
    """A completed development activity carrying JP: imported history or a credited event."""

    __tablename__ = "learning_records"
    __table_args__ = (
        # Imported history is keyed by (employee, title, date); an event's credit by the event,
        # so a same-titled history row on the same day never swallows an attended event's JP.
        Index(
            "uq_learning_records_history_key",
            "employee_id",
            "title",
            "completed_on",
            unique=True,
            sqlite_where=text("event_id IS NULL"),
            postgresql_where=text("event_id IS NULL"),
        ),
        UniqueConstraint("employee_id", "event_id", name="one_credit_per_event"),
        CheckConstraint("jp >= 0", name="jp_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    organizer: Mapped[str | None] = mapped_column(String(200))
    completed_on: Mapped[date] = mapped_column(Date)
    jp: Mapped[int]
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))


event_competencies = Table(
    "event_competencies",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competencies.id"), primary_key=True),
)

event_positions = Table(
    "event_positions",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("position_id", ForeignKey("positions.id"), primary_key=True),
)


class Event(Base):
    """A training, seminar or workshop that ASN can register for."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("quota >= 0", name="quota_non_negative"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= quota", name="seats_within_quota"),
        Index("ix_events_kind_starts_at", "kind", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    organizer: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300))
    #: Where an online event (or the online part of a hybrid one) is joined.
    online_url: Mapped[str | None] = mapped_column(String(500))
    poster_file_id: Mapped[str | None] = mapped_column(String(200))
    quota: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    registration_opens_at: Mapped[datetime | None]
    registration_deadline: Mapped[datetime]
    jp: Mapped[int]
    cost: Mapped[int | None] = mapped_column(BigInteger)
    allocation: Mapped[Allocation] = mapped_column(
        _enum(Allocation), default=Allocation.FCFS, server_default=Allocation.FCFS.value
    )
    allocated_at: Mapped[datetime | None]
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default="0")
    target_position_types: Mapped[list[Any]] = mapped_column(default=list)
    target_unit_ids: Mapped[list[Any]] = mapped_column(default=list)
    #: Ranks (golongan / PPPK grades) and employment statuses that may register; empty = all.
    target_ranks: Mapped[list[Any]] = mapped_column(default=list)
    target_statuses: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[EventStatus] = mapped_column(
        _enum(EventStatus), default=EventStatus.PUBLISHED, server_default=EventStatus.PUBLISHED.value
    )
    checkin_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: The Telegram user who created it in the chat (None for imported events).
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    competencies: Mapped[list[Competency]] = relationship(secondary=event_competencies, lazy="raise")
    target_positions: Mapped[list[Position]] = relationship(secondary=event_positions, lazy="raise")


class Registration(Base):
    """One employee's registration for one event, with its whole history in timestamps."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "employee_id"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        Index("ix_registrations_event_status_queued", "event_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus))
    queued_at: Mapped[datetime]
    registered_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    attended_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    #: The approver's reason for a rejection, as the ASN receives it.
    decision_reason: Mapped[str | None] = mapped_column(Text)
    priority_score: Mapped[dict[str, Any] | None]
    rating: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    certificate_code: Mapped[str | None] = mapped_column(String(24), unique=True)

    event: Mapped[Event] = relationship(lazy="raise")
    employee: Mapped[Employee] = relationship(lazy="raise")


class TelegramAccount(Base):
    """A Telegram user the bot knows; linked to at most one employee and vice versa."""

    __tablename__ = "telegram_accounts"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), unique=True
    )
    language: Mapped[str] = mapped_column(String(2), default="id", server_default="id")
    linked_at: Mapped[datetime | None]
    blocked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    employee: Mapped[Employee | None] = relationship(lazy="raise")


class ConversationState(Base):
    """Where a user is in a multi-step flow (linking, HR broadcast…); survives restarts."""

    __tablename__ = "conversation_states"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    flow: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LinkAttempt(Base):
    """A guess at something secret (a NIP or link code while linking, a check-in code), kept to
    limit guessing per Telegram user and purpose (`db.attempts`)."""

    __tablename__ = "link_attempts"
    __table_args__ = (
        Index("ix_link_attempts_user_purpose_at", "telegram_user_id", "purpose", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(20), default="link", server_default="link")
    attempted_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(40))


class LinkCode(Base):
    """A one-time code HR issues so an ASN can link by `/start CODE`; only its hash is stored."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoleGrant(Base):
    """A role held by a Telegram user; organizers are tied to the organizer name they run."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("telegram_user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    organizer: Mapped[str | None] = mapped_column(String(200))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Organizer(Base):
    """A university partner or other organizer with its own events; the name is what
    `RoleGrant.organizer` and `Event.organizer` hold. Its certificates name its signer, and HR
    can require approval before its events are published."""

    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str | None] = mapped_column(String(200))
    review_required: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationPreference(Base):
    """A kind of notification the user turned off (absence means on)."""

    __tablename__ = "notification_preferences"

    telegram_user_id: Mapped[int] = mapped_column(
        ForeignKey("telegram_accounts.telegram_user_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)


class Announcement(Base):
    """An HR broadcast: content, audience and progress."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    document_file_id: Mapped[str | None] = mapped_column(String(200))
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recipient_count: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[AnnouncementStatus] = mapped_column(_enum(AnnouncementStatus))
    scheduled_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """One proactive message to one chat; every reminder and broadcast goes through here."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_due", "state", "due_at"),
        # an announcement's rows by state: its progress, and whether any is left to send (asked
        # after every dispatcher batch; by announcement alone that read every row already sent)
        Index("ix_outbox_announcement_state", "announcement_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind))
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    template: Mapped[str | None] = mapped_column(String(80))
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    text: Mapped[str | None] = mapped_column(Text)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    state: Mapped[OutboxState] = mapped_column(
        _enum(OutboxState), default=OutboxState.PENDING, server_default=OutboxState.PENDING.value
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Retried after network errors, timeouts, 5xx and 429 until then (see `db.outbox.retry_later`).
    expires_at: Mapped[datetime | None]
    #: Sends whose answer never came (a timeout once the request was out: it may have arrived).
    unconfirmed: Mapped[int] = mapped_column(default=0, server_default="0")
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(300))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(Base):
    """A reminder derived from the data (H-7, H-1, deadlines…), scheduled into the outbox once."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("kind", "event_id", "employee_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime]
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]


class AuditLog(Base):
    """Who did what, for HR accountability; holds ids, never names or phone numbers."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


programme_competencies = Table(
    "programme_competencies",
    Base.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competencies.id"), primary_key=True),
)


class Programme(Base):
    """A training programme HR could commission (imported, kind `programmes`): a candidate of
    the budget plan, with the competencies it develops, its JP, costs and batches."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("jp >= 0", name="jp_non_negative"),
        CheckConstraint("seats_per_batch > 0", name="seats_positive"),
        CheckConstraint("max_batches > 0", name="batches_positive"),
        CheckConstraint("cost_per_batch IS NOT NULL OR cost_per_participant IS NOT NULL", name="has_a_cost"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300), unique=True)
    jp: Mapped[int]
    cost_per_batch: Mapped[int | None] = mapped_column(BigInteger)
    cost_per_participant: Mapped[int | None] = mapped_column(BigInteger)
    seats_per_batch: Mapped[int]
    max_batches: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    competencies: Mapped[list[Competency]] = relationship(secondary=programme_competencies, lazy="raise")


__all__ = [
    "ALWAYS_SENT",
    "Allocation",
    "Announcement",
    "AnnouncementStatus",
    "Assessment",
    "AuditLog",
    "Base",
    "Competency",
    "CompetencyGroup",
    "ConversationState",
    "Employee",
    "EmploymentStatus",
    "Event",
    "EventKind",
    "EventStatus",
    "LearningRecord",
    "LinkAttempt",
    "LinkCode",
    "NotificationKind",
    "NotificationPreference",
    "Organizer",
    "OutboxMessage",
    "OutboxState",
    "Position",
    "PositionStandard",
    "Programme",
    "Registration",
    "RegistrationStatus",
    "Reminder",
    "Role",
    "RoleGrant",
    "TelegramAccount",
    "Unit",
    "event_competencies",
    "event_positions",
    "programme_competencies",
]
