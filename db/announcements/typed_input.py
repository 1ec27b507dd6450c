"""What HR's next typed message is for while composing an announcement: its text, or the
send time of a draft. The step is kept through `db.conversation` under the flow `FLOW`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db import conversation, office_time

#: `conversation_states.flow` while HR composes; the steps await the text or the send time.
FLOW = "announce"
STEP_TEXT = "text"
STEP_TIME = "time"


@dataclass(frozen=True, slots=True)
class Waiting:
    """HR's next message is awaited: the text (`STEP_TEXT`) or the send time of a draft."""

    step: str
    announcement_id: int | None


async def wait_for(
    session: AsyncSession, *, telegram_user_id: int, step: str, announcement_id: int | None = None
) -> None:
    """Remember that HR's next message is the text (`STEP_TEXT`) or the time (`STEP_TIME`) (commits)."""
    data = {} if announcement_id is None else {"announcement_id": announcement_id}
    await conversation.enter(session, telegram_user_id=telegram_user_id, flow=FLOW, step=step, data=data)
    await session.commit()


async def waiting(session: AsyncSession, *, telegram_user_id: int) -> Waiting | None:
    """What HR's next message is awaited for, if anything."""
    state = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    if state is None:
        return None
    announcement_id = state.data.get("announcement_id")
    return Waiting(state.step, int(announcement_id) if announcement_id is not None else None)


async def stop_waiting(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Forget this flow's step (other flows' state is left alone) (commits)."""
    await forget_step(session, telegram_user_id)
    await session.commit()


async def forget_step(session: AsyncSession, telegram_user_id: int) -> None:
    """Forget this flow's step within the caller's transaction (the caller commits)."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)


def parse_when(text: str, *, timezone: ZoneInfo) -> datetime | None:
    """A send time typed in office time (`db.office_time`: a date and a time, no date alone),
    as UTC; None for anything else (including dates that do not exist)."""
    try:
        return office_time.parse_moment(text, timezone=timezone)
    except office_time.OfficeTimeError:
        return None
