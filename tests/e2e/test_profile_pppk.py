"""A PPPK's profile shows their NI PPPK, their status and their grade, without a PNS rank name;
a PNS's shows the status beside the golongan and its rank name — end to end."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi
from db.models import EmploymentStatus
from tests.utils.employees import VERONIKA_NI_PPPK, make_employee
from tests.utils.phones import linked_phone, say

ME = 747474


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "id",
            [
                "NI PPPK: 199503152023212013",
                "Status kepegawaian: PPPK (pegawai pemerintah",
                "Golongan PPPK: IX",
            ],
        ),
        ("en", ["NI PPPK: 199503152023212013", "Employment status: PPPK (government employee", "PPPK grade"]),
    ],
)
async def test_a_pppk_sees_their_grade_without_a_pns_rank_name(
    api: LocalBotApi, session: AsyncSession, lang: str, words: list[str]
) -> None:
    nurse = await make_employee(
        session,
        nip=VERONIKA_NI_PPPK,
        name="Veronika Seran",
        position="Perawat Ahli Pertama",
        rank="IX",
        status=EmploymentStatus.PPPK,
    )
    phone = await linked_phone(session, api, nurse, user_id=ME, lang=lang)

    (profile,) = await say(phone, "/profil")

    for word in words:
        assert word in profile.plain_text
    for pns_only in ("Pangkat", "Rank (golongan)", "Penata", "Pembina", "Pengatur", "Juru", " — "):
        assert pns_only not in profile.plain_text


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "id",
            [
                "NIP: 198609262015052001",
                "Status kepegawaian: CPNS (calon",
                "Pangkat/golongan: III/c — Penata",
            ],
        ),
        (
            "en",
            [
                "NIP: 198609262015052001",
                "Employment status: CPNS (candidate",
                "Rank (golongan): III/c — Penata",
            ],
        ),
    ],
)
async def test_a_cpns_sees_their_status_and_their_golongan_with_its_rank_name(
    api: LocalBotApi, session: AsyncSession, lang: str, words: list[str]
) -> None:
    maria = await make_employee(session, status=EmploymentStatus.CPNS)
    phone = await linked_phone(session, api, maria, user_id=ME, lang=lang)

    (profile,) = await say(phone, "/profil")

    for word in words:
        assert word in profile.plain_text
