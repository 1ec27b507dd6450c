"""Every text exists in Indonesian and English and renders; dates read the Indonesian way."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from jinja2 import FileSystemLoader, UndefinedError

from bot.local_api import parse_html
from db.announcements import Audience
from db.catalog import EventCard, GapClosed, Recommendation
from db.competency import CompetencyLine, CompetencyStatus, JpmCategory
from db.erasure import Erased, Upcoming
from db.learning import JpEntry, JpSummary, PlannedEntry
from db.models import Allocation, AnnouncementStatus, CompetencyGroup, EventKind, RegistrationStatus
from db.offer import Offer
from db.registration import MyRegistration, PriorityScore, Standing
from messages import LANGUAGES, Renderer
from messages.renderer import ROOT, UnknownMessageError, label_keys, template_names
from tests.utils import certificates, editor_messages, reach, reports, roles

WITA = ZoneInfo("Asia/Makassar")
EMPLOYEE = SimpleNamespace(
    name="Maria Goreti Bria",
    nip="198609262015051001",
    position=SimpleNamespace(name="Analis Kebijakan Ahli Muda"),
    unit=SimpleNamespace(name="BKPSDM Kota Kupang"),
    position_type="Fungsional",
    rank="III/c",
    status="pns",
)
EVENT = EventCard(
    id=7,
    code="PKP-2026-01",
    title="Pelatihan Kepemimpinan Pengawas <Angkatan I>",
    kind=EventKind.PELATIHAN,
    organizer="BPSDM Provinsi NTT",
    description="Untuk pengawas & calon pengawas.",
    starts_at=datetime(2026, 12, 7, 0, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 11, 8, 0, tzinfo=UTC),
    location="Aula BPSDM, Kupang",
    jp=40,
    quota=30,
    seats_left=0,
    registration_deadline=datetime(2026, 12, 3, 15, 59, tzinfo=UTC),
    competencies=["Pelayanan Publik"],
    competency_ids=[5],
    target_positions=["Kepala Seksi"],
    cost=1_500_000,
    requires_approval=True,
    allocation=Allocation.PRIORITY,
    jp_year=2026,
)
RECOMMENDATION = Recommendation(EVENT, [GapClosed("Pelayanan Publik", 2, 3)], 8, year=2026)
STATUS = CompetencyStatus(
    employee_id=1,
    position_name="Analis Kebijakan Ahli Muda",
    lines=[
        CompetencyLine(1, "Pelayanan Publik", CompetencyGroup.MANAJERIAL, 3, 2, 1, True),
        CompetencyLine(2, "Integritas", CompetencyGroup.MANAJERIAL, 3, None, None, True),
        CompetencyLine(3, "Perekat Bangsa", CompetencyGroup.SOSIAL_KULTURAL, 3, 4, -1, True),
        CompetencyLine(4, "Bahasa Inggris", CompetencyGroup.TEKNIS, None, 3, None, False),
    ],
    jpm=55.6,
    category=JpmCategory.KURANG,
    assessed_on=date(2025, 6, 2),
    method="Assessment Center",
    has_standard=True,
    has_assessment=True,
)
SUMMARY = JpSummary(
    year=2026,
    target=20,
    total=12,
    missing=8,
    entries=[JpEntry("Seminar Kebijakan Publik", "Undana", date(2026, 3, 4), 12, from_event=False)],
    reached=False,
    planned=[PlannedEntry("Pelatihan Pelayanan Publik", datetime(2026, 12, 7, 0, 0, tzinfo=UTC), 4)],
)
MY_REGISTRATION = MyRegistration(
    12,
    7,
    "PKP-2026-01",
    "Pelatihan <Angkatan I>",
    "BPSDM Provinsi NTT",
    "Aula BPSDM, Kupang",
    datetime(2026, 12, 7, 0, 0, tzinfo=UTC),
    datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
    RegistrationStatus.WAITLISTED,
    3,
    False,
    False,
)
STANDING = Standing(
    12,
    7,
    PriorityScore(3, 8, datetime(2026, 11, 20, 2, 15, tzinfo=UTC)),
    4,
    41,
    30,
    True,
    RegistrationStatus.PENDING,
)
#: An event as a notice's outbox context holds it (JSON, see `db.notify.event_context`).
NOTICE_EVENT = {
    "title": "Pelatihan <Angkatan I>",
    "organizer": "Universitas <Nusa Cendana>",
    "location": "Aula BPSDM, Kupang",
    "starts_at": "2026-12-07T00:00:00+00:00",
    "ends_at": "2026-12-07T08:00:00+00:00",
}
ADMIN_EVENT = SimpleNamespace(
    id=7,
    code="PKP-2026-01",
    title="Pelatihan <Angkatan I>",
    organizer="Universitas <Nusa Cendana>",
    location="Aula BPSDM, Kupang",
    starts_at=datetime(2026, 12, 7, 0, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
    jp=8,
    quota=30,
    seats_taken=28,
    seats_left=2,
    registered=27,
    waitlisted=3,
    pending=2,
    attended=1,
    cancelled=4,
    rejected=1,
    priority=True,
    allocated_at=None,
    requires_approval=False,
    checkin_code="AB12CD",
    event_cancelled=False,
)
REGISTRANT = SimpleNamespace(
    registration_id=12,
    event_id=7,
    employee_id=3,
    name="Maria <Bria>",
    nip="1986•••••••••••001",
    unit="BKPSDM Kota Kupang",
    position="Analis Kebijakan Ahli Muda",
    status="waitlisted",
    waitlist_position=2,
)
ADMIN_LIST = {
    "event": ADMIN_EVENT,
    "items": [SimpleNamespace(number=1, registrant=REGISTRANT)],
    "total": 1,
    "page": 0,
    "pages": 1,
    "name": "Maria <Bria>",
}
COMMON: dict[str, object] = {
    "attempts_left": 3,
    "linked": True,
    "staff": True,
    "recommendations": [RECOMMENDATION],
}
EVENT_FACTS = SimpleNamespace(
    id=7,
    code="PKP-2026-01",
    title="Pelatihan <Angkatan I>",
    starts_at=datetime(2026, 12, 7, 1, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
    location="Aula <BPSDM>",
    registration_deadline=datetime(2026, 12, 3, 8, 0, tzinfo=UTC),
    cancelled=False,
    holders=12,
)
#: The context each template is rendered with; a template needing more fails (StrictUndefined).
AUDIENCE = Audience(
    units=("Dinas Kesehatan <Kota>",), ranks=("III/c", "III/d"), event_code="PKP-01", below_jp=True
)
ANNOUNCEMENT = SimpleNamespace(
    id=7,
    status=AnnouncementStatus.CANCELLED,
    recipient_count=1234,
    created_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    scheduled_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    finished_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
)
#: A registration `/hapus_data` cancels.
UPCOMING = Upcoming(
    1, 1, "PKP-01", "Pelatihan <Pelayanan> & Prima", datetime(2026, 12, 7, 1, tzinfo=UTC), "waitlisted"
)

CONTEXTS: dict[str, dict[str, object]] = {
    "linked": {"name": "Maria <Bria> & Co", "nip": "198609262015052001"},
    "already_linked": {"name": "Maria <Bria> & Co", "nip": "198609262015052001"},
    "locked": {"until": datetime(2026, 12, 7, 1, 30, tzinfo=UTC)},
    "contact_button_hint": {"typed_number": False},
    "erase_confirm": {"upcoming": [UPCOMING]},
    "erased": {"erased": Erased(was_linked=True, cancelled=(UPCOMING,))},
    "profile": {"employee": EMPLOYEE, "rank_name": "Penata", "linked_at": datetime(2026, 1, 5, tzinfo=UTC)},
    "settings": {"lang": "id"},
    "competency": {"status": STATUS},
    "chart_caption": {"count": 11},
    "jp": {"summary": SUMMARY, "bar": "▰▰▰▰▰▰▱▱▱▱"},
    "catalog": {
        "kind": "pelatihan",
        "scope": "me",
        "competency": None,
        "items": [SimpleNamespace(event=EVENT, recommendation=RECOMMENDATION)],
        "page": 0,
        "pages": 2,
        "first": 0,
        "year": 2026,
    },
    "catalog_competencies": {"names": ["Pelayanan Publik"]},
    "event_detail": {
        "event": EVENT,
        "offer": Offer(EVENT, None, waitlist=True, recommendation=RECOMMENDATION),
        "description": EVENT.description,
        "year": 2026,
    },
    "event_description": {"title": EVENT.title, "text": EVENT.description, "part": 1, "parts": 2},
    "reg_result": {"outcome": "waitlisted", "event": EVENT, "position": 3},
    "reg_list": {
        "groups": [
            SimpleNamespace(
                status="waitlisted", entries=[SimpleNamespace(number=1, item=MY_REGISTRATION)], more=2
            )
        ]
    },
    "reg_item": {"item": MY_REGISTRATION, "rated": False},
    "reg_cancel": {
        "outcome": "too_late",
        "item": MY_REGISTRATION,
        "cutoff_at": datetime(2026, 12, 6, 0, 0, tzinfo=UTC),
        "organizer": "Universitas <Nusa Cendana>",
    },
    "reg_promoted": {"event": NOTICE_EVENT},
    "reg_rate_request": {"title": "Pelatihan <Angkatan I>"},
    "reminder_h7": {
        "title": "Pelatihan <Angkatan I>",
        "starts_at": "2026-12-07T01:00:00+00:00",
        "location": "Aula",
    },
    "reminder_h1": {
        "title": "Pelatihan <Angkatan I>",
        "starts_at": "2026-12-07T01:00:00+00:00",
        "location": "Aula",
    },
    "reminder_jp": {"total": 12, "planned": 4, "target": 20, "year": 2026},
    "reminder_today": {
        "title": "Pelatihan <Angkatan I>",
        "starts_at": "2026-12-07T01:00:00+00:00",
        "location": "Aula",
    },
    "reg_standing": {"standing": STANDING, "title": "Pelatihan <Angkatan I>", "year": 2026},
    "reg_checkin": {"outcome": "done", "code": "AB12CD", "title": "Pelatihan <Angkatan I>", "jp": 8},
    "reg_rating": {"outcome": "rated", "title": "Pelatihan <Angkatan I>", "rating": 4},
    "admin_events": {
        "items": [ADMIN_EVENT],
        "page": 0,
        "pages": 2,
        "first": 0,
        "hr": False,
        "organizers": ["Universitas <Nusa Cendana>"],
    },
    "admin_event": {"event": ADMIN_EVENT},
    "admin_registrants": {
        "event": ADMIN_EVENT,
        "items": [REGISTRANT],
        "first": 0,
        "page": 0,
        "pages": 2,
        "total": 16,
        "masked": True,
    },
    "admin_attendance": ADMIN_LIST | {"outcome": "done", "jp": 8, "position": None},
    "admin_pending": ADMIN_LIST | {"outcome": "waitlisted", "jp": 0, "position": 3},
    "admin_remove": ADMIN_LIST | {"outcome": "removed", "promoted": 1},
    "admin_checkin": {
        "event": ADMIN_EVENT,
        "code": "AB12CD",
        "link": "https://t.me/asn_karier_bot?start=hadir_AB12CD",
    },
    "admin_allocation": {"event": ADMIN_EVENT, "outcome": "done", "seated": 30, "waitlisted": 11},
    "admin_ratings": {
        "event": ADMIN_EVENT,
        "ratings": SimpleNamespace(
            average=4.25,
            count=12,
            comments=(SimpleNamespace(rating=5, text="Materi <Angkatan I> sangat bermanfaat"),),
            comment_count=3,
        ),
    },
    "admin_notice": {"outcome": "waitlisted", "event": NOTICE_EVENT, "position": 3},
    "event_changed": {
        "title": "Pelatihan <Angkatan I>",
        "code": "PKP-2026-01",
        "field": "schedule",
        "before": {"starts_at": "2026-12-07T01:00:00+00:00", "ends_at": "2026-12-07T09:00:00+00:00"},
        "after": {"starts_at": "2026-12-14T00:00:00+00:00", "ends_at": "2026-12-15T08:00:00+00:00"},
    },
    "event_cancelled": {
        "title": "Pelatihan <Angkatan I>",
        "code": "PKP-2026-01",
        "reason": "typed",
        "reason_text": "Gedung <dipakai> posko banjir",
    },
    "event_deadline": {
        "events": [
            {
                "title": "Pelatihan <Angkatan I>",
                "code": "PKP-2026-01",
                "deadline": "2026-12-03T08:00:00+00:00",
                "starts_at": "2026-12-07T01:00:00+00:00",
                "jp": 40,
                "reason": "competency",
            }
        ],
        "more": 2,
    },
    "event_menu": {"event": EVENT_FACTS},
    "event_ask": {"event": EVENT_FACTS, "field": "schedule"},
    "event_invalid": {"reason": "start_before_deadline", "retry": True},
    "event_preview": {
        "event": EVENT_FACTS,
        "field": "location",
        "before": {"location": "Aula <BPSDM>"},
        "after": {"location": "Hotel Aston Kupang"},
    },
    "event_saved": {"event": EVENT_FACTS, "field": "deadline", "already": False, "notified": 12},
    "event_cancel_ask": {"event": EVENT_FACTS},
    "event_cancel_reason": {"event": EVENT_FACTS},
    "event_cancel_confirm": {"event": EVENT_FACTS, "reason": "speaker", "reason_text": None},
    "event_cancel_done": {
        "event": EVENT_FACTS,
        "already": False,
        "result": SimpleNamespace(registrations=14, seats_freed=12, notified=13, withdrawn=36),
    },
    "event_refused": {"outcome": "hr_only"},
    "announce_compose": {"text_limit": 4096, "caption_limit": 1024},
    "announce_too_long": {"limit": 1024, "length": 1100},
    "announce_audience": {"audience": AUDIENCE, "count": 1234},
    "announce_picker": {
        "kind": "units",
        "audience": AUDIENCE,
        "count": 12,
        "total": 0,
        "page": 0,
        "pages": 2,
    },
    "announce_summary": {"audience": AUDIENCE, "count": 0},
    "announce_album": {},
    "announce_ask_time": {"example": "30/11/2026 07.00"},
    "announce_bad_time": {
        "outcome": "garbage",
        "value": "besok <pagi>",
        "when": None,
        "example": "30/11/2026 07.00",
    },
    "announce_status": {
        "announcement": ANNOUNCEMENT,
        "audience": AUDIENCE,
        "audience_now": 1234,
        "preview": "Rapat <Bria> …",
        "tally": SimpleNamespace(
            sent=10,
            failed=1,
            blocked=2,
            skipped=3,
            waiting=4,
            retrying_total=3,
            reason="unreachable",
            retry_until=datetime(2026, 12, 2, 1, 0, tzinfo=UTC),
            unconfirmed=1,
            expired=1,
        ),
        "outcome": "not_allowed",
        "confirm_cancel": True,
    },
    "announce_history": {
        "lines": [
            SimpleNamespace(
                number=number,
                announcement=ANNOUNCEMENT,
                audience=AUDIENCE,
                preview="Rapat <Bria>",
                unstarted=unstarted,
            )
            for number, unstarted in ((1, False), (2, True))
        ],
        "page": 0,
        "pages": 3,
    },
    "announce_report": {
        "announcement_id": 7,
        "preview": "Rapat <Bria> …",
        "sent": 1990,
        "failed": 3,
        "blocked": 7,
        "skipped": 0,
        "unconfirmed": 2,
        "expired": 1,
        "seconds": 125,
    },
}
CONTEXTS |= reports.CONTEXTS
CONTEXTS |= certificates.CONTEXTS
CONTEXTS |= roles.CONTEXTS
CONTEXTS |= reach.CONTEXTS
CONTEXTS |= editor_messages.CONTEXTS | {
    name: CONTEXTS[name] | extra for name, extra in editor_messages.EXTRA.items()
}


@pytest.fixture
def renderer() -> Renderer:
    return Renderer(WITA)


def test_both_languages_have_the_same_templates_and_labels() -> None:
    assert template_names("id") == template_names("en")
    assert label_keys("id") == label_keys("en")


MESSAGES = sorted(name for name in template_names("id") if not name.startswith("_"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", MESSAGES)
def test_every_template_renders_in_both_languages(renderer: Renderer, name: str, lang: str) -> None:
    text = renderer.render(name, lang, **(COMMON | CONTEXTS.get(name, {})))
    assert text.strip()
    assert "<Bria>" not in text  # autoescape is on
    assert "<Angkatan I>" not in text
    assert "<Nusa Cendana>" not in text


def test_every_rendered_template_is_valid_telegram_html(renderer: Renderer) -> None:
    for lang in LANGUAGES:
        for name in MESSAGES:
            parse_html(renderer.render(name, lang, **(COMMON | CONTEXTS.get(name, {}))))


def test_the_competency_screen_says_which_level_is_assessed_and_which_is_the_standard(
    renderer: Renderer,
) -> None:
    text = renderer.render("competency", "id", **(COMMON | CONTEXTS["competency"]))
    assert "Pelayanan Publik: level 2 (standar 3)" in text
    assert "Integritas: belum ada hasil asesmen (standar 3)" in text
    assert "Kurang Memenuhi Syarat" in text
    assert "mengembangkan kompetensi Pelayanan Publik (level Anda 2, standar 3)" in text
    english = renderer.render("competency", "en", **(COMMON | CONTEXTS["competency"]))
    assert "Public Service" not in english  # competency names are data, never translated
    assert "Pelayanan Publik: level 2 (standard 3)" in english
    assert "Integritas: not assessed yet (standard 3)" in english
    assert "develops Pelayanan Publik (your level 2, standard 3)" in english


def test_a_missing_value_is_an_error_not_a_blank(renderer: Renderer) -> None:
    with pytest.raises(UndefinedError):
        renderer.render("linked", "id")


def test_dates_read_the_indonesian_way_in_office_time(renderer: Renderer) -> None:
    moment = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert renderer.format_datetime(moment, "id") == "Senin, 7 Desember 2026, 09.00 WITA"
    assert renderer.format_datetime(moment, "en") == "Monday, 7 December 2026, 09.00 WITA"
    assert renderer.format_date(date(2026, 8, 17), "id") == "Senin, 17 Agustus 2026"


def test_an_instant_stored_as_iso_text_reads_the_same(renderer: Renderer) -> None:
    assert renderer.format_datetime("2026-12-07T01:00:00+00:00", "id") == "Senin, 7 Desember 2026, 09.00 WITA"


def test_late_evening_utc_is_already_tomorrow_in_kupang(renderer: Renderer) -> None:
    assert renderer.format_date(datetime(2026, 12, 31, 16, 30, tzinfo=UTC), "id") == "Jumat, 1 Januari 2027"


def test_label_files_are_valid_toml_with_string_values() -> None:
    for lang in LANGUAGES:
        for path in (ROOT / lang).glob("*.toml"):
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            assert all(isinstance(value, str) and value for value in data.values()), path
    assert sorted(p.name for p in (ROOT / "id").glob("*.toml")) == sorted(
        p.name for p in (ROOT / "en").glob("*.toml")
    )


def test_after_warming_up_no_message_reads_its_template_from_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = Renderer(ZoneInfo("Asia/Makassar"))
    renderer.warm()

    def read(*_args: object) -> None:
        raise AssertionError("a template read from disk after the warm-up")

    monkeypatch.setattr(FileSystemLoader, "get_source", read)
    for lang in LANGUAGES:
        for name in sorted(template_names(lang)):
            try:
                renderer.render(name, lang)
            except UnknownMessageError:
                pytest.fail(f"{lang}/{name} was not compiled by the warm-up")
            except (UndefinedError, TypeError, AttributeError):
                pass  # rendered without the values it needs: it was compiled
