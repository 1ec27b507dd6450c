"""What an import is about: the kinds of file, their columns (DESIGN.md, "Import files"), the
report of a done import, and the errors of a refused one.

An error carries a reason code and its values, not words: the CLI renders it from
`messages/<lang>/imports.toml` (label `import.<reason>`) in the language HR reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class ImportKind(StrEnum):
    """What an import file holds (`asn-bot import KIND FILE`)."""

    EMPLOYEES = "employees"
    STANDARDS = "standards"
    ASSESSMENTS = "assessments"
    HISTORY = "history"
    EVENTS = "events"
    PROGRAMMES = "programmes"


REQUIRED_COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.EMPLOYEES: ("nip", "nama", "jabatan", "jenis_jabatan", "unit_kerja", "golongan", "telepon"),
    ImportKind.STANDARDS: ("jabatan", "kompetensi", "kelompok", "level"),
    ImportKind.ASSESSMENTS: ("nip", "kompetensi", "level", "tanggal"),
    ImportKind.HISTORY: ("nip", "judul", "tanggal_selesai", "jp"),
    ImportKind.EVENTS: (
        "kode",
        "judul",
        "jenis",
        "penyelenggara",
        "mulai",
        "selesai",
        "lokasi",
        "kuota",
        "batas_daftar",
        "jp",
    ),
    ImportKind.PROGRAMMES: ("judul", "kompetensi", "jp", "kursi_per_angkatan", "maks_angkatan"),
}

OPTIONAL_COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.EMPLOYEES: ("email", "status"),
    ImportKind.STANDARDS: (),
    ImportKind.ASSESSMENTS: ("metode",),
    ImportKind.HISTORY: ("penyelenggara",),
    ImportKind.EVENTS: ("kompetensi", "sasaran_jabatan", "deskripsi", "biaya"),
    # at least one of the two costs on every row
    ImportKind.PROGRAMMES: ("biaya_per_angkatan", "biaya_per_peserta"),
}

#: A refused import lists this many problems; checking stops there, and the rest of the file is
#: only counted (a 200,000-row file of bad rows would otherwise print a million lines).
MAX_ERRORS = 100

Values = dict[str, str | int]
"""What a reason's words are filled with: the cell as written, limits, line numbers."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in a file: the line as Excel shows it (the header is line 1), the column, and
    why — a reason code (`nip_length`) with the values its label is filled with."""

    line: int
    column: str | None
    reason: str
    values: Values = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The key of the reason's words in `messages/<lang>/imports.toml`."""
        return f"import.{self.reason}"


class ImportRejected(Exception):
    """The file has bad rows; nothing was changed.

    `errors` lists the first `MAX_ERRORS` problems by line; `problems` counts every problem found
    and `bad_rows` the rows they are in (a row may have several); `unchecked` counts the rows after
    the one where checking stopped, once `MAX_ERRORS` problems had been found.
    """

    def __init__(self, errors: Sequence[RowError], *, unchecked: int = 0) -> None:
        ordered = sorted(errors, key=lambda error: error.line)
        self.errors = ordered[:MAX_ERRORS]
        self.problems = len(ordered)
        self.bad_rows = len({error.line for error in ordered})
        self.unchecked = unchecked
        first = self.errors[0] if self.errors else None
        summary = f"; baris {first.line}: {first.reason} {first.values}" if first else ""
        super().__init__(f"impor ditolak, {self.problems} masalah di {self.bad_rows} baris{summary}")


class UnreadableFile(ImportRejected):
    """The file as a whole cannot be read: unknown format, not UTF-8, no header row, a broken workbook.

    Its single error has line 0 when it concerns the whole file, line 1 when it is the header row.
    """

    def __init__(self, reason: str, *, line: int = 0, column: str | None = None, **values: str | int) -> None:
        super().__init__([RowError(line, column, reason, values)])


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: data rows read, and how many records were new, changed or already so."""

    kind: ImportKind
    rows: int
    created: int
    updated: int
    unchanged: int
