"""The one renderer: Jinja2 templates under `messages/<lang>/`, short labels in `labels.toml`.

Templates are Telegram HTML (autoescaped, StrictUndefined). Filters format dates in the
office time zone the Indonesian way ("Senin, 7 Desember 2026, 09.00 WITA"), numbers
with the language's separators, and address the ASN by the NIP's sex digit:
`{{ name | addressed(nip) }}` is "Ibu Yosefina Lango" (db/address.py).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from db.address import honorific

LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"
ROOT: Final = Path(__file__).parent

_ZONE_NAMES: Final = {7: "WIB", 8: "WITA", 9: "WIT"}


_MORE: Final = {"id": "lainnya", "en": "more"}


def clip(value: object, width: int = 80) -> str:
    """`value` as text cut to `width` UTF-16 units (as Telegram counts) with "…": a long name in
    a list, whose whole is one press away (its detail, the export)."""
    text = str(value)
    if len(text.encode("utf-16-le")) // 2 <= width:
        return text
    while len(text.encode("utf-16-le")) // 2 > width - 1:
        text = text[: -max(1, (len(text.encode("utf-16-le")) // 2 - width + 1) // 2)]
    return text.rstrip() + "…"


def names(values: object, lang: str, count: int = 5, width: int = 60) -> str:
    """At most `count` names, each clipped, and how many more: "A, B, C (+12 lainnya)"."""
    listed = [str(value) for value in values] if isinstance(values, list | tuple) else [str(values)]
    shown = ", ".join(clip(value, width) for value in listed[:count])
    rest = len(listed) - count
    return f"{shown} (+{rest} {_MORE.get(lang, _MORE['en'])})" if rest > 0 else shown


@lru_cache(maxsize=4096)
def _day(day: date, pattern: str, lang: str) -> str:
    """A day in words, as Babel writes it: the same few event days fill every list and detail,
    and Babel takes tens of microseconds to write one each time."""
    return format_date(day, pattern, locale=lang)


class UnknownMessageError(KeyError):
    """A template or label that does not exist in the requested language."""


def zone_abbreviation(moment: datetime) -> str:
    """WIB / WITA / WIT for Indonesian offsets, else UTC±H."""
    offset = moment.utcoffset() or timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    return _ZONE_NAMES.get(hours, f"UTC{hours:+d}")


@cache
def _labels(lang: str) -> Mapping[str, str]:
    """Every `*.toml` of a language merged (one file per feature); a key defined twice is an error."""
    merged: dict[str, str] = {}
    for path in sorted((ROOT / lang).glob("*.toml")):
        with path.open("rb") as handle:
            for key, value in tomllib.load(handle).items():
                if key in merged:
                    raise ValueError(f"label {key!r} defined twice in messages/{lang}/")
                merged[key] = value
    return merged


def pick_language(code: str | None) -> str:
    """The supported language closest to a Telegram `language_code` (Indonesian by default)."""
    if code and code.split("-")[0].lower() in LANGUAGES:
        return code.split("-")[0].lower()
    return DEFAULT_LANGUAGE


class Renderer:
    """Renders templates and labels in a language, with dates in the office time zone."""

    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone
        self._envs = {lang: self._environment(lang) for lang in LANGUAGES}

    def _environment(self, lang: str) -> Environment:
        env = Environment(
            loader=FileSystemLoader(ROOT / lang),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            # the templates ship with the code: no file system check on every message
            auto_reload=False,
        )
        env.filters.update(
            datetime=lambda v: self.format_datetime(v, lang),
            date=lambda v: self.format_date(v, lang),
            shortdate=lambda v: self.format_date(v, lang, "d MMM y"),
            time=lambda v: self.format_time(v, lang),
            number=lambda v: format_decimal(v, locale=lang),
            clip=clip,
            names=lambda values, count=5, width=60: names(values, lang, count, width),
            addressed=lambda name, nip: self.addressed(name, nip, lang),
        )
        env.globals["label"] = lambda key, **kw: self.label(key, lang, **kw)
        return env

    def addressed(self, name: str, nip: str | None, lang: str) -> str:
        """The ASN's name with the form of address: "Ibu Yosefina Lango" / "Ms Yosefina Lango"."""
        return self.label(f"address.{honorific(nip)}", lang, name=name)

    def local(self, moment: datetime | str) -> datetime:
        """An aware instant (or its ISO text, as stored in an outbox message's context) in office time."""
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return moment.astimezone(self.timezone)

    def format_datetime(self, moment: datetime | str, lang: str) -> str:
        """'Senin, 7 Desember 2026, 09.00 WITA' / 'Monday, 7 December 2026, 09.00 WITA'."""
        local = self.local(moment)
        day = _day(local.date(), "EEEE, d MMMM y", lang)
        return f"{day}, {local:%H.%M} {zone_abbreviation(local)}"

    def format_date(self, value: date | datetime | str, lang: str, pattern: str = "EEEE, d MMMM y") -> str:
        """A date (or the office-time date of an instant) in words."""
        if isinstance(value, datetime | str):
            value = self.local(value).date()
        return _day(value, pattern, lang)

    def format_time(self, moment: datetime | str, lang: str) -> str:
        """'09.00 WITA'."""
        local = self.local(moment)
        return f"{format_time(local, 'HH.mm', locale=lang)} {zone_abbreviation(local)}"

    def render(self, name: str, lang: str, /, **context: Any) -> str:
        """Render `messages/<lang>/<name>.j2` (HTML) with the context, stripped of outer blank lines."""
        env = self._envs.get(lang) or self._envs[DEFAULT_LANGUAGE]
        try:
            template = env.get_template(f"{name}.j2")
        except Exception as exc:
            raise UnknownMessageError(f"{lang}/{name}") from exc
        return template.render(**context).strip()

    def warm(self) -> None:
        """Compile every template and load each language's labels and calendar data now, rather
        than on the message that first needs them (about 0.45 s for the two languages)."""
        for lang, env in self._envs.items():
            for name in env.list_templates(extensions=["j2"]):
                env.get_template(name)
            _labels(lang)
            _day(date(2000, 1, 1), "EEEE, d MMMM y", lang)

    def label(self, key: str, lang: str, /, **values: object) -> str:
        """A short plain-text string (button, command description) from the language's `*.toml`."""
        labels = _labels(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
        try:
            text = labels[key]
        except KeyError as exc:
            raise UnknownMessageError(f"{lang}/labels.toml:{key}") from exc
        return text.format(**values) if values else text


def template_names(lang: str) -> set[str]:
    """Every template of a language, by name."""
    return {p.stem for p in (ROOT / lang).glob("*.j2")}


def label_keys(lang: str) -> set[str]:
    """Every label key of a language."""
    return set(_labels(lang))
