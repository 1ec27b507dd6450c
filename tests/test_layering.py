"""Which part of the project may import or touch which: read from the source with `ast`.

- The domain (`db/`) and the words (`messages/`) know nothing of Telegram or of the bot.
- The offline Bot API (`bot.local_api`) is a tool around the bot, not part of it: within
  `bot/` only the demo and the CLI that starts it import it (tests and benchmarks may).
- python-telegram-bot's private modules are imported in one module, `bot.ptb_private`.
- The typed-input state (`ConversationState`, the `conversation_states` table) has one owner
  in `db/`, besides the model itself, and the bot never touches it directly.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "db", "messages", "tests", "bench")
MIGRATIONS = "db/migrations/"

LOCAL_API = "bot.local_api"
LOCAL_API_USERS = {"bot/demo.py", "bot/cli.py"}
PTB_PRIVATE_OWNER = {"bot/ptb_private.py"}
CONVERSATION_MODEL = "ConversationState"
CONVERSATION_TABLE = "conversation_states"
CONVERSATION_OWNER = {"db/conversation.py"}


@dataclass(frozen=True)
class Module:
    """One source file: its path from the repository root and its parsed tree."""

    path: str
    tree: ast.Module

    @property
    def package(self) -> str:
        """The dotted package the file's relative imports start from."""
        parts = self.path.removesuffix(".py").split("/")
        return ".".join(parts[:-1])

    def imports(self) -> set[str]:
        """Every module this file imports, at the top or inside a function.

        `from a.b import c` counts as importing `a.b` and `a.b.c`, since `c` may be a module."""
        names: set[str] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = self._absolute(node)
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names)
        return names

    def _absolute(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = self.package.split(".")[: len(self.package.split(".")) - node.level + 1]
        return ".".join([*package, *([node.module] if node.module else [])])

    def uses(self, name: str, table: str) -> bool:
        """Whether the code names the model `name` or spells the table `table` in a string
        (docstrings, which may mention the table, do not count)."""
        docstrings = {id(node) for node in _docstring_nodes(self.tree)}
        return any(_mentions(node, name, table) for node in ast.walk(self.tree) if id(node) not in docstrings)


def _mentions(node: ast.AST, name: str, table: str) -> bool:
    if isinstance(node, ast.Name):
        return node.id == name
    if isinstance(node, ast.Attribute):
        return node.attr == name
    if isinstance(node, ast.alias):
        return name in (node.name, node.asname)
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and table in node.value


def _docstring_nodes(tree: ast.Module) -> Iterator[ast.Constant]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                yield first.value


def _modules() -> list[Module]:
    modules = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            modules.append(Module(relative, ast.parse(path.read_text(encoding="utf-8"), relative)))
    return modules


MODULES = _modules()


def _in(module: Module, *folders: str) -> bool:
    return module.path.startswith(tuple(f"{folder}/" for folder in folders))


def _is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def _is_ptb_private(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "telegram" and any(part.startswith("_") for part in parts[1:])


def test_the_walk_sees_the_whole_project() -> None:
    paths = {module.path for module in MODULES}
    assert {"bot/app.py", "db/models.py", "messages/__init__.py", "tests/conftest.py"} <= paths


def test_the_domain_and_the_messages_know_nothing_of_telegram_or_the_bot() -> None:
    offenders = {
        module.path: sorted(
            name for name in module.imports() if _is_within(name, "telegram") or _is_within(name, "bot")
        )
        for module in MODULES
        if _in(module, "db", "messages")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_within_the_bot_only_the_demo_and_the_cli_import_the_offline_bot_api() -> None:
    importers = {
        module.path
        for module in MODULES
        if _in(module, "bot")
        and not _in(module, LOCAL_API.replace(".", "/"))
        and any(_is_within(name, LOCAL_API) for name in module.imports())
    }
    assert importers <= LOCAL_API_USERS


def test_ptb_private_modules_are_imported_in_one_module_only() -> None:
    importers = {
        module.path: sorted(name for name in module.imports() if _is_ptb_private(name)) for module in MODULES
    }
    assert {path for path, names in importers.items() if names} == PTB_PRIVATE_OWNER


def test_one_db_module_owns_the_conversation_state_and_the_bot_never_touches_it() -> None:
    users = {
        module.path
        for module in MODULES
        if _in(module, "bot", "db")
        and not module.path.startswith(MIGRATIONS)
        and module.path != "db/models.py"
        and module.uses(CONVERSATION_MODEL, CONVERSATION_TABLE)
    }
    assert users == CONVERSATION_OWNER
