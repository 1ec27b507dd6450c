"""What an import finds already stored by name or NIP: positions, units and competencies
matched regardless of case and spacing, and the roster; with the cell checks that need them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.imports.cells import CellError, collapse, fold, nip
from db.imports.writer import insert_rows
from db.models import Employee


class Names:
    """Ids of positions, units or competencies by name, matched regardless of case and spacing
    (HR files write 'analis kebijakan ahli muda' for 'Analis Kebijakan Ahli Muda')."""

    def __init__(self, table: Table, rows: Iterable[tuple[int, str]]) -> None:
        self.table = table
        self.ids: dict[str, int] = {}
        for id_, name in rows:
            self.ids.setdefault(fold(name), id_)
        self.wanted: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, str] = {}

    @classmethod
    async def load(cls, session: AsyncSession, table: Table) -> Names:
        result = await session.execute(select(table.c.id, table.c.name))
        return cls(table, result.tuples())

    def _key(self, name: str) -> str:
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = fold(name)
        return key

    def find(self, name: str) -> int | None:
        return self.ids.get(self._key(name))

    def want(self, name: str, **columns: Any) -> None:
        """Create this name on write unless it exists (the first spelling in the file wins)."""
        key = self._key(name)
        if key not in self.ids:
            self.wanted.setdefault(key, {"name": name, **columns})

    def id(self, name: str) -> int:
        return self.ids[self._key(name)]

    async def ids_for(self, names: set[str], conn: AsyncConnection) -> dict[str, int]:
        """Ids of these names as written, creating those that do not exist yet."""
        for name in names:
            self.want(name)
        await self.create_wanted(conn)
        return {name: self.id(name) for name in names}

    async def create_wanted(self, conn: AsyncConnection) -> None:
        """Insert the wanted names, then learn their ids (one query)."""
        if not self.wanted:
            return
        await insert_rows(conn, self.table, list(self.wanted.values()))
        result = await conn.execute(select(self.table.c.id, self.table.c.name))
        for id_, name in result.tuples():
            self.ids.setdefault(fold(name), id_)
        self.wanted = {}


async def roster(session: AsyncSession) -> dict[str, int]:
    """Employee ids by NIP."""
    result = await session.execute(select(Employee.nip, Employee.id))
    return dict(result.tuples().all())


def on_roster(employees: Mapping[str, int]) -> Callable[[str], int]:
    """A NIP that is on the roster, as the employee's id."""

    def parse(raw: str) -> int:
        found = nip(raw)
        employee_id = employees.get(found)
        if employee_id is None:
            raise CellError("nip_not_on_roster", nip=found)
        return employee_id

    return parse


def known(names: Names, reason: str) -> Callable[[str], int]:
    """A required name that must exist (`reason` when it does not), as its id."""

    def parse(raw: str) -> int:
        name = collapse(raw)
        if not name:
            raise CellError("required")
        found = names.find(name)
        if found is None:
            raise CellError(reason, name=name)
        return found

    return parse


def known_list(names: Names, reason: str) -> Callable[[str], frozenset[int]]:
    """`;`-separated names that must all exist (`reason` lists those that do not)."""

    def parse(raw: str) -> frozenset[int]:
        wanted = [collapse(part) for part in raw.split(";") if part.strip()]
        unknown = [name for name in wanted if names.find(name) is None]
        if unknown:
            raise CellError(reason, names=", ".join(f"'{name}'" for name in unknown))
        return frozenset(names.id(name) for name in wanted)

    return parse
