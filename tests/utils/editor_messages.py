"""The contexts the event editor's templates are rendered with in the messages tests
(`tests/messages/test_renderer.py` merges them into its `CONTEXTS`), and what the admin
screens it marks drafts on (`EXTRA`) need besides their own contexts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from db.events.publishing import DayOff, Waiting

EDITOR_EVENT = SimpleNamespace(id=7, code="SEM-20261218-01", title="Seminar <Kebijakan Publik>")
START = "2026-12-20T00:00:00+00:00"
#: Every item of an event as the editor's screens show it (`db.events.targets.shown`).
VALUES: dict[str, dict[str, Any]] = {
    "kind": {"kind": "seminar"},
    "title": {"title": "Seminar <Kebijakan Publik>"},
    "organizer": {"organizer": "Universitas <Nusa Cendana>"},
    "schedule": {"starts_at": START, "ends_at": "2026-12-21T08:00:00+00:00"},
    "place": {"location": "Aula <Undana>", "online_url": "https://zoom.us/j/123"},
    "quota": {"quota": 30},
    "opens": {"registration_opens_at": "2026-12-01T00:00:00+00:00"},
    "deadline": {"registration_deadline": "2026-12-17T15:59:00+00:00"},
    "jp": {"jp": 2},
    "cost": {"cost": 1_500_000},
    "competencies": {"competencies": ["Pelayanan Publik", "Integritas"]},
    "targets": {
        "position_types": ["Pelaksana"],
        "positions": ["Analis <Kebijakan>"],
        "units": ["Dinas Kesehatan"],
        "ranks": ["III/a"],
        "statuses": ["pppk"],
    },
    "allocation": {"allocation": "priority"},
    "approval": {"requires_approval": True},
    "poster": {"poster_file_id": "AgAD"},
}
#: Every item's values at once: the messages tests render each branch of `item == …`.
EVERY: dict[str, Any] = {key: value for values in VALUES.values() for key, value in values.items()}
DAYS_OFF = [DayOff(date(2026, 12, 20), "sunday"), DayOff(date(2026, 12, 25), "Hari Raya Natal")]

CONTEXTS: dict[str, dict[str, object]] = {
    "editor_start": {},
    "editor_title": {"kind": "webinar"},
    "editor_ask": {
        "event": EDITOR_EVENT,
        "item": "targets",
        "current": EVERY,
        "typed": False,
        "creating": True,
        "step": 10,
        "steps": 13,
        "days_off": DAYS_OFF,
    },
    "editor_event": {
        "event": EDITOR_EVENT,
        "values": VALUES,
        "creating": True,
        "status": "draft",
        "days_off": DAYS_OFF,
        "problems": ["no_organizer", "webinar_needs_link"],
    },
    "editor_preview": {
        "event": EDITOR_EVENT,
        "item": "schedule",
        "before": EVERY,
        "after": EVERY,
        "told": True,
        "days_off": DAYS_OFF,
    },
    "editor_saved": {"event": EDITOR_EVENT, "item": "place", "notified": 12},
    "editor_invalid": {"reason": "webinar_needs_link", "retry": True},
    "editor_picker": {
        "event": EDITOR_EVENT,
        "kind": "positions",
        "picked": ["Analis <Kebijakan>", "Pranata Komputer"],
        "page": 0,
        "pages": 3,
    },
    "editor_published": {"event": EDITOR_EVENT, "outcome": "review"},
    "editor_reviews": {
        "items": [
            Waiting(
                7,
                "SEM-20261218-01",
                "Seminar <Kebijakan>",
                "Universitas <Nusa Cendana>",
                datetime(2026, 12, 20, tzinfo=UTC),
            )
        ],
        "total": 25,
    },
    "editor_return_reason": {"event": EDITOR_EVENT},
    "editor_reviewed": {
        "outcome": "returned",
        "title": "Seminar <Kebijakan>",
        "code": "SEM-20261218-01",
        "reason": "Mohon lengkapi <tautan>",
    },
    "editor_stopped": {},
}
#: Values the admin screens need besides their contexts in `test_renderer.CONTEXTS`.
EXTRA: dict[str, dict[str, object]] = {
    "admin_events": {"statuses": {7: "draft"}},
    "admin_event": {"status": "review"},
}
