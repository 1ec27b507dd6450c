"""Roles: what the roles screen and /id_saya are rendered with in the renderer's tests (a full
page of holders and of organizers)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.handlers.admin.roles import PER_PAGE
from db.models import Role
from db.organizer_settings import OrganizerSettings
from db.roles import Holder

_HOLDER = Holder(
    grant_id=3,
    telegram_user_id=1_234_567_890_123,
    role=Role.ORGANIZER,
    organizer="Universitas <Nusa Cendana>",
    granted_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    employee_name="Maria <Bria>",
)
_ORGANIZER = OrganizerSettings(
    name="Universitas <Nusa Cendana>",
    signer_name="Dr. Maria <Bria>, " + "M" * 180,
    signer_title="Dekan " + "F" * 190,
    review_required=True,
    holders=3,
)
CONTEXTS: dict[str, dict[str, object]] = {
    "admin_roles": {
        "screen": "list",
        "notice": "revoked",
        "holders": [_HOLDER] * PER_PAGE,
        "revoked": _HOLDER,
        "holder": _HOLDER,
        "organizer_rows": [_ORGANIZER] * PER_PAGE,
        "total": 40,
        "first": 8,
        "page": 1,
        "pages": 5,
    },
    "my_id": {"telegram_id": 1_234_567_890_123, "roles": [Role.HR, Role.ORGANIZER]},
}
