"""`asn-bot broadcast` with a filter HR mistyped: refused with the closest known values, not
sent to nobody; and the dry run says how many of the audience have not linked yet."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import Cli
from bot.settings import Settings
from db.announcements import Audience
from db.models import Announcement, TelegramAccount
from tests.utils.competencies import competency
from tests.utils.employees import make_employee, make_employees
from tests.utils.events import make_event

HEALTH = "Dinas Kesehatan Kota Kupang"


@pytest.fixture
async def office(session: AsyncSession) -> None:
    """Kupang's roster: two units, a training, a competency."""
    await make_employee(session, unit=HEALTH, rank="III/c")
    await make_employees(session, 3, unit="Dinas Pendidikan dan Kebudayaan Kota Kupang")
    await make_event(session, "PKP-2027-01", starts_at=datetime(2027, 2, 1, 0, 0, tzinfo=UTC))
    await competency(session, "Pelayanan Publik")
    await session.commit()


async def _broadcast(settings: Settings, audience: Audience, lang: str = "id") -> int:
    cli = Cli(settings.model_copy(update={"cli_language": lang}))
    return await cli.send_broadcast(text="Rapat koordinasi", audience=audience, at=None, dry_run=False)


@pytest.mark.parametrize(
    ("audience", "indonesian", "english", "closest"),
    [
        (
            Audience(units=("Dinkes",)),
            'Unit kerja tidak dikenal: "Dinkes".',
            'Unknown work unit: "Dinkes".',
            HEALTH,
        ),
        (
            Audience(ranks=("III-d",)),
            'Golongan tidak dikenal: "III-d".',
            'Unknown rank (golongan): "III-d".',
            "III/d",
        ),
        (
            Audience(position_types=("pelaksan",)),
            'Jenis jabatan tidak dikenal: "pelaksan".',
            'Unknown position type: "pelaksan".',
            "Pelaksana",
        ),
        (
            Audience(event_code="PKP-2027"),
            'Kode kegiatan tidak dikenal: "PKP-2027".',
            'Unknown event code: "PKP-2027".',
            "PKP-2027-01",
        ),
        (
            Audience(gap_competency="Pelayanan Publk"),
            'Kompetensi tidak dikenal: "Pelayanan Publk".',
            'Unknown competency: "Pelayanan Publk".',
            "Pelayanan Publik",
        ),
    ],
)
async def test_a_filter_matching_nothing_is_refused_with_the_closest_known_values(
    office: None,
    settings: Settings,
    session: AsyncSession,
    capsys: pytest.CaptureFixture[str],
    audience: Audience,
    indonesian: str,
    english: str,
    closest: str,
) -> None:
    assert await _broadcast(settings, audience) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == indonesian
    assert err[1].startswith(f"  Yang paling mirip: {closest}")
    assert err[-1] == "Pengumuman tidak dikirim: perbaiki sasaran di atas, lalu ulangi."
    assert await _broadcast(settings, audience, "en") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == english
    assert err[1].startswith(f"  Closest known: {closest}")
    assert await session.scalar(select(func.count()).select_from(Announcement)) == 0


async def test_known_values_are_accepted_ignoring_case_as_the_audience_does(
    office: None, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    audience = Audience(units=(HEALTH.upper(),), event_code="pkp-2027-01", gap_competency="Pelayanan publik")
    assert await _broadcast(settings, audience) == 0
    assert "tidak dikenal" not in capsys.readouterr().err


async def test_every_unknown_value_is_named_at_once(
    office: None, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    audience = Audience(units=("Dinkes", HEALTH), ranks=("III-d",), event_code="NOPE")
    assert await _broadcast(settings, audience) == 1
    err = capsys.readouterr().err
    assert [value for value in ('"Dinkes"', '"III-d"', '"NOPE"') if value in err] == [
        '"Dinkes"',
        '"III-d"',
        '"NOPE"',
    ]
    assert f'"{HEALTH}"' not in err


async def test_the_dry_run_counts_who_has_not_linked_yet(
    office: None,
    settings: Settings,
    session: AsyncSession,
    capsys: pytest.CaptureFixture[str],
) -> None:
    teachers = await make_employees(session, 2, unit="Dinas Pendidikan dan Kebudayaan Kota Kupang", first=10)
    session.add(TelegramAccount(telegram_user_id=41, chat_id=41, employee_id=teachers[0].id, language="id"))
    await session.commit()
    audience = Audience(units=("Dinas Pendidikan dan Kebudayaan Kota Kupang",))
    cli = Cli(settings)
    assert await cli.send_broadcast(text="Uji", audience=audience, at=None, dry_run=True) == 0
    out = capsys.readouterr().out
    assert "Penerima: 1 ASN dengan akun terhubung." in out
    assert "Belum menautkan akun: 4 ASN lain yang sesuai sasaran" in out
    english = Cli(settings.model_copy(update={"cli_language": "en"}))
    assert await english.send_broadcast(text="Uji", audience=audience, at=None, dry_run=True) == 0
    assert "Not linked yet: 4 more ASN in this audience" in capsys.readouterr().out
