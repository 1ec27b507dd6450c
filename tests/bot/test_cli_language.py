"""The command line speaks `CLI_LANGUAGE` everywhere an HR officer reads it: `--help`,
argparse's own errors, and a configuration that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

ENGLISH_IN_INDONESIAN = ("usage:", "show this help", "positional arguments", "options:", "error:", "required")


@pytest.fixture(autouse=True)
def _scratch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An operator's folder with nothing configured but what a test sets."""
    for name in ("CLI_LANGUAGE", "TELEGRAM_BOT_TOKEN", "BROADCAST_RATE", "BOT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _flat(text: str) -> str:
    """Help text as one line: argparse wraps it to the terminal's width."""
    return " ".join(text.split())


def _exit(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    return int(stopped.value.code or 0)


def test_help_is_in_indonesian_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit(["--help"]) == 0
    out = _flat(capsys.readouterr().out)
    assert out.startswith("penggunaan: asn-bot")
    assert "tampilkan bantuan ini lalu keluar" in out
    assert "jalankan bot (polling, atau webhook bila WEBHOOK_URL diisi)" in out
    assert not [word for word in ENGLISH_IN_INDONESIAN if word in out]


def test_a_sub_command_help_is_in_indonesian_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit(["broadcast", "--help"]) == 0
    out = _flat(capsys.readouterr().out)
    assert "--unit UNIT_KERJA" in out
    assert "--rank GOLONGAN" in out
    assert "para pendaftar kegiatan dengan kode ini" in out
    assert "hanya tampilkan jumlah penerima" in out
    assert not [word for word in ENGLISH_IN_INDONESIAN if word in out]


def test_help_is_in_english_when_the_cli_language_is_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLI_LANGUAGE", "en")
    assert _exit(["export", "registrations", "-h"]) == 0
    out = _flat(capsys.readouterr().out)
    assert out.startswith("usage: asn-bot export registrations")
    assert "EVENT_CODE" in out
    assert "semicolons, for Indonesian-locale Excel" in out
    assert "pilihan" not in out


def test_the_language_is_also_read_from_the_dotenv_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text("CLI_LANGUAGE=en\nBROADCAST_RATE=cepat\n", encoding="utf-8")
    assert _exit(["--help"]) == 0
    assert "show this help and exit" in _flat(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("argv", "indonesian", "english"),
    [
        (
            ["import"],
            "argumen berikut wajib diisi: JENIS, BERKAS",
            "the following arguments are required: KIND, FILE",
        ),
        (
            ["nope"],
            "argumen PERINTAH: pilihan tidak dikenal: 'nope'",
            "argument COMMAND: invalid choice: 'nope'",
        ),
        (
            ["admin", "grant", "satu", "hr"],
            "argumen ID_TELEGRAM: nilai tidak valid: 'satu'",
            "argument TELEGRAM_ID: invalid value: 'satu'",
        ),
        (
            ["broadcast", "--dry-run"],
            "salah satu argumen --text --file wajib diisi",
            "one of the arguments --text --file is required",
        ),
        (["verify", "A", "B"], "argumen tidak dikenal: B", "unrecognized arguments: B"),
    ],
)
def test_argument_errors_are_in_the_cli_language(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    indonesian: str,
    english: str,
) -> None:
    assert _exit(argv) == 2
    err = _flat(capsys.readouterr().err)
    assert err.startswith("penggunaan: asn-bot")
    assert f"galat: {indonesian}" in err
    monkeypatch.setenv("CLI_LANGUAGE", "en")
    assert _exit(argv) == 2
    err = _flat(capsys.readouterr().err)
    assert err.startswith("usage: asn-bot")
    assert f"error: {english}" in err


def test_a_bad_configuration_is_explained_in_the_cli_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BROADCAST_RATE", "cepat")
    monkeypatch.setenv("BOT_TIMEZONE", "Asia/Kupang")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "Konfigurasi tidak valid:" in err
    assert "BROADCAST_RATE: harus berupa angka, tertulis 'cepat'" in err
    assert "BOT_TIMEZONE: zona waktu tidak dikenal: 'Asia/Kupang'" in err
    assert "Invalid" not in err
    monkeypatch.setenv("CLI_LANGUAGE", "en")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "Invalid configuration:" in err
    assert "BROADCAST_RATE: must be a number, written 'cepat'" in err


def test_an_unknown_cli_language_is_itself_reported_in_indonesian(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLI_LANGUAGE", "fr")
    assert main(["db", "upgrade"]) == 2
    assert "CLI_LANGUAGE: harus salah satu dari 'id', 'en', tertulis 'fr'" in capsys.readouterr().err
