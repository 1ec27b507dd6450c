"""Reaching ASN as templates are rendered with it (an event announced to its targets, messages to
registrants, rejection reasons, staff digests): one of each, with text that must be escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from db.announcements.publish import Preview

#: An event as the announcement's outbox context holds it (JSON, see `event_message`).
ANNOUNCED = {
    "title": "Pelatihan <Angkatan I>",
    "organizer": "Universitas <Nusa Cendana>",
    "location": "Aula BPSDM, Kupang",
    "starts_at": "2026-12-07T00:00:00+00:00",
    "ends_at": "2026-12-07T08:00:00+00:00",
    "code": "PKP-2026-01",
    "kind": "webinar",
    "online_url": "https://zoom.example/j/1",
    "registration_deadline": "2026-12-04T08:00:00+00:00",
    "jp": 8,
    "quota": 30,
    "cost": 1_500_000,
}
PREVIEW = Preview(7, "PKP-2026-01", "Pelatihan <Angkatan I>", 120, 4, 31, {"event": ANNOUNCED})
READY = SimpleNamespace(
    announcement=None, event_id=7, code="PKP-2026-01", title="Seminar <Undana>", reached=42
)
DIGEST = {
    "events": [{"code": "SEM-01", "title": "Seminar <Kebijakan>", "count": 3}],
    "more": 2,
    "total": 17,
}
CONTEXTS: dict[str, dict[str, object]] = {
    "announce_event": {"event": ANNOUNCED, "open_event": {"id": 7, "list": "s"}},
    "reach_publish": {"preview": PREVIEW, "sample": "📣 <b>Pelatihan &lt;Angkatan I&gt;</b>"},
    "reach_published": {"count": 120},
    "reach_refused": {"reason": "too_long", "limit": 4096, "per_day": 3},
    "reach_write": {"title": "Seminar <Undana>", "code": "SEM-01", "limit": 4096},
    "reach_discarded": {},
    "reach_write_summary": {"ready": READY},
    "reach_write_sent": {"count": 42},
    "reach_reject_ask": {"name": "Maria <Bria>"},
    "reach_reject_type": {"name": "Maria <Bria>"},
    "reach_rejected": {"outcome": "rejected", "name": "Maria <Bria>", "reason": "Kuota <penuh>"},
    "digest_approvals": DIGEST,
    "digest_registrations": DIGEST | {"day": datetime(2026, 12, 3, 16, 0, tzinfo=UTC).isoformat()},
}
