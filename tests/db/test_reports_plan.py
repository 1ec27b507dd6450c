"""The budget plan on offices small enough to solve by hand: the solver beats the greedy
choice by cheapest cost, values bringing an ASN to 20 JP, and picks people by the stated rule."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Employee, Programme
from db.planning import REACH_WEIGHT, budget_plan
from tests.utils.competencies import assess, competency, set_standard
from tests.utils.employees import make_employee, nip_for
from tests.utils.learning import learned
from tests.utils.office_time import wita

POSITION = "Analis Kebijakan Ahli Muda"
SERVICE = "Pelayanan Publik"
NOW = wita(2026, 11, 30)


async def asn(session: AsyncSession, number: int, *, gap: int, jp: int) -> Employee:
    """An ASN `gap` levels below the standard (3) in Pelayanan Publik, with `jp` this year."""
    employee = await make_employee(
        session, nip=nip_for(number), name=f"ASN {number}", phone=f"62812000{number:05d}", position=POSITION
    )
    await assess(session, employee, {SERVICE: 3 - gap}, on=date(2026, 2, 1))
    if jp:
        await learned(session, employee, "Riwayat", on=date(2026, 3, 1), jp=jp)
    return employee


async def programme(
    session: AsyncSession,
    title: str,
    *,
    batch: int | None,
    each: int | None,
    seats: int,
    batches: int,
    jp: int = 8,
) -> None:
    session.add(
        Programme(
            title=title,
            jp=jp,
            cost_per_batch=batch,
            cost_per_participant=each,
            seats_per_batch=seats,
            max_batches=batches,
            competencies=[await competency(session, SERVICE)],
        )
    )
    await session.commit()


async def test_the_solver_funds_the_bigger_batch_where_the_cheapest_first_greedy_falls_short(
    session: AsyncSession,
) -> None:
    await set_standard(session, POSITION, {SERVICE: 3})
    for number in range(3):
        await asn(session, number, gap=1, jp=24)  # at target already: only the gap counts
    await programme(session, "Kelas Kecil", batch=4_000_000, each=None, seats=1, batches=2)
    await programme(session, "Kelas Besar", batch=10_000_000, each=None, seats=3, batches=1)
    budget = 10_000_000
    # greedy by cheapest batch: Kelas Kecil twice (8 Jt, 2 seats), then Kelas Besar no longer fits
    greedy_levels, left = 0, budget
    for cost, seats, times in ((4_000_000, 1, 2), (10_000_000, 3, 1)):
        while times and cost <= left:
            greedy_levels, left, times = greedy_levels + seats, left - cost, times - 1
    assert greedy_levels == 2

    plan = await budget_plan(session, budget=budget, year=2026, target=20, now=NOW)

    assert [(line.candidate.title, line.batches, line.seats, line.cost) for line in plan.funded] == [
        ("Kelas Besar", 1, 3, 10_000_000)
    ]
    assert (plan.gap_addressed, plan.gap_uncovered, plan.cost) == (3, 0, 10_000_000)
    assert plan.optimal


async def test_bringing_an_asn_to_20_jp_weighs_and_the_cohort_rule_picks_fewest_jp_then_nip(
    session: AsyncSession,
) -> None:
    await set_standard(session, POSITION, {SERVICE: 3})
    await asn(session, 1, gap=1, jp=10)  # 10 missing: a 12 JP training brings them to 20
    await asn(session, 2, gap=1, jp=5)  # 15 missing: it does not
    await programme(session, "Bimtek Pelayanan", batch=None, each=1_000_000, seats=10, batches=1, jp=12)

    plan = await budget_plan(session, budget=1_000_000, year=2026, target=20, now=NOW)

    assert [(p.nip, p.gap_levels, p.reaches_target) for p in plan.participants] == [(nip_for(1), 1, True)]
    assert plan.funded[0].gap_levels + REACH_WEIGHT * plan.funded[0].reached == 1 + REACH_WEIGHT
    assert (plan.below_target, plan.still_below) == (2, 1)


async def test_within_a_cohort_the_largest_gap_then_fewest_jp_then_nip_go_first(
    session: AsyncSession,
) -> None:
    await set_standard(session, POSITION, {SERVICE: 3, "Integritas": 3})
    await asn(session, 1, gap=1, jp=30)
    await asn(session, 2, gap=1, jp=22)  # fewer JP than ASN 1: goes first
    third = await asn(session, 3, gap=1, jp=30)
    await assess(session, third, {"Integritas": 2}, on=date(2026, 2, 1))  # a larger gap overall: first
    await programme(session, "Bimtek Pelayanan", batch=None, each=1_000_000, seats=10, batches=1)

    plan = await budget_plan(session, budget=2_000_000, year=2026, target=20, now=NOW)

    assert plan.cohorts == 1
    assert [p.nip for p in plan.participants] == [nip_for(3), nip_for(2)]


async def test_no_budget_funds_nothing_and_leaves_every_gap_uncovered(session: AsyncSession) -> None:
    await set_standard(session, POSITION, {SERVICE: 3})
    await asn(session, 1, gap=2, jp=0)
    await programme(session, "Bimtek Pelayanan", batch=None, each=1_000_000, seats=10, batches=1)

    plan = await budget_plan(session, budget=500_000, year=2026, target=20, now=NOW)

    assert (plan.funded, plan.participants, plan.gap_uncovered, plan.still_below) == ([], [], 2, 1)
