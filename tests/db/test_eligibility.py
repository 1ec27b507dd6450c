"""Who an event is for, by position, position type, unit, employment status and rank: a Latsar
CPNS is offered to CPNS only, refuses a PNS who tries it, and its deadline digest reaches CPNS
only. The predicate for one ASN and the SQL condition for many agree."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest
from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from db import catalog, deadlines, registration
from db.eligibility import Criterion, eligible, unmet_for
from db.models import Employee, EmploymentStatus, Event, OutboxMessage, TelegramAccount
from db.registration import NotEligible
from messages import Renderer
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import DEFAULT_POSITION, make_employees, unit_id
from tests.utils.events import configure, make_event
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import NOW, STARTS

NURSE = "Perawat Ahli Pertama"


async def _office(session: AsyncSession) -> dict[str, Employee]:
    """A PNS analyst, a CPNS analyst, a PPPK nurse in another unit, a PPPK teacher of grade X."""
    (pns,) = await make_employees(session, 1)
    (cpns,) = await make_employees(
        session, 1, first=1, status=EmploymentStatus.CPNS, position_type="Pelaksana"
    )
    (nurse,) = await make_employees(
        session, 1, first=2, status=EmploymentStatus.PPPK, position=NURSE, unit="RSUD S. K. Lerik"
    )
    (teacher,) = await make_employees(
        session,
        1,
        first=3,
        status=EmploymentStatus.PPPK,
        position="Guru Ahli Pertama",
        unit="SMP Negeri 1 Kupang",
    )
    teacher.rank = "X"
    await session.commit()
    return {"pns": pns, "cpns": cpns, "nurse": nurse, "teacher": teacher}


async def _events(session: AsyncSession) -> dict[str, Event]:
    """Events with every kind of target, written as HR might (any case)."""
    hospital = await unit_id(session, "RSUD S. K. Lerik")
    targets: dict[str, dict[str, Any]] = {
        "for everyone": {},
        "latsar cpns": {"target_statuses": ["cpns"]},
        "pppk, upper case": {"target_statuses": ["PPPK"]},
        "pns and cpns": {"target_statuses": ["pns", "cpns"]},
        "grades ix and x": {"target_ranks": ["IX", "x"]},
        "golongan iii/a": {"target_ranks": ["III/a"]},
        "fungsional": {"target_position_types": ["fungsional"]},
        "the hospital": {"target_unit_ids": [hospital]},
        "pppk in the hospital": {"target_unit_ids": [hospital], "target_statuses": ["pppk"]},
    }
    made: dict[str, Event] = {}
    for number, (name, changes) in enumerate(targets.items()):
        made[name] = await configure(
            session, await make_event(session, f"E-{number}", starts_at=STARTS), **changes
        )
    made["nurses"] = await make_event(session, "E-NURSE", starts_at=STARTS, positions=[NURSE])
    return made


async def test_the_predicate_and_the_sql_condition_agree(session: AsyncSession) -> None:
    people = await _office(session)
    events = await _events(session)

    by_sql = set(
        (
            await session.execute(select(Event.id, Employee.id).join(Employee, true()).where(eligible()))
        ).tuples()
    )
    by_predicate = {
        (event.id, employee.id)
        for event, employee in product(events.values(), people.values())
        if await unmet_for(session, event=event, employee=employee) is None
    }

    assert by_sql == by_predicate
    open_to = {
        name: {who for who, e in people.items() if (event.id, e.id) in by_sql}
        for name, event in events.items()
    }
    assert open_to == {
        "for everyone": {"pns", "cpns", "nurse", "teacher"},
        "latsar cpns": {"cpns"},
        "pppk, upper case": {"nurse", "teacher"},
        "pns and cpns": {"pns", "cpns"},
        "grades ix and x": {"nurse", "teacher"},
        "golongan iii/a": {"pns", "cpns"},
        "fungsional": {"pns", "nurse", "teacher"},
        "the hospital": {"nurse"},
        "pppk in the hospital": {"nurse"},
        "nurses": {"nurse"},
    }


async def test_the_first_target_missed_is_the_reason(session: AsyncSession) -> None:
    people = await _office(session)
    events = await _events(session)

    reasons = {
        name: await unmet_for(session, event=events[name], employee=people["pns"])
        for name in ("latsar cpns", "grades ix and x", "the hospital", "nurses", "for everyone")
    }

    assert reasons == {
        "latsar cpns": Criterion.STATUS,
        "grades ix and x": Criterion.RANK,
        "the hospital": Criterion.UNIT,
        "nurses": Criterion.POSITION,
        "for everyone": None,
    }


async def test_a_latsar_for_cpns_refuses_a_pns_and_accepts_a_cpns(session: AsyncSession) -> None:
    people = await _office(session)
    latsar = await configure(
        session, await make_event(session, "LATSAR-01", starts_at=STARTS), target_statuses=["cpns"]
    )

    with pytest.raises(NotEligible) as refused:
        await registration.register(session, event_id=latsar.id, employee_id=people["pns"].id, now=NOW)
    accepted = await registration.register(
        session, event_id=latsar.id, employee_id=people["cpns"].id, now=NOW
    )

    assert (refused.value.criterion, refused.value.allowed) == ("status", ("CPNS",))
    assert accepted.status == "registered"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "id",
            "tidak termasuk sasaran <b>Latsar CPNS</b>: kegiatan ini hanya untuk status kepegawaian CPNS.",
        ),
        (
            "en",
            "not in the target group of <b>Latsar CPNS</b>: it is only for the employment status CPNS.",
        ),
    ],
)
async def test_the_refused_pns_is_told_the_latsar_is_for_cpns(
    session: AsyncSession, lang: str, words: str
) -> None:
    latsar = await make_event(session, "LATSAR-01", title="Latsar CPNS", starts_at=STARTS)
    card = await catalog.event_card(session, event_id=latsar.id)

    said = Renderer(WITA).render(
        "reg_result", lang, outcome="not_eligible", event=card, criterion="status", allowed=["CPNS"]
    )

    assert words in said


async def test_a_latsar_for_cpns_is_recommended_to_cpns_only(session: AsyncSession) -> None:
    people = await _office(session)
    latsar = await configure(
        session, await make_event(session, "LATSAR-01", starts_at=STARTS), target_statuses=["cpns"]
    )

    offered = {
        who: [
            r.event.code
            for r in await catalog.recommendations(session, employee_id=e.id, now=NOW, year=2026, target=20)
        ]
        for who, e in people.items()
    }

    assert offered == {"pns": [], "cpns": [latsar.code], "nurse": [], "teacher": []}


async def test_the_deadline_digest_of_a_latsar_for_cpns_reaches_cpns_only(session: AsyncSession) -> None:
    people = await _office(session)
    await set_standard(session, DEFAULT_POSITION, {"Pelayanan Publik": 3})
    for employee in (people["pns"], people["cpns"]):
        await assess(session, employee, {"Pelayanan Publik": 2}, on=wita(2026, 3, 1).date())
        session.add(
            TelegramAccount(
                telegram_user_id=800 + employee.id, chat_id=800 + employee.id, employee_id=employee.id
            )
        )
    latsar = await make_event(
        session,
        "LATSAR-01",
        starts_at=wita(2026, 12, 14, 8),
        deadline=wita(2026, 12, 10, 16),
        competencies=["Pelayanan Publik"],
    )
    await configure(session, latsar, target_statuses=["cpns"])

    await deadlines.derive(session, now=wita(2026, 12, 7, 8), timezone=WITA)

    digests = select(OutboxMessage.chat_id).where(OutboxMessage.dedupe_key.startswith(deadlines.PREFIX))
    reached = await session.scalars(
        select(TelegramAccount.employee_id).where(TelegramAccount.chat_id.in_(digests))
    )
    assert list(reached) == [people["cpns"].id]
