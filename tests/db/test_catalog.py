"""The catalog: an ASN pages through upcoming seminars and workshops, filters them by
competency, opens one, and is offered first the trainings that close their own gaps."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.catalog import (
    EventCard,
    GapClosed,
    competencies_in_catalog,
    event_card,
    reasons,
    recommendations,
    upcoming_events,
)
from db.competency import JpmThresholds, competency_status
from db.learning import year_summary
from db.models import Employee, EventKind, EventStatus, RegistrationStatus
from db.offer import offer
from tests.utils.competencies import assess, competency, set_standard
from tests.utils.employees import make_employee
from tests.utils.events import make_event
from tests.utils.learning import learned
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import register
from tests.utils.statements import count_statements

NOW = wita(2026, 3, 2, 9)
SEMINARS = frozenset({EventKind.SEMINAR, EventKind.WORKSHOP})
TRAININGS = frozenset({EventKind.PELATIHAN})
ANALYST = "Analis Kebijakan Ahli Muda"
HR_ANALYST = "Analis SDM Aparatur Ahli Muda"


@pytest.fixture
async def calendar(session: AsyncSession) -> None:
    """Twelve upcoming seminars and workshops (SEM-01 … SEM-12, in that order), plus one that
    has ended, one ending right now, one cancelled, and a training (another kind)."""
    starts = {
        "SEM-01": wita(2026, 3, 2, 8),  # under way: started an hour ago, ends at 16.00
        "SEM-02": wita(2026, 3, 9),  # SEM-02 and SEM-03 start together: the code decides
        "SEM-03": wita(2026, 3, 9),
        **{f"SEM-{n:02d}": wita(2026, 3, 6 + n) for n in range(4, 13)},
    }
    competencies = {"SEM-04": ["Pelayanan Publik"], "SEM-09": ["Pelayanan Publik", "Integritas"]}
    for number, code in reversed(list(enumerate(starts, start=1))):  # stored out of order on purpose
        await make_event(
            session,
            code,
            kind=EventKind.WORKSHOP if number % 2 else EventKind.SEMINAR,
            starts_at=starts[code],
            competencies=competencies.get(code, ()),
        )
    await make_event(session, "SEM-LALU", kind=EventKind.SEMINAR, starts_at=wita(2026, 3, 2, 0))
    await make_event(session, "SEM-PAS", kind=EventKind.SEMINAR, starts_at=wita(2026, 3, 2, 1))
    await make_event(
        session,
        "SEM-BATAL",
        kind=EventKind.SEMINAR,
        starts_at=wita(2026, 3, 20),
        status=EventStatus.CANCELLED,
        competencies=["Pelayanan Publik", "Perekat Bangsa"],
    )
    await make_event(session, "PEL-01", starts_at=wita(2026, 3, 5), competencies=["Komunikasi"])


def _codes(cards: list[EventCard]) -> list[str]:
    return [card.code for card in cards]


@pytest.mark.usefixtures("calendar")
async def test_twelve_upcoming_seminars_come_in_pages_of_five(session: AsyncSession) -> None:
    pages = [await upcoming_events(session, kinds=SEMINARS, now=NOW, page=n) for n in range(3)]

    assert [_codes(page.items) for page in pages] == [
        ["SEM-01", "SEM-02", "SEM-03", "SEM-04", "SEM-05"],
        ["SEM-06", "SEM-07", "SEM-08", "SEM-09", "SEM-10"],
        ["SEM-11", "SEM-12"],
    ]
    assert [(page.page, page.pages, page.total) for page in pages] == [(0, 3, 12), (1, 3, 12), (2, 3, 12)]


@pytest.mark.usefixtures("calendar")
async def test_a_page_out_of_range_is_brought_back_into_it(session: AsyncSession) -> None:
    last = await upcoming_events(session, kinds=SEMINARS, now=NOW, page=9)
    first = await upcoming_events(session, kinds=SEMINARS, now=NOW, page=-1)

    assert (last.page, _codes(last.items)) == (2, ["SEM-11", "SEM-12"])
    assert (first.page, _codes(first.items)[0]) == (0, "SEM-01")


async def test_an_empty_catalog_still_has_one_page(session: AsyncSession) -> None:
    page = await upcoming_events(session, kinds=TRAININGS, now=NOW, page=3)

    assert (page.items, page.page, page.pages, page.total) == ([], 0, 1, 0)


@pytest.mark.usefixtures("calendar")
async def test_trainings_are_listed_apart_from_seminars(session: AsyncSession) -> None:
    page = await upcoming_events(session, kinds=TRAININGS, now=NOW)

    assert _codes(page.items) == ["PEL-01"]


@pytest.mark.usefixtures("calendar")
async def test_seminars_can_be_filtered_by_competency(session: AsyncSession) -> None:
    service = await competency(session, "Pelayanan Publik")

    page = await upcoming_events(session, kinds=SEMINARS, now=NOW, competency_id=service.id)
    offered = await competencies_in_catalog(session, kinds=SEMINARS, now=NOW)

    assert (_codes(page.items), page.pages, page.total) == (["SEM-04", "SEM-09"], 1, 2)
    # Perekat Bangsa is only on the cancelled seminar, Komunikasi only on a training.
    assert [name for _, name in offered] == ["Integritas", "Pelayanan Publik"]
    assert (service.id, "Pelayanan Publik") in offered
    assert [name for _, name in await competencies_in_catalog(session, kinds=TRAININGS, now=NOW)] == [
        "Komunikasi"
    ]


async def test_an_event_card_shows_seats_left_competencies_and_target_positions(
    session: AsyncSession,
) -> None:
    created = await make_event(
        session,
        "SEM-UNDANA-07",
        title="Seminar Kebijakan Publik Berbasis Bukti",
        kind=EventKind.SEMINAR,
        organizer="Universitas Nusa Cendana",
        starts_at=wita(2026, 4, 7, 9),
        jp=4,
        quota=40,
        seats_taken=38,
        competencies=["Pelayanan Publik", "Analisis Kebijakan"],
        positions=[HR_ANALYST, ANALYST],
        position_types=["Fungsional"],
    )

    card = await event_card(session, event_id=created.id)

    assert card is not None
    assert (card.code, card.title, card.kind, card.organizer) == (
        "SEM-UNDANA-07",
        "Seminar Kebijakan Publik Berbasis Bukti",
        EventKind.SEMINAR,
        "Universitas Nusa Cendana",
    )
    assert (card.quota, card.seats_left, card.jp) == (40, 2, 4)
    assert card.starts_at == wita(2026, 4, 7, 9)
    assert card.registration_deadline == wita(2026, 4, 4, 9)
    assert card.competencies == ["Analisis Kebijakan", "Pelayanan Publik"]
    assert card.competency_ids == [
        (await competency(session, "Analisis Kebijakan")).id,
        (await competency(session, "Pelayanan Publik")).id,
    ]
    assert card.target_positions == [ANALYST, HR_ANALYST]
    assert card.target_position_types == ["Fungsional"]
    assert await event_card(session, event_id=created.id + 1000) is None


@pytest.mark.usefixtures("calendar")
async def test_a_page_costs_the_same_queries_whatever_its_size(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    with count_statements(engine) as small:
        await upcoming_events(session, kinds=SEMINARS, now=NOW, per_page=2)
    with count_statements(engine) as large:
        page = await upcoming_events(session, kinds=SEMINARS, now=NOW, per_page=12)

    assert len(page.items) == 12
    assert len(small) == len(large) == 2  # the page with the count of all, its competencies and positions


# --- Recommendations ------------------------------------------------------------------

SUPERVISOR = "Kepala Subbagian Umum dan Kepegawaian"


async def _yohanes(session: AsyncSession) -> Employee:
    """A Pengawas two levels short in Pelayanan Publik and one in Integritas, above the standard in
    Kerja Sama, with 12 of 20 JP this year (8 missing)."""
    yohanes = await make_employee(
        session,
        nip="197805122005011003",
        name="Yohanes Nenabu",
        phone="6281339001122",
        position=SUPERVISOR,
        position_type="Pengawas",
        rank="III/d",
    )
    await set_standard(session, SUPERVISOR, {"Pelayanan Publik": 3, "Integritas": 2, "Kerja Sama": 2})
    await assess(
        session, yohanes, {"Pelayanan Publik": 1, "Integritas": 1, "Kerja Sama": 3}, on=date(2025, 10, 1)
    )
    await learned(session, yohanes, "Pelatihan Kepemimpinan Pengawas", on=date(2025, 11, 20), jp=40)
    await learned(session, yohanes, "Bimtek SIASN", on=date(2026, 2, 3), jp=12)
    return yohanes


async def test_trainings_closing_the_largest_gap_come_first(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    yohanes = await _yohanes(session)
    service, integrity = ["Pelayanan Publik"], ["Integritas"]
    # Recommended:
    await make_event(session, "PPI-01", starts_at=wita(2026, 4, 20), jp=2, competencies=service + integrity)
    await make_event(session, "PP-B", starts_at=wita(2026, 4, 10), jp=24, competencies=service)
    await make_event(session, "PP-A", starts_at=wita(2026, 5, 10), jp=8, competencies=service)
    await make_event(session, "PP-C", starts_at=wita(2026, 3, 20), jp=4, competencies=service)
    await make_event(
        session,
        "INT-01",
        starts_at=wita(2026, 6, 1),
        jp=8,
        competencies=integrity,
        position_types=["Pengawas"],
        unit_ids=[yohanes.unit_id],
    )
    cancelled_before = await make_event(
        session, "INT-02", starts_at=wita(2026, 3, 25), jp=2, competencies=integrity
    )
    await register(session, yohanes, cancelled_before, status=RegistrationStatus.CANCELLED)
    await make_event(
        session,
        "KS-01",
        kind=EventKind.SEMINAR,
        starts_at=wita(2026, 3, 15),
        jp=6,
        competencies=["Kerja Sama"],
    )
    await make_event(
        session, "SEM-UMUM", kind=EventKind.SEMINAR, starts_at=wita(2026, 4, 1), jp=3, positions=[SUPERVISOR]
    )
    # Not recommended:
    await make_event(
        session, "PP-ADM", starts_at=wita(2026, 4, 2), competencies=service, position_types=["Administrator"]
    )
    await make_event(
        session, "PP-TUTUP", starts_at=wita(2026, 3, 4), competencies=service
    )  # deadline was 1 March
    await make_event(
        session, "PP-NANTI", starts_at=wita(2026, 5, 2), competencies=service, opens_at=wita(2026, 3, 10)
    )
    await make_event(
        session, "PP-KABID", starts_at=wita(2026, 4, 3), competencies=service, positions=["Kepala Bidang"]
    )
    await make_event(
        session, "PP-DINKES", starts_at=wita(2026, 4, 4), competencies=service, unit_ids=[yohanes.unit_id + 1]
    )
    await make_event(
        session, "PP-BATAL", starts_at=wita(2026, 4, 5), competencies=service, status=EventStatus.CANCELLED
    )
    waitlisted = await make_event(session, "PP-ANTRE", starts_at=wita(2026, 4, 6), competencies=service)
    await register(session, yohanes, waitlisted, status=RegistrationStatus.WAITLISTED)

    with count_statements(engine) as statements:
        offered = await recommendations(
            session, employee_id=yohanes.id, now=NOW, year=2026, target=20, limit=20
        )

    # gap 3 | gap 2: JP 8 on 10 Apr, JP 8 on 10 May, JP 4 | gap 1: JP 8, JP 2 | no gap: JP 6, JP 3
    assert [(r.event.code, r.jp_toward_target) for r in offered] == [
        ("PPI-01", 2),
        ("PP-B", 8),
        ("PP-A", 8),
        ("PP-C", 4),
        ("INT-01", 8),
        ("INT-02", 2),
        ("KS-01", 6),
        ("SEM-UMUM", 3),
    ]
    assert offered[0].gaps_closed == [GapClosed("Pelayanan Publik", 1, 3), GapClosed("Integritas", 1, 2)]
    assert offered[6].gaps_closed == []
    # the competency status (1), this year's JP completed (1) and planned (1), the candidates
    # (1), their tags (1)
    assert len(statements) <= 5

    top = await recommendations(session, employee_id=yohanes.id, now=NOW, year=2026, target=20, limit=3)
    seminars = await recommendations(
        session, employee_id=yohanes.id, now=NOW, year=2026, target=20, kinds=SEMINARS
    )
    assert [r.event.code for r in top] == ["PPI-01", "PP-B", "PP-A"]
    assert [r.event.code for r in seminars] == ["KS-01", "SEM-UMUM"]

    # one event's reasons, as its detail view asks: the same as in the whole list
    for listed in offered:
        card = await event_card(session, event_id=listed.event.id)
        assert card is not None
        alone = await reasons(session, card, employee_id=yohanes.id, now=NOW, year=2026, target=20)
        assert alone == listed
    # an event the ASN cannot take is not offered (the detail asks the registration engine why)
    waiting = await offer(
        session, event_id=waitlisted.id, employee_id=yohanes.id, now=NOW, year=2026, target=20, timezone=WITA
    )
    assert waiting is not None
    assert waiting.refusal is not None
    assert waiting.recommendation is None
    # an open event's detail reads the event once: its card and waitlist come from the session
    open_id, employee_id = offered[2].event.id, yohanes.id
    session.expunge_all()
    with count_statements(engine) as statements:
        detail = await offer(
            session, event_id=open_id, employee_id=employee_id, now=NOW, year=2026, target=20, timezone=WITA
        )
    assert detail is not None
    assert detail.refusal is None
    assert detail.event.code == "PP-A"
    assert sum("events.description" in statement for statement in statements) == 1


async def test_what_the_caller_already_knows_is_not_asked_again(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    yohanes = await _yohanes(session)
    await make_event(session, "JP-40", starts_at=wita(2026, 3, 20), jp=40)
    await make_event(session, "PP-2", starts_at=wita(2026, 6, 20), jp=2, competencies=["Pelayanan Publik"])
    asked = await recommendations(session, employee_id=yohanes.id, now=NOW, year=2026, target=20)
    status = await competency_status(session, employee_id=yohanes.id, thresholds=JpmThresholds())
    summary = await year_summary(session, employee_id=yohanes.id, year=2026, target=20)

    with count_statements(engine) as statements:
        told = await recommendations(
            session, employee_id=yohanes.id, now=NOW, year=2026, target=20, status=status, summary=summary
        )

    assert told == asked
    assert len(statements) == 2  # the candidates and their tags


async def test_an_asn_past_twenty_jp_without_gaps_still_sees_events(session: AsyncSession) -> None:
    maria = await make_employee(session, position=ANALYST)
    await set_standard(session, ANALYST, {"Integritas": 3})
    await assess(session, maria, {"Integritas": 3}, on=date(2025, 10, 1))
    await learned(session, maria, "Pelatihan Analisis Kebijakan", on=date(2026, 2, 20), jp=24)
    await make_event(session, "SEM-B", kind=EventKind.SEMINAR, starts_at=wita(2026, 4, 9), jp=4)
    await make_event(
        session,
        "SEM-A",
        kind=EventKind.SEMINAR,
        starts_at=wita(2026, 4, 8),
        jp=8,
        competencies=["Integritas"],
    )

    offered = await recommendations(session, employee_id=maria.id, now=NOW, year=2026, target=20)

    assert [(r.event.code, r.jp_toward_target, r.gaps_closed) for r in offered] == [
        ("SEM-A", 0, []),
        ("SEM-B", 0, []),
    ]


async def test_a_gap_outranks_missing_jp(session: AsyncSession) -> None:
    yohanes = await _yohanes(session)
    await make_event(session, "JP-40", starts_at=wita(2026, 3, 20), jp=40)
    await make_event(session, "PP-2", starts_at=wita(2026, 6, 20), jp=2, competencies=["Pelayanan Publik"])

    offered = await recommendations(session, employee_id=yohanes.id, now=NOW, year=2026, target=20)

    assert [(r.event.code, r.jp_toward_target) for r in offered] == [("PP-2", 2), ("JP-40", 8)]
