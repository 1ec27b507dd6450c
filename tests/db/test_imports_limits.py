"""A huge file of bad rows is refused quickly and readably: checking stops after `MAX_ERRORS`
problems, the rest of the rows are only counted, and problems and rows are counted apart (one
row may have several problems)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import MAX_ERRORS, ImportKind, ImportRejected
from tests.utils.import_files import EMPLOYEE_HEADER, MARIA, load, snapshot, write_csv

BAD_ROWS = 200_000
# Every row has three bad cells: the NIP, the rank and the phone number.
BAD = ["12345", "Tanpa NIP", "Pelaksana Umum", "Pelaksana", "BKPSDM Kota Kupang", "V/a", "abc", ""]


def huge_bad_file(path: Path, rows: int = BAD_ROWS) -> Path:
    """A roster of `rows` rows, each with three problems."""
    return write_csv(path, [EMPLOYEE_HEADER, *([BAD] * rows)])


async def test_a_file_of_200000_bad_rows_stops_after_the_first_hundred_problems(
    session: AsyncSession, tmp_path: Path
) -> None:
    before = await snapshot(session)
    with pytest.raises(ImportRejected) as refused:
        await load(session, ImportKind.EMPLOYEES, huge_bad_file(tmp_path / "besar.csv"))
    rejected = refused.value
    assert len(rejected.errors) == MAX_ERRORS
    checked_rows = -(-MAX_ERRORS // 3)  # the row on which the hundredth problem was found
    assert rejected.problems == 3 * checked_rows
    assert rejected.bad_rows == checked_rows
    assert rejected.unchecked == BAD_ROWS - checked_rows
    assert [error.line for error in rejected.errors[:3]] == [2, 2, 2]
    assert await snapshot(session) == before


async def test_a_few_bad_rows_among_good_ones_are_all_reported(session: AsyncSession, tmp_path: Path) -> None:
    rows = [EMPLOYEE_HEADER, MARIA, BAD, BAD]
    with pytest.raises(ImportRejected) as refused:
        await load(session, ImportKind.EMPLOYEES, write_csv(tmp_path / "kecil.csv", rows))
    rejected = refused.value
    assert (rejected.problems, rejected.bad_rows, rejected.unchecked) == (6, 2, 0)
    assert {error.line for error in rejected.errors} == {3, 4}
