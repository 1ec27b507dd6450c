"""Importing HR's files: the roster, position standards, assessment results, JP history,
events and training programmes, from `.csv` or `.xlsx` (the column contract is in DESIGN.md, "Import files").

An import is all or nothing: every row is checked in memory, and only a file without a single
bad row is written, upserting by natural key in one transaction, so importing the same file
twice changes nothing. A bad row is reported as a reason code with values, which the CLI
renders from `messages/<lang>/imports.toml`.

- `contract`: the kinds, their columns (a file with a column its kind does not know is refused),
  the report (with the events that fall on a day off) and the errors;
- `reading`: `.csv` and `.xlsx` into rows of text; `cells`: the check of one cell (dates and
  times as the chat reads them, `db.office_time`); `event_cells`: the cells of an events file
  that set how seats are given, approval, the online link and who may register;
- `lines`: the rows while they are checked; `names`: what is already stored by name or NIP;
- `writer`: the one "diff by natural key and write";
- `employees`, `standards`, `records` (assessments, history), `events`, `programmes` (the
  budget plan's candidates): one importer per kind;
- `importing`: the entry points; `schema`: a database brought up to date before an import.
"""

from db.imports.contract import (
    MAX_ERRORS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    DayOff,
    ImportKind,
    ImportRejected,
    ImportReport,
    RowError,
    UnreadableFile,
    unknown_columns,
)
from db.imports.importing import import_file, import_rows
from db.imports.reading import read_rows

__all__ = [
    "MAX_ERRORS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "DayOff",
    "ImportKind",
    "ImportRejected",
    "ImportReport",
    "RowError",
    "UnreadableFile",
    "import_file",
    "import_rows",
    "read_rows",
    "unknown_columns",
]
