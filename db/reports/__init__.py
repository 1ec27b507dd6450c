"""HR's reports across the office, each a set-based query or two over the whole roster:

- `base`: what several reports share: the office year's JP per ASN, the latest gap per ASN
  and competency;
- `jp`: JP compliance per work unit and the ASN below target; the JP recap per ASN;
- `gaps`: work units × competencies (how many ASN fall short, by how many levels), and per
  competency the ASN with the largest gaps;
- `events`: per event fill rate, waiting list, attendance, ratings and comments;
- `needs`: the training-needs analysis, competencies ranked by total gap.

The budget plan built on them is `db.planning`. The JP year is the office's calendar year: a
learning record's `completed_on` is already the office-local date (`db.learning.office_date`).
"""

from db.reports.events import EventLine, EventsReport, events_report
from db.reports.gaps import GapCell, GapLeader, GapReport, employees_with_gaps, gap_report
from db.reports.jp import (
    BelowTarget,
    JpCompliance,
    RecapLine,
    UnitCompliance,
    jp_compliance,
    jp_recap,
)
from db.reports.needs import Need, needs_analysis

__all__ = [
    "BelowTarget",
    "EventLine",
    "EventsReport",
    "GapCell",
    "GapLeader",
    "GapReport",
    "JpCompliance",
    "Need",
    "RecapLine",
    "UnitCompliance",
    "employees_with_gaps",
    "events_report",
    "gap_report",
    "jp_compliance",
    "jp_recap",
    "needs_analysis",
]
