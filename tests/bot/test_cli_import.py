"""`asn-bot import` as an HR officer reads it: the kind named in words, problems and rows counted
apart, events on a day off pointed out, and a fresh database made ready instead of a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.test_cli import GOOD, HEADER, UNIT

# 6 problems in 4 rows: a bad NIP; a rank and a phone; a NIP and a rank; a position type.
SIX_IN_FOUR = (
    HEADER
    + f"12345,Tanpa NIP,Pelaksana Umum,Pelaksana,{UNIT},II/a,081234567891,\n"
    + f"198609262015052001,Maria Goreti Bria,Analis,Fungsional,{UNIT},V/a,abc,\n"
    + f"1978,Yohanes Nahak,Kepala Bidang,Administrator,{UNIT},IV/f,081234567892,\n"
    + f"199403142019032003,Dorkas Bani,Pengadministrasi,Honorer,{UNIT},II/c,081234567893,\n"
)
THREE_IN_ONE = HEADER + f"12345,Tanpa NIP,Pelaksana Umum,Pelaksana,{UNIT},V/a,abc,\n"
ONE_IN_ONE = HEADER + f"12345,Tanpa NIP,Pelaksana Umum,Pelaksana,{UNIT},II/a,081234567891,\n"
EVENTS = (
    "kode,judul,jenis,penyelenggara,mulai,selesai,lokasi,kuota,batas_daftar,jp\n"
    "NATAL-01,Seminar Akhir Tahun,seminar,BKPSDM Kota Kupang,25/12/2026 09.00,25/12/2026 12.00,Aula,50,"
    "20/12/2026,4\n"
    "MINGGU-01,Pelatihan Akhir Pekan,pelatihan,BKPSDM Kota Kupang,26/12/2026 08.00,28/12/2026 16.00,Aula,30,"
    "20/12/2026,24\n"
    "SENIN-01,Pelatihan Awal Tahun,pelatihan,BKPSDM Kota Kupang,11/01/2027 08.00,12/01/2027 16.00,Aula,30,"
    "06/01/2027,16\n"
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    """The CLI configured through the environment, as an operator would, in a scratch folder."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("CLI_LANGUAGE", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _import(env: Path, text: str, kind: str = "employees") -> int:
    path = env / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return main(["import", kind, str(path)])


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("id", "Impor data pegawai berhasil: 2 baris (2 baru, 0 diperbarui, 0 tidak berubah)."),
        ("en", "Import of the roster done: 2 rows (2 new, 0 updated, 0 unchanged)."),
    ],
)
def test_a_done_import_names_its_kind_in_words(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    monkeypatch.setenv("CLI_LANGUAGE", lang)
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()

    assert _import(env, GOOD) == 0

    out = capsys.readouterr().out
    assert out.splitlines() == [said]
    assert "employees" not in out


@pytest.mark.parametrize(
    ("lang", "text", "first"),
    [
        ("id", SIX_IN_FOUR, "Impor dibatalkan, tidak ada data yang diubah. 6 masalah di 4 baris:"),
        ("en", SIX_IN_FOUR, "Import cancelled, nothing was changed. 6 problems in 4 rows:"),
        ("id", THREE_IN_ONE, "Impor dibatalkan, tidak ada data yang diubah. 3 masalah di 1 baris:"),
        ("en", THREE_IN_ONE, "Import cancelled, nothing was changed. 3 problems in 1 row:"),
        ("en", ONE_IN_ONE, "Import cancelled, nothing was changed. 1 problem in 1 row:"),
    ],
)
def test_a_refusal_counts_problems_and_rows_apart(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    text: str,
    first: str,
) -> None:
    monkeypatch.setenv("CLI_LANGUAGE", lang)

    assert _import(env, text) == 1

    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == first
    assert len(errors) == 1 + int(first.split(". ")[1].split()[0])


def test_an_unknown_column_is_named_with_the_known_ones(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD.replace("email\n", "email,catatan\n", 1)

    assert _import(env, text) == 1

    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == "Impor dibatalkan, tidak ada data yang diubah:"
    assert errors[1].startswith(
        "  baris 1: kolom tidak dikenal: 'catatan'; periksa ejaannya. Kolom wajib: nip, nama,"
    )
    assert "Kolom pilihan: email" in errors[1]


def test_a_fresh_database_is_upgraded_before_the_first_import(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{env / 'baru.db'}")

    assert _import(env, GOOD) == 0

    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "Basis data belum pada versi terbaru, jadi diperbarui lebih dulu (seperti asn-bot db upgrade).",
        "Impor data pegawai berhasil: 2 baris (2 baru, 0 diperbarui, 0 tidak berubah).",
    ]
    assert captured.err == ""
    assert _import(env, GOOD) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Impor data pegawai berhasil: 2 baris (0 baru, 0 diperbarui, 2 tidak berubah)."
    ]


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "id",
            [
                "Impor kegiatan berhasil: 3 baris (3 baru, 0 diperbarui, 0 tidak berubah).",
                "Perhatian: kegiatan berikut jatuh pada hari Minggu atau hari libur nasional. "
                "Kegiatan tetap diimpor; periksa kembali tanggalnya.",
                "  baris 2: NATAL-01, Jumat, 25 Desember 2026 (Hari Raya Natal)",
                "  baris 3: MINGGU-01, Minggu, 27 Desember 2026",
            ],
        ),
        (
            "en",
            [
                "Import of the events done: 3 rows (3 new, 0 updated, 0 unchanged).",
                "Note: these events fall on a Sunday or a national holiday. They were imported; "
                "check their dates again.",
                "  line 2: NATAL-01, Friday, 25 December 2026 (Christmas Day)",
                "  line 3: MINGGU-01, Sunday, 27 December 2026",
            ],
        ),
    ],
)
def test_events_on_a_sunday_or_a_holiday_are_imported_with_a_warning(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    lines: list[str],
) -> None:
    monkeypatch.setenv("CLI_LANGUAGE", lang)
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()

    assert _import(env, EVENTS, "events") == 0

    assert capsys.readouterr().out.splitlines() == lines
