"""Scheduled jobs on python-telegram-bot's JobQueue (APScheduler underneath), derived from the
database at every run so a restart loses nothing: the outbox dispatcher, giving the seats
of priority events by merit when their registration deadline passes, and deriving event
reminders (H-7, H-1, on the day) and registration-deadline digests into the outbox, and the
daily digests to HR and organizers (requests awaiting approval, new registrations)."""

from __future__ import annotations

from bot import dispatcher
from bot.context import BotApplication, Context
from db import deadlines, digests, registration, reminders

ALLOCATION_INTERVAL = 60.0
REMINDER_INTERVAL = 600.0
DIGEST_INTERVAL = 600.0
#: APScheduler counts an interval job's runs from when it was added (build time), not from when
#: the application starts: a first run a moment after building lands just after start-up.
FIRST_RUN = 1.0


async def allocate_due(context: Context) -> None:
    """At each priority event's deadline: allocate its seats (which tells every registrant)."""
    timezone = context.services.settings.timezone
    async with context.db() as session:
        for event_id in await registration.allocations_due(session, now=context.now()):
            await registration.allocate(session, event_id=event_id, now=context.now(), timezone=timezone)


async def derive_reminders(context: Context) -> None:
    """Bring event reminders and registration-deadline digests in line with the data, and add
    the monthly JP nudges."""
    settings = context.services.settings
    async with context.db() as session:
        await reminders.derive(session, now=context.now(), timezone=settings.timezone)
        await deadlines.derive(
            session, now=context.now(), timezone=settings.timezone, target=settings.jp_target
        )
        await reminders.derive_jp_nudges(
            session, now=context.now(), timezone=settings.timezone, target=settings.jp_target
        )


async def derive_digests(context: Context) -> None:
    """Write the day's approval and registration digests to HR and organizers, once a day each."""
    settings = context.services.settings
    async with context.db() as session:
        await digests.derive(
            session, now=context.now(), timezone=settings.timezone, hr_ids=settings.bot_admin_ids
        )


def schedule(application: BotApplication) -> None:
    """Register every job (each runs right after start-up, then on its interval)."""
    dispatcher.schedule(application)
    if application.job_queue is None:
        raise RuntimeError("the application has no JobQueue; install python-telegram-bot[job-queue]")
    application.job_queue.run_repeating(
        allocate_due,
        interval=ALLOCATION_INTERVAL,
        first=FIRST_RUN,
        name="priority-allocation",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    application.job_queue.run_repeating(
        derive_reminders,
        interval=REMINDER_INTERVAL,
        first=FIRST_RUN,
        name="event-reminders",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    application.job_queue.run_repeating(
        derive_digests,
        interval=DIGEST_INTERVAL,
        first=FIRST_RUN,
        name="staff-digests",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
