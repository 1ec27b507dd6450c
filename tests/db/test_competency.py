"""Competency status: an ASN sees each competency's required and assessed level, the gaps,
and how well they match their position (JPM), computed the capped way."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.competency import (
    CompetencyLine,
    JpmCategory,
    JpmThresholds,
    UnknownEmployeeError,
    categorize,
    competency_status,
    job_person_match,
)
from db.models import CompetencyGroup
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import make_employee
from tests.utils.statements import count_statements

ANALYST = "Analis Kebijakan Ahli Muda"
DEFAULT = JpmThresholds()


def _levels(lines: list[CompetencyLine]) -> list[tuple[str, int | None, int | None, int | None, bool]]:
    return [(line.name, line.required, line.assessed, line.gap, line.in_standard) for line in lines]


async def test_an_asn_with_gaps_sees_them_largest_first_with_the_jpm(session: AsyncSession) -> None:
    maria = await make_employee(session, position=ANALYST)
    await set_standard(
        session,
        ANALYST,
        {
            "Analisis Kebijakan": 3,
            "Integritas": 3,
            "Pelayanan Publik": 3,
            "Kerja Sama": 3,
            "Perekat Bangsa": 3,
        },
    )
    await assess(
        session,
        maria,
        {
            "Analisis Kebijakan": 2,
            "Integritas": 2,
            "Pelayanan Publik": 1,
            "Kerja Sama": 3,
            "Perekat Bangsa": 3,
        },
        on=date(2026, 2, 10),
        method="Assessment Center BKN",
    )

    status = await competency_status(session, employee_id=maria.id, thresholds=DEFAULT)

    # 2 + 2 + 1 + 3 + 3 = 11 of 15 → 73.3 % → masih memenuhi.
    assert status.jpm == pytest.approx(1100 / 15)
    assert status.category is JpmCategory.MASIH_MEMENUHI
    assert status.position_name == ANALYST
    assert (status.has_standard, status.has_assessment) == (True, True)
    assert (status.assessed_on, status.method) == (date(2026, 2, 10), "Assessment Center BKN")
    assert [(line.name, line.gap) for line in status.gaps] == [
        ("Pelayanan Publik", 2),
        ("Analisis Kebijakan", 1),
        ("Integritas", 1),
    ]
    groups = status.by_group
    assert list(groups) == [
        CompetencyGroup.TEKNIS,
        CompetencyGroup.MANAJERIAL,
        CompetencyGroup.SOSIAL_KULTURAL,
    ]
    assert [line.name for line in groups[CompetencyGroup.MANAJERIAL]] == [
        "Integritas",
        "Pelayanan Publik",
        "Kerja Sama",
    ]


async def test_an_asn_not_yet_assessed_sees_the_standard_without_a_jpm(session: AsyncSession) -> None:
    maria = await make_employee(session, position=ANALYST)
    await set_standard(session, ANALYST, {"Integritas": 3, "Komunikasi": 2})

    status = await competency_status(session, employee_id=maria.id, thresholds=DEFAULT)

    assert _levels(status.lines) == [
        ("Integritas", 3, None, None, True),
        ("Komunikasi", 2, None, None, True),
    ]
    assert (status.jpm, status.category) == (None, None)
    assert (status.assessed_on, status.method) == (None, None)
    assert (status.has_standard, status.has_assessment) == (True, False)
    assert status.gaps == []


async def test_a_position_without_a_standard_shows_the_assessment_but_no_jpm(session: AsyncSession) -> None:
    maria = await make_employee(session, position="Pranata Komputer Ahli Pertama")
    await assess(session, maria, {"Integritas": 3, "Komunikasi": 2}, on=date(2025, 11, 3))

    status = await competency_status(session, employee_id=maria.id, thresholds=DEFAULT)

    assert _levels(status.lines) == [
        ("Integritas", None, 3, None, False),
        ("Komunikasi", None, 2, None, False),
    ]
    assert (status.jpm, status.category) == (None, None)
    assert (status.has_standard, status.has_assessment) == (False, True)
    assert status.assessed_on == date(2025, 11, 3)


async def test_a_competency_outside_the_standard_is_shown_but_not_counted(session: AsyncSession) -> None:
    maria = await make_employee(session, position=ANALYST)
    await set_standard(session, ANALYST, {"Integritas": 3, "Komunikasi": 2})
    await assess(
        session,
        maria,
        {"Integritas": 3, "Komunikasi": 2, "Pengelolaan Arsip Dinamis": 1},
        on=date(2026, 1, 20),
    )

    status = await competency_status(session, employee_id=maria.id, thresholds=DEFAULT)

    assert _levels(status.lines) == [
        ("Pengelolaan Arsip Dinamis", None, 1, None, False),
        ("Integritas", 3, 3, 0, True),
        ("Komunikasi", 2, 2, 0, True),
    ]
    assert status.jpm == 100.0
    assert status.category is JpmCategory.MEMENUHI


async def test_a_level_above_the_standard_does_not_make_up_for_a_gap(session: AsyncSession) -> None:
    maria = await make_employee(session, position=ANALYST)
    await set_standard(session, ANALYST, {"Integritas": 3, "Kerja Sama": 3})
    await assess(session, maria, {"Integritas": 5, "Kerja Sama": 1}, on=date(2026, 1, 20))

    status = await competency_status(session, employee_id=maria.id, thresholds=DEFAULT)

    # Uncapped, (5 + 1) / 6 would be 100 %; capped it is (3 + 1) / 6 = 66.7 %.
    assert status.jpm == pytest.approx(400 / 6)
    assert status.category is JpmCategory.KURANG
    assert [(line.name, line.gap) for line in status.lines] == [("Integritas", -2), ("Kerja Sama", 2)]
    assert [line.name for line in status.gaps] == ["Kerja Sama"]


async def test_an_unassessed_competency_of_the_standard_counts_zero(session: AsyncSession) -> None:
    maria = await make_employee(session, position=ANALYST)
    await set_standard(session, ANALYST, {"Integritas": 2, "Komunikasi": 2})
    await assess(session, maria, {"Integritas": 2}, on=date(2026, 1, 20))

    status = await competency_status(session, employee_id=maria.id, thresholds=DEFAULT)

    assert status.jpm == 50.0
    assert _levels(status.lines)[1] == ("Komunikasi", 2, None, None, True)


async def test_the_latest_assessment_of_each_competency_wins(session: AsyncSession) -> None:
    maria = await make_employee(session, position=ANALYST)
    await set_standard(session, ANALYST, {"Integritas": 3, "Komunikasi": 3})
    await assess(
        session, maria, {"Integritas": 3, "Komunikasi": 1}, on=date(2025, 3, 1), method="Uji Kompetensi"
    )
    # Entered later but older: the date decides, not the order of entry.
    await assess(session, maria, {"Integritas": 1}, on=date(2024, 6, 1), method="Portofolio")
    await assess(session, maria, {"Komunikasi": 2}, on=date(2026, 2, 1), method="Assessment Center")

    status = await competency_status(session, employee_id=maria.id, thresholds=DEFAULT)

    assert [(line.name, line.assessed) for line in status.lines] == [("Integritas", 3), ("Komunikasi", 2)]
    assert (status.assessed_on, status.method) == (date(2026, 2, 1), "Assessment Center")
    assert status.jpm == pytest.approx(500 / 6)


@pytest.mark.parametrize(
    ("assessed", "jpm", "category"),
    [
        # Five competencies required at level 5 (25 in all).
        ((4, 4, 4, 4, 4), 80.0, JpmCategory.MEMENUHI),
        ((4, 4, 4, 4, 3), 76.0, JpmCategory.MASIH_MEMENUHI),
        ((4, 4, 3, 3, 3), 68.0, JpmCategory.MASIH_MEMENUHI),
        ((4, 3, 3, 3, 3), 64.0, JpmCategory.KURANG),
    ],
)
async def test_jpm_exactly_on_a_threshold_belongs_to_the_higher_category(
    session: AsyncSession, assessed: tuple[int, ...], jpm: float, category: JpmCategory
) -> None:
    names = ["Integritas", "Kerja Sama", "Komunikasi", "Orientasi pada Hasil", "Pelayanan Publik"]
    maria = await make_employee(session, position="Kepala Badan")
    await set_standard(session, "Kepala Badan", dict.fromkeys(names, 5))
    await assess(session, maria, dict(zip(names, assessed, strict=True)), on=date(2026, 1, 20))

    status = await competency_status(session, employee_id=maria.id, thresholds=DEFAULT)

    assert status.jpm == jpm
    assert status.category is category


def test_categories_follow_the_configured_thresholds() -> None:
    assert categorize(79.99, DEFAULT) is JpmCategory.MASIH_MEMENUHI
    assert categorize(67.99, DEFAULT) is JpmCategory.KURANG
    stricter = JpmThresholds(memenuhi=90, masih_memenuhi=75)
    assert categorize(80, stricter) is JpmCategory.MASIH_MEMENUHI
    assert categorize(74.9, stricter) is JpmCategory.KURANG
    with pytest.raises(ValueError, match="masih_memenuhi"):
        JpmThresholds(memenuhi=60, masih_memenuhi=70)


def test_the_jpm_formula_caps_each_competency_at_the_required_level() -> None:
    assert job_person_match([(3, 5), (3, 1)]) == pytest.approx(400 / 6)
    assert job_person_match([(2, None), (2, 2)]) == 50.0
    assert job_person_match([]) is None


async def test_an_unknown_employee_is_an_error(session: AsyncSession) -> None:
    with pytest.raises(UnknownEmployeeError):
        await competency_status(session, employee_id=404, thresholds=DEFAULT)


async def test_the_status_costs_one_query(session: AsyncSession, engine: AsyncEngine) -> None:
    maria = await make_employee(session, position=ANALYST)
    await set_standard(session, ANALYST, {"Integritas": 3, "Komunikasi": 2, "Kerja Sama": 2})
    await assess(
        session, maria, {"Integritas": 3, "Komunikasi": 1, "Perekat Bangsa": 2}, on=date(2026, 1, 20)
    )

    with count_statements(engine) as statements:
        await competency_status(session, employee_id=maria.id, thresholds=DEFAULT)

    assert len(statements) == 1
