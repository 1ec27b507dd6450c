"""What an ASN opens the bot for: profile, competency status with chart, 20 JP progress,
and the catalog of trainings and seminars — end to end over the local Bot API server."""

from __future__ import annotations

import struct
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.local_api import LocalBotApi, Phone
from db.engine import SessionFactory
from db.models import Employee, EventKind
from tests.e2e.conftest import Clock
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import make_employee
from tests.utils.events import make_event
from tests.utils.learning import learned
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, say
from tests.utils.png import png_text

ME = 737373
POSITION = "Analis Kebijakan Ahli Muda"
STANDARD = {
    "Analisis Kebijakan Publik": 3,
    "Integritas": 3,
    "Pelayanan Publik": 3,
    "Komunikasi": 3,
    "Perekat Bangsa": 3,
}


class CountingSessions(async_sessionmaker[AsyncSession]):
    """The bot's session factory, counting how many sessions the handlers open."""

    opened = 0

    def __call__(self, **local_kw: Any) -> AsyncSession:
        self.opened += 1
        return super().__call__(**local_kw)


@pytest.fixture
def counted() -> list[CountingSessions]:
    """The session factories of the bots this test started."""
    return []


@pytest.fixture
def bot_sessions(counted: list[CountingSessions]) -> Callable[[AsyncEngine], SessionFactory]:
    def counting(engine: AsyncEngine) -> SessionFactory:
        counted.append(CountingSessions(engine, expire_on_commit=False))
        return counted[-1]

    return counting


@pytest.fixture
async def maria(session: AsyncSession) -> Employee:
    return await make_employee(session, position=POSITION)


async def _link(session: AsyncSession, api: LocalBotApi, employee: Employee, lang: str = "id") -> Phone:
    return await linked_phone(session, api, employee, user_id=ME, lang=lang)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def _with_gaps(session: AsyncSession, employee: Employee) -> None:
    await set_standard(session, POSITION, STANDARD)
    await assess(
        session,
        employee,
        {
            "Analisis Kebijakan Publik": 3,
            "Integritas": 3,
            "Pelayanan Publik": 1,
            "Komunikasi": 2,
            "Perekat Bangsa": 4,
        },
        on=date(2025, 11, 3),
    )


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "words"), [("id", ["Penata", "Terhubung sejak"]), ("en", ["Penata", "Linked since"])]
)
async def test_the_profile_shows_rank_with_its_name(
    api: LocalBotApi, session: AsyncSession, maria: Employee, lang: str, words: list[str]
) -> None:
    phone = await _link(session, api, maria, lang)
    (profile,) = await say(phone, "/profil")
    assert "III/c — Penata" in profile.plain_text
    assert maria.nip in profile.plain_text
    assert "Fungsional" in profile.plain_text
    for word in words:
        assert word in profile.plain_text


@pytest.mark.usefixtures("bot")
async def test_competency_status_shows_gaps_jpm_chart_and_the_training_that_closes_the_gap(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    await _with_gaps(session, maria)
    await make_event(
        session,
        "PP-01",
        title="Pelatihan Pelayanan Prima",
        starts_at=wita(2026, 12, 14),
        competencies=["Pelayanan Publik"],
    )
    await make_event(session, "LAIN-01", title="Pelatihan Tanpa Sasaran", starts_at=wita(2026, 12, 9))
    phone = await _link(session, api, maria)

    status, chart = await say(phone, "/kompetensi", count=2)
    assert chart.method == "sendPhoto"
    assert chart.photo is not None
    assert len(chart.photo) < 200 * 1024
    width, height = _png_size(chart.photo)
    assert 600 <= width <= 1400
    assert height <= 2000
    assert "5 kompetensi" in (chart.caption or "")
    shown = png_text(chart.photo)["Description"]
    assert shown == (
        "Analisis Kebijakan Publik 3/3; Integritas 3/3; Pelayanan Publik 3/1; "
        "Komunikasi 3/2; Perekat Bangsa 3/4"
    )

    text = status.plain_text
    assert "Pelayanan Publik: level 1 (standar 3)" in text
    assert "Komunikasi: level 2 (standar 3)" in text
    assert "Perekat Bangsa: level 4 (standar 3)" in text
    # min(level, required) summed: 3+3+1+2+3 = 12 of 15
    assert "Job Person Match: 80%" in text
    assert "Memenuhi Syarat" in text
    assert "Assessment Center" in text
    assert "mengembangkan kompetensi Pelayanan Publik (level Anda 1, standar 3)" in text
    assert status.button_texts == ["1. Pelatihan Pelayanan Prima"]

    await phone.press("1. Pelatihan Pelayanan Prima")
    (detail,) = await phone.wait_replies()
    assert detail.edited
    assert "Senin, 14 Desember 2026, 09.00 WITA" in detail.plain_text
    assert "📝 Daftar" in detail.button_texts


@pytest.mark.usefixtures("bot")
async def test_competency_status_in_english(api: LocalBotApi, session: AsyncSession, maria: Employee) -> None:
    await _with_gaps(session, maria)
    phone = await _link(session, api, maria, "en")
    status, chart = await say(phone, "/kompetensi", count=2)
    assert "5 competencies" in (chart.caption or "")
    assert "Managerial" in status.plain_text
    assert "Meets requirements" in status.plain_text


@pytest.mark.usefixtures("bot")
async def test_without_an_assessment_the_asn_is_told_what_is_missing_and_gets_no_chart(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    await set_standard(session, POSITION, STANDARD)
    phone = await _link(session, api, maria)
    (answer,) = await say(phone, "/kompetensi")
    assert answer.method == "sendMessage"
    assert "belum memiliki hasil asesmen" in answer.plain_text


@pytest.mark.usefixtures("bot")
async def test_a_position_without_a_standard_is_explained(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    phone = await _link(session, api, maria, "en")
    (answer,) = await say(phone, "/kompetensi")
    assert "no competency standard for your position" in answer.plain_text


@pytest.mark.usefixtures("bot")
async def test_jp_progress_lists_the_year_and_what_would_close_the_rest(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    await learned(
        session, maria, "Seminar Kebijakan Publik Undana", on=date(2026, 3, 4), jp=8, organizer="Undana"
    )
    await learned(session, maria, "Webinar Pemerintahan Digital", on=date(2026, 9, 1), jp=4)
    await learned(session, maria, "Pelatihan tahun lalu", on=date(2025, 12, 31), jp=30)
    await make_event(session, "SKP-01", title="Penyusunan SKP", starts_at=wita(2026, 12, 15), jp=8)
    await make_event(session, "NEXT-01", title="Pelatihan Januari", starts_at=wita(2027, 1, 12), jp=20)
    phone = await _link(session, api, maria)

    (answer,) = await say(phone, "/jp")
    text = answer.plain_text
    assert "▰▰▰▰▰▰▱▱▱▱ 12/20 JP" in text
    assert "Masih kurang 8 JP sebelum 31 Desember 2026" in text
    assert "Seminar Kebijakan Publik Undana (Undana): 8 JP" in text
    assert "Pelatihan tahun lalu" not in text
    assert "menambah 8 JP untuk target tahun 2026" in text
    assert answer.button_texts == ["1. Penyusunan SKP"]


@pytest.mark.usefixtures("bot")
async def test_jp_with_no_history_yet_in_english(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    phone = await _link(session, api, maria, "en")
    (answer,) = await say(phone, "/jp")
    assert "▱▱▱▱▱▱▱▱▱▱ 0/20 JP" in answer.plain_text
    assert "No development activity is recorded" in answer.plain_text


@pytest.mark.usefixtures("bot")
async def test_the_training_catalog_pages_through_twelve_trainings(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    for day in range(12):
        await make_event(
            session, f"T-{day:02d}", title=f"Pelatihan {day + 1:02d}", starts_at=wita(2026, 12, 8 + day)
        )
    await make_event(session, "SEM-01", kind=EventKind.SEMINAR, starts_at=wita(2026, 12, 9))
    phone = await _link(session, api, maria)

    (first,) = await say(phone, "/pelatihan")
    assert "halaman 1/3" in first.plain_text
    assert first.button_texts[:5] == [f"{n}. Pelatihan {n:02d}" for n in range(1, 6)]
    assert "Pelatihan 06" not in first.plain_text
    assert "SEM-01" not in first.plain_text

    await phone.press("▶")
    (second,) = await phone.wait_replies()
    assert second.edited
    assert "halaman 2/3" in second.plain_text
    assert "6. Pelatihan 06" in second.plain_text
    await phone.press("▶")
    (third,) = await phone.wait_replies()
    assert "halaman 3/3" in third.plain_text
    assert third.button_texts[:2] == ["11. Pelatihan 11", "12. Pelatihan 12"]
    assert "▶" not in third.button_texts
    await phone.press("◀")
    (back,) = await phone.wait_replies()
    assert "halaman 2/3" in back.plain_text


@pytest.mark.usefixtures("bot")
async def test_the_catalog_detail_and_the_way_back(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    await make_event(
        session,
        "SEM-UNDANA",
        title="Seminar Kebijakan Publik",
        kind=EventKind.SEMINAR,
        organizer="Universitas Nusa Cendana",
        starts_at=wita(2026, 12, 7),
        quota=40,
        seats_taken=38,
        jp=4,
        competencies=["Analisis Kebijakan Publik"],
        positions=[POSITION],
    )
    phone = await _link(session, api, maria, "en")
    (listing,) = await say(phone, "/seminar")
    assert "Seminars & Workshops" in listing.plain_text
    await phone.press("1. Seminar Kebijakan Publik")
    (detail,) = await phone.wait_replies()
    text = detail.plain_text
    assert "Organizer: Universitas Nusa Cendana" in text
    assert "Starts: Monday, 7 December 2026, 09.00 WITA" in text
    assert "2 seats left" in text
    assert "Registration deadline: Friday, 4 December 2026, 09.00 WITA" in text
    assert "Target competencies: Analisis Kebijakan Publik" in text
    assert f"Target positions: {POSITION}" in text
    await phone.press("◀ Back to the list")
    (again,) = await phone.wait_replies()
    assert "1. Seminar Kebijakan Publik" in again.plain_text


@pytest.mark.usefixtures("bot")
async def test_for_me_and_by_competency_filters(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    await _with_gaps(session, maria)
    await make_event(session, "A", title="Pelatihan Umum", starts_at=wita(2026, 12, 8))
    await make_event(
        session, "B", title="Pelayanan Prima", starts_at=wita(2026, 12, 20), competencies=["Pelayanan Publik"]
    )
    await make_event(
        session, "C", title="Komunikasi Efektif", starts_at=wita(2026, 12, 10), competencies=["Komunikasi"]
    )
    phone = await _link(session, api, maria)

    (listing,) = await say(phone, "/pelatihan")
    assert listing.button_texts[:3] == ["1. Pelatihan Umum", "2. Komunikasi Efektif", "3. Pelayanan Prima"]
    await phone.press("⭐ Untuk saya")
    (mine,) = await phone.wait_replies()
    # The largest gap first (Pelayanan Publik 1 → 3), then Komunikasi (2 → 3), then the rest.
    assert mine.button_texts[:3] == ["1. Pelayanan Prima", "2. Komunikasi Efektif", "3. Pelatihan Umum"]
    assert "mengembangkan kompetensi Pelayanan Publik (level Anda 1, standar 3)" in mine.plain_text

    await phone.press("🎯 Kompetensi…")
    (choices,) = await phone.wait_replies()
    assert "Komunikasi" in choices.button_texts
    await phone.press("Komunikasi")
    (filtered,) = await phone.wait_replies()
    assert "Kompetensi: Komunikasi" in filtered.plain_text
    assert filtered.button_texts[0] == "1. Komunikasi Efektif"
    assert "Pelatihan Umum" not in filtered.plain_text


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("lang", "expected"), [("id", "Belum ada kegiatan mendatang"), ("en", "No upcoming events yet")]
)
async def test_an_empty_catalog_says_so(
    api: LocalBotApi, session: AsyncSession, maria: Employee, lang: str, expected: str
) -> None:
    phone = await _link(session, api, maria, lang)
    (answer,) = await say(phone, "/seminar")
    assert expected in answer.plain_text


@pytest.mark.usefixtures("bot")
async def test_the_main_menu_buttons_open_the_screens(
    api: LocalBotApi, session: AsyncSession, maria: Employee
) -> None:
    phone = await _link(session, api, maria)
    (answer,) = await say(phone, "📚 JP Saya")
    assert "Jam Pelajaran (JP)" in answer.plain_text
    (answer,) = await say(phone, "🎓 Pelatihan")
    assert "Pelatihan" in answer.plain_text


@pytest.mark.usefixtures("bot")
async def test_someone_not_linked_sees_no_personal_screens(api: LocalBotApi, maria: Employee) -> None:
    stranger = api.user(user_id=ME + 1, first_name="Yakobus")
    for command in ("/kompetensi", "/jp", "/profil"):
        (answer,) = await say(stranger, command)
        assert "/start" in answer.plain_text
        assert maria.name not in answer.plain_text


@pytest.mark.usefixtures("bot")
async def test_each_command_uses_one_database_session(
    api: LocalBotApi, session: AsyncSession, maria: Employee, counted: list[CountingSessions], clock: Clock
) -> None:
    (sessions,) = counted
    await _with_gaps(session, maria)
    for day in range(7):
        await make_event(session, f"T-{day}", starts_at=wita(2026, 12, 8 + day), competencies=["Komunikasi"])
    phone = await _link(session, api, maria)
    for command, replies in (
        ("/profil", 1),
        ("/kompetensi", 2),
        ("/jp", 1),
        ("/seminar", 1),
        ("/pelatihan", 1),
    ):
        before = sessions.opened
        await say(phone, command, count=replies)
        assert sessions.opened - before == 1, command
    before = sessions.opened
    await phone.press("▶")
    await phone.wait_replies()
    assert sessions.opened - before == 1
