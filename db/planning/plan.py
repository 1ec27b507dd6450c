"""The budget plan: which candidates to fund, how many batches and seats, and which ASN to send,
so that the most competency gap is addressed and the most ASN below the JP target reach it,
within the budget (the objective is stated in README "Budget plan" and `db.planning.solver`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from math import ceil

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Employee, Unit
from db.planning.candidates import EVENT, PROGRAMME, Candidate, candidates
from db.planning.cohorts import Cohort, Person, cohorts, people
from db.planning.solver import Pair, Solution, solve

#: How many employee ids one `IN (…)` names when the participants' names are read.
CHUNK = 1000
#: Each candidate is offered the cohorts of highest value for it until they hold this many times
#: its seats (see `offered_pairs`).
COVER = 3


@dataclass(frozen=True, slots=True)
class Funded:
    """A candidate the plan funds: batches, seats, cost, gap levels targeted, ASN brought to target."""

    candidate: Candidate
    batches: int
    seats: int
    cost: int
    gap_levels: int
    reached: int

    @property
    def levels_per_million(self) -> float:
        """Gap levels targeted per million rupiah."""
        return self.gap_levels / (self.cost / 1_000_000) if self.cost else 0.0


@dataclass(frozen=True, slots=True)
class Participant:
    """One ASN the plan sends, and why."""

    employee_id: int
    nip: str
    name: str
    unit: str
    title: str
    gap_levels: int
    jp: int
    reaches_target: bool
    #: what they are sent to: a programme or an upcoming event (`candidates.PROGRAMME` / `EVENT`)
    candidate_kind: str = PROGRAMME
    candidate_id: int = 0


@dataclass(frozen=True, slots=True)
class Invitation:
    """The participants the plan sends to one upcoming event: one announcement invites them."""

    event_id: int
    title: str
    employee_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The plan and what the budget leaves uncovered."""

    budget: int
    year: int
    target: int
    funded: list[Funded]
    participants: list[Participant]
    total_gap: int
    below_target: int
    cohorts: int
    pairs: int
    optimal: bool
    seconds: float

    @property
    def cost(self) -> int:
        return sum(line.cost for line in self.funded)

    @property
    def gap_addressed(self) -> int:
        return sum(line.gap_levels for line in self.funded)

    @property
    def reached(self) -> int:
        return sum(line.reached for line in self.funded)

    @property
    def gap_uncovered(self) -> int:
        return self.total_gap - self.gap_addressed

    @property
    def still_below(self) -> int:
        return self.below_target - self.reached

    def invitations(self) -> list[Invitation]:
        """Per upcoming event the plan funds, the participants to invite (programmes have no
        event yet: HR commissions them first)."""
        chosen: dict[int, list[Participant]] = {}
        for participant in self.participants:
            if participant.candidate_kind == EVENT:
                chosen.setdefault(participant.candidate_id, []).append(participant)
        return [
            Invitation(event_id, people[0].title, tuple(person.employee_id for person in people))
            for event_id, people in chosen.items()
        ]


async def budget_plan(session: AsyncSession, *, budget: int, year: int, target: int, now: datetime) -> Plan:
    """The plan for `year` within `budget` rupiah (candidates: programmes, events after `now`)."""
    offered = await candidates(session, now=now)
    needing = await people(session, year=year, target=target)
    started = time.perf_counter()
    groups = cohorts(needing, offered, target=target)
    pairs = offered_pairs(groups, offered)
    solution = solve(
        sizes=[len(cohort.members) for cohort in groups],
        offers=[candidate.offer for candidate in offered],
        pairs=pairs,
        budget=budget,
    )
    chosen = _pick(groups, offered, pairs, solution)
    seconds = time.perf_counter() - started
    return Plan(
        budget=budget,
        year=year,
        target=target,
        funded=_funded(offered, groups, pairs, solution),
        participants=await _named(session, chosen),
        total_gap=sum(person.total_gap for person in needing),
        below_target=sum(1 for person in needing if person.jp < target),
        cohorts=len(groups),
        pairs=len(pairs),
        optimal=solution.optimal,
        seconds=seconds,
    )


def offered_pairs(groups: list[Cohort], offered: list[Candidate]) -> list[Pair]:
    """The cohort × candidate pairs the solver chooses from: for each candidate, the cohorts
    worth most to it (larger first among equals) until they hold `COVER` times its seats.

    A variable per cohort and candidate grows with the roster (200,000 pairs at 2,000 ASN); a
    cohort further down a candidate's list could only be needed there if the `COVER` times its
    seats above it were all sent elsewhere, so the plan is the best over these pairs."""
    pairs: list[Pair] = []
    for p, candidate in enumerate(offered):
        worth = [(value, c) for c, cohort in enumerate(groups) if (value := cohort.value(candidate)) > 0]
        worth.sort(key=lambda item: (-item[0], -len(groups[item[1]].members), item[1]))
        wanted, held = COVER * candidate.offer.seats_per_batch * candidate.offer.max_batches, 0
        for value, c in worth:
            if held >= wanted:
                break
            pairs.append(Pair(c, p, value))
            held += len(groups[c].members)
    return sorted(pairs, key=lambda pair: (pair.cohort, pair.offer))


def _funded(
    offered: list[Candidate], groups: list[Cohort], pairs: list[Pair], solution: Solution
) -> list[Funded]:
    seats = [0] * len(offered)
    levels = [0] * len(offered)
    reached = [0] * len(offered)
    for pair, taken in zip(pairs, solution.seats, strict=True):
        candidate, cohort = offered[pair.offer], groups[pair.cohort]
        seats[pair.offer] += taken
        levels[pair.offer] += taken * cohort.gap_levels(candidate)
        reached[pair.offer] += taken if cohort.reaches(candidate) else 0
    funded = []
    for index, candidate in enumerate(offered):
        if not seats[index]:
            continue
        offer = candidate.offer
        batches = ceil(seats[index] / offer.seats_per_batch)
        cost = batches * offer.cost_per_batch + seats[index] * offer.cost_per_participant
        funded.append(Funded(candidate, batches, seats[index], cost, levels[index], reached[index]))
    return sorted(funded, key=lambda line: (-line.gap_levels, line.cost, line.candidate.title))


def _pick(
    groups: list[Cohort], offered: list[Candidate], pairs: list[Pair], solution: Solution
) -> list[tuple[Person, Candidate, int, bool]]:
    """Within each cohort, members in picking order fill the seats the solver gave it."""
    taken = [0] * len(groups)
    chosen = []
    for pair, seats in zip(pairs, solution.seats, strict=True):
        cohort, candidate = groups[pair.cohort], offered[pair.offer]
        for person in cohort.members[taken[pair.cohort] : taken[pair.cohort] + seats]:
            chosen.append((person, candidate, cohort.gap_levels(candidate), cohort.reaches(candidate)))
        taken[pair.cohort] += seats
    return chosen


async def _named(
    session: AsyncSession, chosen: list[tuple[Person, Candidate, int, bool]]
) -> list[Participant]:
    """The chosen ASN with their names and units, by candidate title, then in picking order."""
    ids = [person.employee_id for person, *_ in chosen]
    names: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(Employee.id, Employee.name, Unit.name)
            .join(Unit, Unit.id == Employee.unit_id)
            .where(Employee.id.in_(ids[start : start + CHUNK]))
        )
        names.update({employee_id: (name, unit) for employee_id, name, unit in rows.tuples()})
    participants = [
        Participant(
            person.employee_id,
            person.nip,
            *names[person.employee_id],
            candidate.title,
            levels,
            person.jp,
            reaches,
            candidate.kind,
            candidate.id,
        )
        for person, candidate, levels, reaches in chosen
    ]
    return sorted(participants, key=lambda p: p.title)  # stable: within a title, in picking order
