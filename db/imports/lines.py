"""The rows of one import while they are checked: every failed check becomes a RowError, and
the file is refused only after its rows have been looked at, so HR sees every problem — up to
`MAX_ERRORS` of them: then checking stops and the rest of the rows are only counted."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar
from zoneinfo import ZoneInfo

from db.imports.cells import CellError
from db.imports.contract import MAX_ERRORS, DayOff, ImportRejected, RowError

T = TypeVar("T")


@dataclass(slots=True)
class Line:
    """One data row being checked; every failed check adds a RowError and marks the row bad."""

    number: int
    values: Mapping[str, str]
    errors: list[RowError]
    ok: bool = True

    def take(self, column: str, parse: Callable[[str], T], default: T) -> T:
        """The parsed cell, or `default` after recording why it is bad."""
        try:
            return parse(self.values.get(column, ""))
        except CellError as invalid:
            self.fail(column, invalid.reason, **invalid.values)
            return default

    def fail(self, column: str | None, reason: str, **values: str | int) -> None:
        self.errors.append(RowError(self.number, column, reason, values))
        self.ok = False


@dataclass(slots=True)
class Source:
    """The rows of one import and what it needs to check them."""

    headers: frozenset[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    timezone: ZoneInfo
    today: date
    errors: list[RowError] = field(default_factory=list)
    count: int = 0
    #: rows not checked because `MAX_ERRORS` problems had been found before them
    unchecked: int = 0
    #: imported events that fall on a Sunday or a national holiday (a warning, not a refusal)
    days_off: list[DayOff] = field(default_factory=list)

    def lines(self) -> Iterator[Line]:
        """The rows to check, until `MAX_ERRORS` problems are found; the rest are only counted."""
        for number, values in self.rows:
            self.count += 1
            if len(self.errors) >= MAX_ERRORS:
                self.unchecked = 1 + sum(1 for _ in self.rows)
                self.count += self.unchecked - 1
                return
            yield Line(number, values, self.errors)

    def has(self, column: str) -> bool:
        """Is this optional column in the file? Absent columns leave stored values alone."""
        return column in self.headers

    def reject_if_errors(self) -> None:
        if self.errors:
            raise ImportRejected(self.errors, unchecked=self.unchecked)


class FirstLines:
    """The line each natural key was first seen on: a key seen again makes the later line bad."""

    def __init__(self, column: str, reason: str) -> None:
        self.column = column
        self.reason = reason
        self.seen: dict[Hashable, int] = {}

    def first(self, key: Hashable, line: Line) -> bool:
        """Record the key; False (and the line is bad) when an earlier line has it."""
        first = self.seen.setdefault(key, line.number)
        if first != line.number:
            line.fail(self.column, self.reason, first=first)
            return False
        return True
