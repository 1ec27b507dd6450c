"""The budget plan as an integer program, solved with HiGHS (SciPy's `milp`).

Variables: `seats[c, p]`, how many ASN of cohort c go to candidate p (only pairs where that is
worth something), and `batches[p]`. Constraints: a cohort sends at most its size in all (one
training per ASN in a plan); a candidate's seats fit in its batches; batches are at most the
candidate's maximum; batches and seats cost at most the budget. Objective: the most value
(gap levels targeted, plus the weight for reaching the JP target), and among plans of equal
value the cheapest: cost is weighed at 1/(budget + 1) per rupiah, which is less than one point
for the whole budget, so it only breaks ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import coo_matrix

#: Stop when the plan is proven within this share of the best possible (HiGHS's default is 1e-4).
RELATIVE_GAP = 1e-4


@dataclass(frozen=True, slots=True)
class Offer:
    """What one candidate offers: seats per batch, batches at most, and the two costs."""

    seats_per_batch: int
    max_batches: int
    cost_per_batch: int
    cost_per_participant: int


@dataclass(frozen=True, slots=True)
class Pair:
    """Sending one ASN of `cohort` to `offer` is worth `value` points."""

    cohort: int
    offer: int
    value: int


@dataclass(frozen=True, slots=True)
class Solution:
    """Seats per pair (same order as the pairs), batches per offer, and how good it is."""

    seats: list[int]
    batches: list[int]
    optimal: bool
    relative_gap: float


def solve(
    *,
    sizes: Sequence[int],
    offers: Sequence[Offer],
    pairs: Sequence[Pair],
    budget: int,
    time_limit: float = 120.0,
) -> Solution:
    """The plan with the most value within `budget` (see the module's docstring)."""
    # imported when a plan is asked for: SciPy costs the bot's every process ~60 MB otherwise
    from scipy.optimize import Bounds, LinearConstraint, milp

    n, m = len(pairs), len(offers)
    if n == 0 or budget <= 0:
        return Solution([0] * n, [0] * m, True, 0.0)
    tie = 1 / (budget + 1)
    objective = np.array(
        [-(pair.value - tie * offers[pair.offer].cost_per_participant) for pair in pairs]
        + [tie * offer.cost_per_batch for offer in offers]
    )
    matrix = _constraints(len(sizes), offers, pairs)
    upper = np.array([*sizes, *([0] * m), budget], dtype=float)
    limits = [min(sizes[pair.cohort], _capacity(offers[pair.offer])) for pair in pairs]
    result = milp(
        objective,
        constraints=LinearConstraint(matrix, np.full(len(upper), -np.inf), upper),
        integrality=np.ones(n + m),
        bounds=Bounds(0, np.array([*limits, *(offer.max_batches for offer in offers)], dtype=float)),
        options={"time_limit": time_limit, "mip_rel_gap": RELATIVE_GAP},
    )
    if result.x is None:
        return Solution([0] * n, [0] * m, False, 1.0)
    chosen = [round(value) for value in result.x]
    return Solution(
        seats=chosen[:n],
        batches=chosen[n:],
        optimal=result.status == 0,
        relative_gap=float(getattr(result, "mip_gap", 0.0) or 0.0),
    )


def _capacity(offer: Offer) -> int:
    return offer.seats_per_batch * offer.max_batches


def _constraints(cohorts: int, offers: Sequence[Offer], pairs: Sequence[Pair]) -> coo_matrix:
    """Rows: one per cohort (its size), one per offer (seats within batches), the budget."""
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    budget_row = cohorts + len(offers)
    for column, pair in enumerate(pairs):
        rows += [pair.cohort, cohorts + pair.offer, budget_row]
        columns += [column, column, column]
        values += [1, 1, offers[pair.offer].cost_per_participant]
    for index, offer in enumerate(offers):
        column = len(pairs) + index
        rows += [cohorts + index, budget_row]
        columns += [column, column]
        values += [-offer.seats_per_batch, offer.cost_per_batch]
    shape = (budget_row + 1, len(pairs) + len(offers))
    from scipy.sparse import coo_matrix  # see `solve`

    return coo_matrix((values, (rows, columns)), shape=shape)
