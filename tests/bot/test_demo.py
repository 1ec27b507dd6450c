"""`asn-bot demo` on a fresh machine: offline, the real bot, a chat in the terminal."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from db.seed import DEMO_ACCOUNTS

ROOT = Path(__file__).resolve().parents[2]


async def _demo(tmp_path: Path) -> asyncio.subprocess.Process:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        cwd=tmp_path,
        env=environment | {"PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_a_newcomer_links_a_sample_account_and_sees_their_profile(tmp_path: Path) -> None:
    account = DEMO_ACCOUNTS[0]
    script = f"1\n/start\n{account.nip}\n/kontak\n/profil\n/keluar\n"
    process = await _demo(tmp_path)
    stdout, stderr = await asyncio.wait_for(process.communicate(script.encode()), timeout=90)
    output = stdout.decode()
    assert process.returncode == 0, stderr.decode()
    assert account.nip in output  # the sample accounts are printed
    assert "Selamat datang di ASN Karier" in output
    title = "Ibu" if account.nip[14] == "2" else "Bapak"
    assert f"Selamat datang, {title} {account.name}!" in output
    assert account.position in output
    assert "Traceback" not in stderr.decode()
    assert not await asyncio.to_thread(
        lambda: list(tmp_path.iterdir())
    )  # nothing left in the working directory


async def test_ctrl_c_ends_the_demo_without_a_traceback(tmp_path: Path) -> None:
    process = await _demo(tmp_path)
    assert process.stdout is not None
    await asyncio.wait_for(process.stdout.readuntil(b"(1"), timeout=60)
    process.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in stderr.decode()


async def test_the_hr_officer_and_the_organizer_each_see_their_admin_menu(tmp_path: Path) -> None:
    script = "5\n/admin\n/as organizer\n/admin\n/as asn 2\n/start\n/as penjual\n/keluar\n"
    process = await _demo(tmp_path)
    stdout, stderr = await asyncio.wait_for(process.communicate(script.encode()), timeout=90)
    output = stdout.decode()
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    hr_part, _, rest = output.partition("Anda sekarang penyelenggara")
    organizer_part, _, asn_part = rest.partition("Anda sekarang ASN")
    # the HR officer: every event, and the roles screen besides the announcements
    assert "Menu admin</b>" not in hr_part  # the terminal shows the chat as plain text
    assert "Menu admin — semua kegiatan" in hr_part
    assert "Peran dan penyelenggara" in hr_part
    assert "Pengumuman" in hr_part
    # the organizer: the university's events only, and none of HR's tools
    assert "Menu admin — kegiatan Universitas Nusa Cendana" in organizer_part
    assert "Peran dan penyelenggara" not in organizer_part
    assert "BPSDM Provinsi NTT" not in organizer_part
    # back as a sample ASN, who links with /start
    assert DEMO_ACCOUNTS[1].name.split()[0] in asn_part
    assert "Selamat datang di ASN Karier" in asn_part
    assert "Berganti peran kapan saja" in asn_part  # an unknown persona shows how to switch


async def test_the_hr_officer_makes_and_publishes_an_event_in_the_demo(tmp_path: Path) -> None:
    script = (
        "5\n/admin\n➕ Buat acara\n🎓 Pelatihan\nPelatihan Penulisan Naskah Dinas\n"
        "BPSDM Provinsi NTT\n⏭ Lewati (pakai yang sekarang)\nAula BKPSDM Kota Kupang\n"
        "📋 Ringkasan\n🚀 Terbitkan\n/admin\n/keluar\n"
    )
    process = await _demo(tmp_path)
    stdout, stderr = await asyncio.wait_for(process.communicate(script.encode()), timeout=90)
    output = stdout.decode()
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    made, _, listed = output.partition("🚀 Terbitkan")
    assert "Pelatihan Penulisan Naskah Dinas" in made
    assert "Aula BKPSDM Kota Kupang" in made
    assert "diterbitkan" in listed
    assert "BPSDM Provinsi NTT" in made  # offered as a known organizer from the sample events
