"""The budget HR types in the chat for a plan: waiting for it (through `db.conversation`) and
reading it — whole rupiah with or without thousands dots (`250.000.000`, `Rp 250000000`),
optionally followed by the plan's year (`250.000.000 2027`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db import conversation

FLOW = "report_budget"
STEP = "budget"
_BUDGET = re.compile(r"(?:rp\.?\s*)?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,0{1,2})?(?:\s+([0-9]{4}))?")


@dataclass(frozen=True, slots=True)
class Budget:
    """A budget in rupiah, and the year it is for (None: the current office year)."""

    rupiah: int
    year: int | None


def parse_budget(text: str) -> Budget | None:
    """The budget in `text`, or None when it is not one (zero included)."""
    match = _BUDGET.fullmatch(text.strip().casefold())
    if match is None:
        return None
    rupiah = int(match.group(1).replace(".", ""))
    year = int(match.group(2)) if match.group(2) else None
    if rupiah <= 0 or (year is not None and not 2000 <= year <= 2100):
        return None
    return Budget(rupiah, year)


async def wait_for_budget(session: AsyncSession, *, telegram_user_id: int) -> None:
    """The caller's next text is a plan's budget (commits)."""
    await conversation.enter(session, telegram_user_id=telegram_user_id, flow=FLOW, step=STEP)
    await session.commit()


async def stop_waiting(session: AsyncSession, *, telegram_user_id: int) -> None:
    """No budget is awaited from the caller any more (commits)."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()
