"""Evaluation: an attendee rates the event 1–5, optionally with a comment typed next
(the pending comment kept in `conversation_states` through `db.conversation`, so a restart
does not lose it). HR and the event's organizer see the average and the latest comments,
without names.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import conversation
from db.models import Registration
from db.registration._shared import Status, own_registration, rowcount
from db.registration.errors import InvalidRating, NotAttended

FLOW = "evaluation"
STEP_COMMENT = "comment"


#: How many comments the ratings screen shows (the latest), and how long each may be there:
#: together they keep the screen within one Telegram message.
COMMENTS_SHOWN = 8
COMMENT_LENGTH = 300


@dataclass(frozen=True, slots=True)
class Comment:
    """One attendee's rating with the comment they wrote (no name: evaluations are anonymous)."""

    rating: int
    text: str


@dataclass(frozen=True, slots=True)
class Ratings:
    """Average rating of an event (None without ratings), how many rated, and the latest
    comments (`comment_count` of them in all)."""

    event_id: int
    average: float | None
    count: int
    comments: tuple[Comment, ...] = ()
    comment_count: int = 0


@dataclass(frozen=True, slots=True)
class PendingComment:
    """The rating waiting for an optional comment."""

    registration_id: int
    rating: int


async def rate(
    session: AsyncSession, *, registration_id: int, employee_id: int, rating: int, comment: str | None = None
) -> None:
    """An attendee rates the event 1–5 with an optional comment. A new rating replaces the old;
    a rating without a comment (a star pressed again) keeps the comment written before."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidRating(rating)
    registration = await own_registration(session, registration_id, employee_id)
    if registration.status is not Status.ATTENDED:
        raise NotAttended(registration.status)
    values: dict[str, object] = {"rating": rating}
    text = comment.strip() if comment else ""
    if text:
        values["comment"] = text
    await rowcount(session, update(Registration).where(Registration.id == registration_id).values(values))
    await session.commit()


async def event_ratings(session: AsyncSession, *, event_id: int) -> Ratings:
    """The event's average rating, how many attendees rated it, and the latest comments."""
    average, count = (
        await session.execute(
            select(func.avg(Registration.rating), func.count(Registration.rating)).where(
                Registration.event_id == event_id, Registration.rating.is_not(None)
            )
        )
    ).one()
    commented = (
        Registration.event_id == event_id,
        Registration.rating.is_not(None),
        Registration.comment.is_not(None),
        Registration.comment != "",
    )
    comment_count = await session.scalar(select(func.count()).select_from(Registration).where(*commented))
    latest = await session.execute(
        select(Registration.rating, func.substr(Registration.comment, 1, COMMENT_LENGTH + 1))
        .where(*commented)
        .order_by(Registration.attended_at.desc(), Registration.id.desc())
        .limit(COMMENTS_SHOWN)
    )
    comments = tuple(Comment(int(rating), _shortened(text)) for rating, text in latest.tuples())
    return Ratings(
        event_id, float(average) if average is not None else None, int(count), comments, comment_count or 0
    )


def _shortened(text: str) -> str:
    return text if len(text) <= COMMENT_LENGTH else text[: COMMENT_LENGTH - 1].rstrip() + "…"


async def await_comment(
    session: AsyncSession, *, telegram_user_id: int, registration_id: int, rating: int
) -> None:
    """Remember that the user's next text is the comment for this rating (replaces other flows)."""
    data = {"registration_id": registration_id, "rating": rating}
    await conversation.enter(
        session, telegram_user_id=telegram_user_id, flow=FLOW, step=STEP_COMMENT, data=data
    )
    await session.commit()


async def pending_comment(session: AsyncSession, *, telegram_user_id: int) -> PendingComment | None:
    """The rating awaiting a comment from this user, if any."""
    state = await conversation.step_in(session, telegram_user_id=telegram_user_id, flow=FLOW)
    if state is None or state.step != STEP_COMMENT:
        return None
    return PendingComment(int(state.data["registration_id"]), int(state.data["rating"]))


async def clear_comment(session: AsyncSession, *, telegram_user_id: int) -> None:
    """Stop waiting for a comment (sent or skipped); other flows' state is left alone."""
    await conversation.leave(session, telegram_user_id=telegram_user_id, flow=FLOW)
    await session.commit()
