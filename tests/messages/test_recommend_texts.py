"""What an ASN reads about a recommended event: which competency it develops (their level and
the standard, never a promise to close a "gap"), which year its JP count for, why they cannot
register instead of a button that is refused, and that a full event puts them on the waiting
list — in Indonesian and English."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from db.catalog import EventCard, GapClosed, Recommendation
from db.learning import JpSummary, PlannedEntry
from db.models import Allocation, EventKind, RegistrationStatus
from db.offer import Offer
from db.registration import AlreadyRegistered, NotEligible, RegistrationClosed, ScheduleClash
from messages import Renderer
from tests.utils.office_time import WITA

EVENT = EventCard(
    id=7,
    code="PP-2027-01",
    title="Pelatihan Pelayanan Publik",
    kind=EventKind.PELATIHAN,
    organizer="BPSDM Provinsi NTT",
    description=None,
    starts_at=datetime(2027, 1, 11, 0, 0, tzinfo=UTC),
    ends_at=datetime(2027, 1, 12, 8, 0, tzinfo=UTC),
    location="Aula BPSDM, Kupang",
    jp=12,
    quota=30,
    seats_left=0,
    registration_deadline=datetime(2027, 1, 4, 8, 0, tzinfo=UTC),
    competencies=["Pelayanan Publik"],
    competency_ids=[5],
    target_positions=[],
    cost=None,
    requires_approval=False,
    allocation=Allocation.FCFS,
    jp_year=2027,
)
THIS_YEAR = dataclasses.replace(EVENT, code="PP-2026-09", jp_year=2026)
DEVELOPS = Recommendation(EVENT, [GapClosed("Pelayanan Publik", 1, 2)], 0, year=2026)
NOT_ASSESSED = Recommendation(EVENT, [GapClosed("Integritas", None, 3)], 0, year=2026)
ADDS_JP = Recommendation(THIS_YEAR, [], 12, year=2026)
CLASH = ScheduleClash(
    event_id=3, code="SEM-04", title="Seminar Etika", starts_at=datetime(2027, 1, 11, tzinfo=UTC)
)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(WITA)


def _detail(renderer: Renderer, lang: str, found: Offer) -> str:
    return renderer.render("event_detail", lang, event=found.event, offer=found, description=None, year=2026)


@pytest.mark.parametrize(
    ("lang", "develops", "not_assessed", "adds"),
    [
        (
            "id",
            "mengembangkan kompetensi Pelayanan Publik (level Anda 1, standar 2)",
            "mengembangkan kompetensi Integritas (belum dinilai, standar 3)",
            "menambah 12 JP untuk target tahun 2026",
        ),
        (
            "en",
            "develops Pelayanan Publik (your level 1, standard 2)",
            "develops Integritas (not assessed yet, standard 3)",
            "adds 12 JP toward the 2026 target",
        ),
    ],
)
def test_a_recommendation_says_what_it_develops_without_promising_a_level(
    renderer: Renderer, lang: str, develops: str, not_assessed: str, adds: str
) -> None:
    texts = [
        _detail(renderer, lang, Offer(event.event, None, waitlist=False, recommendation=event))
        for event in (DEVELOPS, NOT_ASSESSED, ADDS_JP)
    ]
    assert develops in texts[0]
    assert not_assessed in texts[1]
    assert adds in texts[2]
    for text in texts:
        assert "gap" not in text.casefold()
        assert "→" not in text


@pytest.mark.parametrize(
    ("lang", "next_year"), [("id", "12 JP · dihitung untuk tahun 2027"), ("en", "12 JP · counts for 2027")]
)
def test_an_event_in_january_says_which_year_its_jp_count_for(
    renderer: Renderer, lang: str, next_year: str
) -> None:
    january = _detail(renderer, lang, Offer(EVENT, None, waitlist=False, recommendation=DEVELOPS))
    december = _detail(renderer, lang, Offer(THIS_YEAR, None, waitlist=False, recommendation=ADDS_JP))
    listed = renderer.render(
        "catalog",
        lang,
        kind="pelatihan",
        scope="all",
        competency=None,
        items=[Offer(EVENT, None, False, None), Offer(THIS_YEAR, None, False, None)],
        page=0,
        pages=1,
        first=0,
        year=2026,
    )
    assert next_year in january
    assert next_year not in december
    assert listed.count(next_year) == 1
    assert "tahun ini" not in january
    assert "this year" not in january


@pytest.mark.parametrize(
    ("lang", "refusal", "line"),
    [
        (
            "id",
            CLASH,
            "📅 Jadwalnya bentrok dengan kegiatan lain yang Anda ikuti: <b>Seminar Etika</b> (SEM-04)",
        ),
        ("en", CLASH, "📅 It clashes with another event you take part in: <b>Seminar Etika</b> (SEM-04)"),
        ("id", NotEligible("position"), "🚫 Anda tidak termasuk sasaran kegiatan ini"),
        ("en", NotEligible("position"), "🚫 You are not in the target group of this event"),
        ("id", RegistrationClosed(datetime(2027, 1, 4, 8, tzinfo=UTC)), "🔒 Pendaftaran sudah ditutup sejak"),
        ("en", RegistrationClosed(datetime(2027, 1, 4, 8, tzinfo=UTC)), "🔒 Registration closed on"),
        ("id", AlreadyRegistered(RegistrationStatus.WAITLISTED), "(status: daftar tunggu)"),
        ("en", AlreadyRegistered(RegistrationStatus.WAITLISTED), "(status: waiting list)"),
    ],
)
def test_a_detail_says_why_the_asn_cannot_register(
    renderer: Renderer, lang: str, refusal: Exception, line: str
) -> None:
    assert isinstance(refusal, (ScheduleClash, NotEligible, RegistrationClosed, AlreadyRegistered))
    text = _detail(renderer, lang, Offer(EVENT, refusal, waitlist=False, recommendation=None))
    assert line in text


@pytest.mark.parametrize(
    ("lang", "button", "line"),
    [
        ("id", "📝 Daftar (daftar tunggu)", "bila Anda mendaftar sekarang, Anda masuk daftar tunggu"),
        ("en", "📝 Register (waiting list)", "if you register now you join the waiting list"),
    ],
)
def test_a_full_event_says_it_is_a_waiting_list_registration(
    renderer: Renderer, lang: str, button: str, line: str
) -> None:
    assert renderer.label("button.register_waitlist", lang) == button
    assert line in _detail(renderer, lang, Offer(EVENT, None, waitlist=True, recommendation=None))
    assert line not in _detail(renderer, lang, Offer(EVENT, None, waitlist=False, recommendation=None))


@pytest.mark.parametrize(
    ("lang", "planned", "after", "reached"),
    [
        (
            "id",
            "<b>Direncanakan: 12 JP</b> <i>(terdaftar, belum dihadiri)</i>",
            "Setelah kegiatan yang sudah Anda daftari, masih kurang <b>4 JP</b>.",
            "Bila Anda menghadiri kegiatan yang sudah Anda daftari, target tahun ini tercapai.",
        ),
        (
            "en",
            "<b>Planned: 12 JP</b> <i>(registered, not attended yet)</i>",
            "After the events you have registered for, <b>4 JP</b> still to go.",
            "If you attend the events you have registered for, you reach this year's target.",
        ),
    ],
)
def test_jp_shows_the_events_registered_for_as_planned(
    renderer: Renderer, lang: str, planned: str, after: str, reached: str
) -> None:
    seat = PlannedEntry("Pelatihan Pelayanan Publik", datetime(2026, 11, 16, tzinfo=UTC), 12)
    summary = JpSummary(year=2026, target=20, total=4, missing=16, entries=[], reached=False, planned=[seat])
    enough = dataclasses.replace(summary, planned=[seat, dataclasses.replace(seat, jp=4)])

    text = renderer.render("jp", lang, summary=summary, bar="▰▰▱▱▱▱▱▱▱▱", recommendations=[])
    assert planned in text
    assert "Pelatihan Pelayanan Publik: <b>12 JP</b>" in text
    assert after in text
    assert reached in renderer.render("jp", lang, summary=enough, bar="▰▰▱▱▱▱▱▱▱▱", recommendations=[])


@pytest.mark.parametrize(
    ("lang", "heading", "short"),
    [
        (
            "id",
            "Capaian JP 2026: 0/20 JP</b> · direncanakan 16 JP",
            "kegiatan yang sudah Anda daftari belum mencukupi",
        ),
        (
            "en",
            "Your 2026 JP: 0/20 JP</b> · 16 JP planned",
            "the events you have registered for are not enough yet",
        ),
    ],
)
def test_the_jp_nudge_says_what_is_planned(renderer: Renderer, lang: str, heading: str, short: str) -> None:
    text = renderer.render("reminder_jp", lang, total=0, planned=16, target=20, year=2026)
    assert heading in text
    assert short in text
    queued_before = renderer.render("reminder_jp", lang, total=4, target=20, year=2026)
    assert "planned" not in queued_before
    assert "direncanakan" not in queued_before


@pytest.mark.parametrize(
    ("lang", "gap", "jp"),
    [
        (
            "id",
            "mengembangkan kompetensi Anda yang masih di bawah standar jabatan",
            "menambah 8 JP untuk target JP Anda tahun ini",
        ),
        (
            "en",
            "develops a competency in which you are below your position's standard",
            "adds 8 JP toward your JP target this year",
        ),
    ],
)
def test_the_deadline_digest_says_why_each_event_is_listed(
    renderer: Renderer, lang: str, gap: str, jp: str
) -> None:
    listed: dict[str, object] = {"title": "Pelatihan", "code": "PP-01", "jp": 8}
    listed |= {"deadline": "2026-12-10T08:00:00+00:00", "starts_at": "2026-12-14T00:00:00+00:00"}
    events = [listed | {"reason": "competency"}, listed | {"code": "UMUM-01", "reason": "jp"}, listed]
    text = renderer.render("event_deadline", lang, events=events, more=0)
    assert text.count(gap) == 2  # a digest queued before the JP reason existed reads as before
    assert text.count(jp) == 1
    assert "gap" not in text.casefold()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_jp_nudge_heading_is_a_line_of_its_own(renderer: Renderer, lang: str) -> None:
    text = renderer.render("reminder_jp", lang, total=8, target=20, year=2026)
    heading, _, body = text.partition("\n")
    assert heading.endswith("8/20 JP</b>")
    assert body.startswith(("Tahun ini", "The year"))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_reason_in_the_for_me_list_is_a_line_of_its_own(renderer: Renderer, lang: str) -> None:
    listed = renderer.render(
        "catalog",
        lang,
        kind="pelatihan",
        scope="me",
        competency=None,
        items=[Offer(THIS_YEAR, None, False, ADDS_JP)],
        page=0,
        pages=1,
        first=0,
        year=2026,
    )
    reason = next(line for line in listed.splitlines() if "⭐" in line)
    assert reason.startswith("   <i>⭐")
