"""The budget plan at scale: `employees` ASN (the generated roster, with assessments and JP
history) and `programmes` candidate programmes, each developing one to three competencies with
a batch cost and/or a cost per participant; the plan for a budget of Rp 2.5 billion.

Figures: the seconds for the whole plan (queries, cohorts, the integer program, picking people),
how many cohorts and cohort × candidate pairs the solver saw, and whether HiGHS proved the plan
optimal (within its relative gap of 1e-4) before its time limit.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bench.data import populate
from bench.harness import Databases
from db.engine import create_engine, session_factory
from db.models import Competency, Programme, programme_competencies
from db.planning import budget_plan

BUDGET = 2_500_000_000
PROGRAMMES = 200


async def run(
    databases: Databases, *, employees: int, timezone: ZoneInfo, programmes: int = PROGRAMMES, seed: int = 13
) -> dict[str, float]:
    """The section's figures, under `plan.` keys."""
    engine = create_engine(await databases.fresh())
    now = datetime.now(UTC)
    today = now.astimezone(timezone).date()
    try:
        await populate(engine, employees=employees, linked=0, today=today, timezone=timezone)
        rng = random.Random(seed)
        async with engine.begin() as conn:
            competencies = list((await conn.execute(select(Competency.id))).scalars())
            rows = []
            for number in range(programmes):
                batch = rng.choice([None, 10_000_000, 15_000_000, 25_000_000])
                each = (
                    rng.choice([150_000, 500_000, 1_000_000]) if batch is None or rng.random() < 0.5 else None
                )
                rows.append(
                    {
                        "title": f"Program {number:03d}",
                        "jp": rng.choice([8, 12, 16, 20, 24, 32]),
                        "cost_per_batch": batch,
                        "cost_per_participant": each,
                        "seats_per_batch": rng.choice([20, 25, 30, 40]),
                        "max_batches": rng.randint(1, 4),
                        "updated_at": now,
                    }
                )
            await conn.execute(insert(Programme), rows)
            ids = list((await conn.execute(select(Programme.id))).scalars())
            links = [
                {"programme_id": programme_id, "competency_id": competency_id}
                for programme_id in ids
                for competency_id in rng.sample(competencies, rng.randint(1, 3))
            ]
            await conn.execute(insert(programme_competencies), links)
        async with session_factory(engine)() as session:
            started = time.perf_counter()
            plan = await budget_plan(session, budget=BUDGET, year=today.year, target=20, now=now)
            seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    return {
        "plan.seconds": seconds,
        "plan.solve_seconds": plan.seconds,
        "plan.cohorts": plan.cohorts,
        "plan.pairs": plan.pairs,
        "plan.participants": len(plan.participants),
        "plan.optimal": 1.0 if plan.optimal else 0.0,
    }
