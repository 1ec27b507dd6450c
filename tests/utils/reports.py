"""HR reports as templates are rendered with them: one of each, with text that must be escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from db.planning import Funded, Participant, Plan
from db.planning.candidates import PROGRAMME, Candidate
from db.planning.solver import Offer
from db.reports import (
    EventLine,
    EventsReport,
    GapCell,
    GapReport,
    JpCompliance,
    Need,
    UnitCompliance,
)

UNIT = "Dinas Kesehatan <Kota>"
JP = JpCompliance(
    year=2026,
    target=20,
    units=[UnitCompliance(UNIT, 3, 1, 1, 1)],
    total=UnitCompliance("", 3, 1, 1, 1),
    below=[],
)
GAPS = GapReport(
    units=[UNIT],
    competencies=["Pelayanan Publik"],
    cells=[GapCell(UNIT, "Pelayanan Publik", 2, 3)],
    leaders=[],
)
EVENTS = EventsReport(
    year=2026,
    events=[
        EventLine(
            "PKP-01",
            "PKP <Angkatan I>",
            datetime(2026, 6, 1, tzinfo=UTC),
            False,
            30,
            15,
            2,
            15,
            12,
            True,
            4.25,
            8,
            [],
        )
    ],
)
NEEDS = [Need("Pelayanan Publik", 2, 3, [(UNIT, 2)], [("Analis <Kebijakan>", 2)])]
CANDIDATE = Candidate(
    PROGRAMME, 1, "Pelatihan <Prima>", frozenset({1}), 24, Offer(30, 2, 15_000_000, 250_000)
)
PLAN = Plan(
    budget=250_000_000,
    year=2027,
    target=20,
    funded=[Funded(CANDIDATE, 1, 30, 22_500_000, 40, 6)],
    participants=[Participant(1, "199001012015051001", "Ani", UNIT, "Pelatihan <Prima>", 2, 4, True)],
    total_gap=100,
    below_target=20,
    cohorts=5,
    pairs=5,
    optimal=False,
    seconds=0.1,
)

#: Template name → the context it is rendered with in the messages tests.
CONTEXTS: dict[str, dict[str, object]] = {
    "report_jp": {"report": JP, "limit": 10},
    "report_gaps": {"report": GAPS, "asn": 2, "levels": 3, "limit": 10},
    "report_events": {"report": EVENTS, "limit": 10},
    "report_recap": {"year": 2026, "asn": 3, "entries": 5, "jp": 60, "limit": 10},
    "report_needs": {"needs": NEEDS, "limit": 10},
    "report_plan": {"plan": PLAN, "limit": 10},
    "report_invite": {"events": 2},
}
