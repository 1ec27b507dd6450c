"""Recommendations never send an ASN to a refusal: what is recommended is exactly what the
registration engine accepts, an event's detail says why not instead of offering 📝 Daftar,
a full event is a waiting-list registration before it is pressed, and an event in January
does not count toward this year's JP."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import registration
from db.catalog import event_card, recommendations, upcoming_events
from db.models import Allocation, Employee, EventKind, EventStatus, RegistrationStatus
from db.offer import Offer, offer
from db.registration import AlreadyRegistered, NotEligible, RegistrationNotFound, ScheduleClash
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import make_employee
from tests.utils.events import make_event
from tests.utils.learning import learned
from tests.utils.office_time import WITA, wita
from tests.utils.registrations import register

NOW = wita(2026, 3, 2, 9)
DECEMBER = wita(2026, 12, 1, 9)
SERVICE = ["Pelayanan Publik"]
ALL_KINDS = frozenset(EventKind)


@pytest.fixture
async def maria(session: AsyncSession) -> Employee:
    """An analyst below the standard in Pelayanan Publik (level 1, standard 2), 4 JP this year."""
    employee = await make_employee(session)
    await set_standard(session, "Analis Kebijakan Ahli Muda", {"Pelayanan Publik": 2})
    await assess(session, employee, {"Pelayanan Publik": 1}, on=date(2025, 10, 1))
    await learned(session, employee, "Bimtek SIASN", on=date(2026, 2, 3), jp=4)
    return employee


async def _refusals(
    session: AsyncSession, employee: Employee, codes: dict[str, int]
) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for code, event_id in codes.items():
        try:
            event = await registration.fresh_event(session, event_id)
        except RegistrationNotFound:
            found[code] = "not_found"
        else:
            refused = await registration.refusal(session, event, employee_id=employee.id, now=NOW)
            found[code] = None if refused is None else refused.reason
    return found


async def test_what_is_recommended_is_exactly_what_registration_accepts(
    session: AsyncSession, maria: Employee
) -> None:
    events = {
        "PP-BUKA": await make_event(session, "PP-BUKA", starts_at=wita(2026, 4, 6), competencies=SERVICE),
        "PP-KABID": await make_event(
            session, "PP-KABID", starts_at=wita(2026, 4, 7), competencies=SERVICE, positions=["Kepala Bidang"]
        ),
        "PP-TUTUP": await make_event(session, "PP-TUTUP", starts_at=wita(2026, 3, 4), competencies=SERVICE),
        "PP-NANTI": await make_event(
            session, "PP-NANTI", starts_at=wita(2026, 5, 2), competencies=SERVICE, opens_at=wita(2026, 3, 10)
        ),
        "PP-BATAL": await make_event(
            session,
            "PP-BATAL",
            starts_at=wita(2026, 4, 8),
            competencies=SERVICE,
            status=EventStatus.CANCELLED,
        ),
        "PP-DRAF": await make_event(
            session, "PP-DRAF", starts_at=wita(2026, 4, 9), competencies=SERVICE, status=EventStatus.DRAFT
        ),
        "PP-TELAAH": await make_event(
            session, "PP-TELAAH", starts_at=wita(2026, 4, 10), competencies=SERVICE, status=EventStatus.REVIEW
        ),
        "PP-SUDAH": await make_event(session, "PP-SUDAH", starts_at=wita(2026, 4, 14), competencies=SERVICE),
        "PP-DITOLAK": await make_event(
            session, "PP-DITOLAK", starts_at=wita(2026, 4, 15), competencies=SERVICE
        ),
        "PP-BENTROK": await make_event(session, "PP-BENTROK", starts_at=wita(2026, 4, 14, 10)),
        "PP-ANTRE-BENTROK": await make_event(session, "PP-ANTRE-BENTROK", starts_at=wita(2026, 4, 20)),
        "PP-LAIN-BATAL": await make_event(session, "PP-LAIN-BATAL", starts_at=wita(2026, 4, 15, 10)),
    }
    await register(session, maria, events["PP-SUDAH"])
    await register(session, maria, events["PP-DITOLAK"], status=RegistrationStatus.REJECTED)
    waiting = await make_event(session, "PP-ANTRE", starts_at=wita(2026, 4, 20, 10))
    await register(session, maria, waiting, status=RegistrationStatus.WAITLISTED)

    offered = await recommendations(
        session, employee_id=maria.id, now=NOW, year=2026, target=20, kinds=ALL_KINDS, limit=100
    )
    refusals = await _refusals(session, maria, {code: event.id for code, event in events.items()})

    assert refusals == {
        "PP-BUKA": None,
        "PP-KABID": "not_eligible",
        "PP-TUTUP": "closed",
        "PP-NANTI": "not_open",
        "PP-BATAL": "event_cancelled",
        "PP-DRAF": "not_published",
        "PP-TELAAH": "not_published",
        "PP-SUDAH": "already_registered",
        "PP-DITOLAK": "already_registered",
        "PP-BENTROK": "schedule_clash",  # during PP-SUDAH
        "PP-ANTRE-BENTROK": "schedule_clash",  # during PP-ANTRE, where Maria waits for a seat
        # PP-DITOLAK was refused: nothing to clash with
        "PP-LAIN-BATAL": None,
    }
    assert sorted(r.event.code for r in offered) == sorted(
        code for code, refused in refusals.items() if refused is None
    )


async def test_drafts_and_events_in_review_are_nowhere_in_the_catalog(session: AsyncSession) -> None:
    draft = await make_event(session, "DRAF", starts_at=wita(2026, 4, 9), status=EventStatus.DRAFT)
    review = await make_event(session, "TELAAH", starts_at=wita(2026, 4, 9), status=EventStatus.REVIEW)
    await make_event(session, "TERBIT", starts_at=wita(2026, 4, 9))

    listing = await upcoming_events(session, kinds=ALL_KINDS, now=NOW)

    assert [card.code for card in listing.items] == ["TERBIT"]
    assert await event_card(session, event_id=draft.id) is None
    assert await event_card(session, event_id=review.id) is None


async def test_a_detail_says_why_the_asn_cannot_register(session: AsyncSession, maria: Employee) -> None:
    mine = await make_event(session, "PP-SUDAH", starts_at=wita(2026, 4, 14), competencies=SERVICE)
    await register(session, maria, mine)
    clashing = await make_event(session, "PP-BENTROK", starts_at=wita(2026, 4, 14, 10), competencies=SERVICE)
    heads = await make_event(session, "PP-KABID", starts_at=wita(2026, 5, 4), positions=["Kepala Bidang"])

    async def offered(event_id: int) -> Offer | None:
        return await offer(
            session, event_id=event_id, employee_id=maria.id, now=NOW, year=2026, target=20, timezone=WITA
        )

    clash = await offered(clashing.id)
    assert clash is not None
    assert isinstance(clash.refusal, ScheduleClash)
    assert (clash.refusal.code, clash.recommendation) == ("PP-SUDAH", None)
    registered = await offered(mine.id)
    assert registered is not None
    assert isinstance(registered.refusal, AlreadyRegistered)
    not_for_me = await offered(heads.id)
    assert not_for_me is not None
    assert isinstance(not_for_me.refusal, NotEligible)


async def test_a_full_event_is_a_waiting_list_registration_before_it_is_pressed(
    session: AsyncSession, maria: Employee
) -> None:
    full = await make_event(session, "PP-PENUH", starts_at=wita(2026, 4, 6), quota=2, seats_taken=2)
    free = await make_event(session, "PP-LEGA", starts_at=wita(2026, 4, 13), quota=2, seats_taken=1)
    priority = await make_event(session, "PP-PRIO", starts_at=wita(2026, 4, 20), quota=2, seats_taken=2)
    priority.allocation = Allocation.PRIORITY
    await session.commit()

    async def waits(event_id: int) -> bool:
        found = await offer(
            session, event_id=event_id, employee_id=maria.id, now=NOW, year=2026, target=20, timezone=WITA
        )
        assert found is not None
        assert found.refusal is None
        return found.waitlist

    assert (await waits(full.id), await waits(free.id), await waits(priority.id)) == (True, False, False)
    result = await registration.register(session, event_id=full.id, employee_id=maria.id, now=NOW)
    assert result.status is RegistrationStatus.WAITLISTED


async def test_an_event_in_january_does_not_add_jp_toward_this_years_target(
    session: AsyncSession, maria: Employee
) -> None:
    await make_event(session, "PP-DES", starts_at=wita(2026, 12, 14), jp=12)
    await make_event(session, "PP-JAN", starts_at=wita(2027, 1, 11), jp=12)
    # ends at 00.30 WITA on 1 January: the new year's JP
    await make_event(session, "PP-MALAM", starts_at=wita(2026, 12, 31, 16, 30), jp=3)

    offered = await recommendations(
        session, employee_id=maria.id, now=DECEMBER, year=2026, target=20, timezone=WITA
    )

    found = {r.event.code: (r.jp_toward_target, r.event.jp_year) for r in offered}
    assert found == {"PP-DES": (12, 2026), "PP-JAN": (0, 2027), "PP-MALAM": (0, 2027)}
    assert offered[0].event.code == "PP-DES"


async def test_jp_already_planned_are_not_promised_again(session: AsyncSession, maria: Employee) -> None:
    planned = await make_event(session, "PP-RENCANA", starts_at=wita(2026, 4, 6), jp=12)
    await register(session, maria, planned)
    await make_event(session, "PP-LAGI", starts_at=wita(2026, 5, 4), jp=8)

    offered = await recommendations(
        session, employee_id=maria.id, now=NOW, year=2026, target=20, timezone=WITA
    )

    # 4 JP done and 12 planned: 4 still open of the 20
    assert [(r.event.code, r.jp_toward_target) for r in offered] == [("PP-LAGI", 4)]
