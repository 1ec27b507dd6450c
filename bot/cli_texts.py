"""The command line in `CLI_LANGUAGE`: help texts from `messages/<lang>/cli.toml`, and the
words argparse itself writes (the usage line, section titles, `-h`, argument errors) in the
same language.

argparse builds its error messages in English before `error()` sees them; rather than
installing a gettext catalogue for the whole process, `TranslatedParser.error` recognises
argparse's few message shapes and says them again from `cli.toml`. A shape it does not know
is shown as argparse wrote it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, ClassVar, NoReturn
from zoneinfo import ZoneInfo

from messages import Renderer

#: argparse's messages (Python 3.11–3.13), each with the label that says it in our languages.
_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), key)
    for pattern, key in (
        (r"the following arguments are required: (?P<names>.+)", "cli.argparse.required"),
        (
            r"argument (?P<argument>.+?): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)",
            "cli.argparse.invalid_choice",
        ),
        (r"argument (?P<argument>.+?): invalid \S+ value: (?P<value>.+)", "cli.argparse.invalid_value"),
        (r"argument (?P<argument>.+?): expected one argument", "cli.argparse.expected_one"),
        (r"argument (?P<argument>.+?): not allowed with argument (?P<other>.+)", "cli.argparse.not_allowed"),
        (r"one of the arguments (?P<names>.+) is required", "cli.argparse.one_required"),
        (r"unrecognized arguments: (?P<values>.+)", "cli.argparse.unrecognized"),
        (r"ambiguous option: (?P<option>.+) could match (?P<matches>.+)", "cli.argparse.ambiguous"),
    )
)


class CliTexts:
    """Labels of `messages/<lang>/*.toml` in one language, for the command line."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        # Labels need no time zone; the renderer wants one for its date filters.
        self.renderer = Renderer(ZoneInfo("UTC"))

    def __call__(self, key: str, /, **values: object) -> str:
        """The label `key` with `values` filled in."""
        return self.renderer.label(key, self.lang, **values)

    def help(self, key: str, /, **values: object) -> str:
        """A help text of `cli.toml` (`cli.help.<key>`), `%` escaped for argparse."""
        return self(f"cli.help.{key}", **values).replace("%", "%%")

    def metavar(self, key: str) -> str:
        """How the help names an argument's value (`cli.metavar.<key>`): `BERKAS`, `FILE`."""
        return self(f"cli.metavar.{key}")

    def argparse_message(self, message: str) -> str:
        """argparse's English `message` in this language (unchanged when its shape is unknown)."""
        for pattern, key in _ARGPARSE_MESSAGES:
            match = pattern.fullmatch(message)
            if match is not None:
                return self(key, **match.groupdict())
        return message


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout with the usage line's prefix in the parser's language."""

    usage_prefix: ClassVar[str] = "usage: "

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, self.usage_prefix if prefix is None else prefix)


class TranslatedParser(argparse.ArgumentParser):
    """An `ArgumentParser` whose own words are in `texts`' language; its sub-parsers are too
    (argparse makes them of the parent's class)."""

    texts: ClassVar[CliTexts]
    formatter: ClassVar[type[_Formatter]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", self.formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = self.texts("cli.argparse.positionals")
        self._optionals.title = self.texts("cli.argparse.options")
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help=self.texts.help("show_help")
        )

    def error(self, message: str) -> NoReturn:
        """The usage line and the error, in the parser's language; exit status 2."""
        self.print_usage(sys.stderr)
        text = self.texts("cli.argparse.error", prog=self.prog, message=self.texts.argparse_message(message))
        self.exit(2, text + "\n")


def parser_class(texts: CliTexts) -> type[argparse.ArgumentParser]:
    """A `TranslatedParser` class speaking `texts`' language."""

    class Formatter(_Formatter):
        usage_prefix = texts("cli.argparse.usage")

    class Parser(TranslatedParser):
        pass

    Parser.texts = texts
    Parser.formatter = Formatter
    return Parser
