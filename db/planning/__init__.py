"""The budget plan: which trainings to fund, for whom, to close the most competency gap and
bring the most ASN to the JP target with a given budget — an integer program over cohorts.

- `candidates`: programmes HR could commission and upcoming events with a cost;
- `cohorts`: ASN with the same need, and the rule that picks people within a cohort;
- `solver`: the integer program (HiGHS through SciPy);
- `plan`: the whole plan, with what the budget leaves uncovered.
"""

from db.planning.candidates import Candidate
from db.planning.cohorts import REACH_WEIGHT
from db.planning.plan import Funded, Invitation, Participant, Plan, budget_plan

__all__ = ["REACH_WEIGHT", "Candidate", "Funded", "Invitation", "Participant", "Plan", "budget_plan"]
