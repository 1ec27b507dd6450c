"""Indonesian texts speak formal Indonesian: no English word from a short list, and the bot
speaks as "kami", never "saya"/"aku".

A template is read as its reader sees it: the text between Jinja's tags and the strings Jinja
prints (a mapping's values, a condition's branches), not its code (names, a mapping's keys,
values compared against, label keys, template names). A label is read with its `{placeholders}`
removed. What the user types or runs is a name, not a word: commands (`/hadir`), command-line
options (`--file`, `asn-bot …`) and `<code>` examples are left out.

Not on the list, on purpose: "level" (the official term of the competency standard,
PermenPANRB 38/2017), "Job Person Match" (BKN's name of the measure), "seminar", "webinar",
"bot", "admin", "demo", "server", "kode QR" (in KBBI or the usage of government offices), and
"email" (the import column's name, and what offices write). "online"/"offline" are on it:
formal Indonesian, and every government circular, says "daring"/"luring". Button and
command-menu labels speak for the user ("Profil saya"), so "saya" is allowed there and only there.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator

import pytest
from jinja2 import Environment

from messages.renderer import ROOT

#: English words an Indonesian reader should never meet, each with the Indonesian to use.
ENGLISH: dict[str, str] = {
    "file": "berkas",
    "files": "berkas",
    "gap": "kesenjangan",
    "gaps": "kesenjangan",
    "employee": "pegawai",
    "employees": "pegawai",
    "attended": "hadir",
    "registered": "terdaftar",
    "event": "kegiatan",
    "events": "kegiatan",
    "upload": "unggah",
    "download": "unduh",
    "submit": "kirim",
    "rating": "penilaian",
    "ratings": "penilaian",
    "waitlist": "daftar tunggu",
    "waitlisted": "daftar tunggu",
    "deadline": "batas waktu",
    "online": "daring",
    "filter": "saring / pilihan",
    "offline": "luring",
    "chat": "percakapan",
    "link": "tautan",
    "feedback": "masukan",
    "reminder": "pengingat",
    "checkin": "presensi",
    "check": "periksa / presensi",
    "cancel": "batal",
    "cancelled": "dibatalkan",
    "pending": "menunggu",
    "approved": "disetujui",
    "rejected": "ditolak",
    "preview": "pratinjau",
    "draft": "draf",
    "training": "pelatihan",
    "vs": "dan / dibandingkan",
    "the": "—",
    "and": "dan",
    "of": "dari",
    "your": "Anda",
}
#: The bot's voice is "kami"; these are a speaker's "I".
FIRST_PERSON = ("saya", "aku")
#: Labels that speak for the user, where "saya" is the user's own word.
USER_VOICE = ("button.", "menu.", "command.")

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_NOT_WORDS = re.compile(
    r"<code>.*?</code>"  # examples typed as shown
    r"|<[^>]*>"  # HTML tags
    r"|\{[^{}]*\}"  # label placeholders
    r"|(?<![\w/])/[a-z_]+"  # chat commands
    r"|--[a-z-]+"  # command-line options
    r"|\basn-bot\b[^\n\"]*"  # a command line to run
    r"|\.[a-z]{2,4}\b"  # file extensions: .xlsx, .ics, .env
    r"|https?://\S+",
    re.DOTALL,
)
_ENV = Environment()


def _printed_strings(source: str) -> Iterator[str]:
    """The text of a template and the string literals it may print, in order."""
    tokens = [(kind, value) for _, kind, value in _ENV.lex(source) if kind != "whitespace"]
    for index, (kind, value) in enumerate(tokens):
        if kind == "data" or (kind == "string" and not _is_code(tokens, index)):
            yield value


def _is_code(tokens: list[tuple[str, str]], index: int) -> bool:
    """A string literal that is never shown: a key, a compared value, a name of a label or template."""
    before = tokens[index - 1] if index else ("", "")
    after = tokens[index + 1] if index + 1 < len(tokens) else ("", "")
    if after == ("operator", ":"):
        return True
    if before[1] in ("==", "!=", "in", "import", "from", "include", "extends", "is"):
        return True
    if before == ("operator", "(") and after == ("operator", ","):
        return True  # a macro's first argument naming what it shows: `value("deadline", …)`
    two_before = tokens[index - 2] if index > 1 else ("", "")
    return before == ("operator", "(") and two_before[1] in ("label", "get_template")


def template_texts(lang: str) -> Iterator[tuple[str, str]]:
    """(template file, a piece of its visible text) for every template of a language."""
    for path in sorted((ROOT / lang).glob("*.j2")):
        for text in _printed_strings(path.read_text(encoding="utf-8")):
            yield path.name, text


def label_texts(lang: str) -> Iterator[tuple[str, str, str]]:
    """(label file, key, value) for every label of a language."""
    for path in sorted((ROOT / lang).glob("*.toml")):
        for key, value in tomllib.loads(path.read_text(encoding="utf-8")).items():
            yield path.name, key, value


def words(text: str) -> list[str]:
    """The words a reader reads in `text`, lowercased."""
    return [word.lower() for word in _WORD.findall(_NOT_WORDS.sub(" ", text))]


def located_words(lang: str, *, user_voice: bool = True) -> Iterator[tuple[str, str]]:
    """(where, word) for every word of the language's templates and labels; without the labels
    that speak for the user when `user_voice` is false."""
    for name, text in template_texts(lang):
        for word in words(text):
            yield name, word
    for name, key, value in label_texts(lang):
        if user_voice or not key.startswith(USER_VOICE):
            for word in words(value):
                yield f"{name} {key}", word


def english_words(lang: str) -> list[str]:
    """Every English word from the list in the language's texts: where, the word, what to write."""
    return [f"{where}: «{word}» → {ENGLISH[word]}" for where, word in located_words(lang) if word in ENGLISH]


def test_an_indonesian_template_or_label_has_no_english_word() -> None:
    assert english_words("id") == []


def test_the_bot_speaks_as_kami_never_saya() -> None:
    found = [
        f"{where}: «{word}»" for where, word in located_words("id", user_voice=False) if word in FIRST_PERSON
    ]
    assert found == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Berkas kalender ada di /pendaftaran.", []),
        ("File kalender ada di /pendaftaran.", ["file"]),
        ("menutup gap Pelayanan Publik", ["gap"]),
        ("kirim <code>asn-bot import employees data.xlsx</code> lagi", []),
        ("isi --text atau --file", []),
        ("Impor {kind} berhasil: {rows} baris", []),
        ("Laporan dalam berkas .xlsx", []),
        ("Kegiatan daring (Online)", ["online"]),
    ],
)
def test_the_check_reads_words_not_names(text: str, expected: list[str]) -> None:
    assert [word for word in words(text) if word in ENGLISH] == expected


def test_the_check_reads_what_a_template_prints_not_its_code() -> None:
    source = (
        '{% from "_reg.j2" import when %}{% if outcome == "registered" %}'
        '{{ {"attended": "hadir", "waitlisted": "Waitlist"}[status] }}'
        '{{ label("button.file") }}{{ " — File" if x else "" }}{% endif %}'
    )
    printed = " ".join(_printed_strings(source))
    assert [word for word in words(printed) if word in ENGLISH] == ["waitlist", "file"]
