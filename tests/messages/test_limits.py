"""Every template, rendered in both languages with maximal data, fits Telegram's limits.

Maximal data: every text the imports and the domain accept at its longest (column lengths in
`db.models`, import checks in `db.imports`, an announcement up to its `TEXT_LIMIT`, a comment up
to `COMMENT_LENGTH`), written in characters Telegram counts twice (UTF-16 surrogate pairs), and
every list as long as its screen shows. The contexts grow from `test_renderer.CONTEXTS`, so a
new template without a context there (or in `NO_DATA` below) fails here instead of being skipped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from bot.handlers.admin.events import EVENTS_PER_PAGE
from bot.handlers.admin.pickers import PICK_PER_PAGE
from bot.handlers.admin.registrants import REGISTRANTS_PER_PAGE
from bot.handlers.announce.audience import OPTIONS_PER_PAGE
from bot.handlers.announce.progress import HISTORY_PER_PAGE
from bot.handlers.catalog import PER_PAGE
from bot.handlers.registration.common import GROUP_LIMIT, PAST_LIMIT, UPCOMING
from bot.handlers.registration.mine import GROUP_ORDER
from bot.ui import limits
from db import deadlines
from db.announcements import TEXT_LIMIT
from db.registration.ratings import COMMENT_LENGTH, COMMENTS_SHOWN
from messages import LANGUAGES, Renderer
from messages.renderer import ROOT, clip, names, template_names
from tests.messages.test_renderer import COMMON, CONTEXTS, WITA


def long_text(length: int) -> str:
    """`length` characters, each two UTF-16 units, in words of ten."""
    word = "𝐀" * 9 + " "
    return (word * (length // len(word) + 1))[:length]


MOMENT = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
#: Templates sent as a photo's or a document's caption (`caption=` in bot/): 1,024. The reports'
#: summaries are messages; their files carry a label as caption (`CAPTION_LABELS`).
CAPTIONS = frozenset({"chart_caption", "my_data", "admin_checkin"})
#: Labels sent as captions, with the longest values they hold.
CAPTION_LABELS: dict[str, dict[str, object]] = {
    "admin.export_caption": {"code": long_text(40), "count": 10**6},
    "reg.ics_caption": {"title": long_text(300)},
    "reg.certificate_caption": {"title": long_text(300), "code": long_text(24)},
    "report.file_caption": {"name": long_text(100)},
}
#: Templates that show no data: rendered with `COMMON` only.
NO_DATA = frozenset(
    {
        "ask_contact", "ask_nip", "code_expired", "code_invalid", "code_used", "nip_missing",
        "contact_not_own", "employee_taken", "erase_kept", "erase_menu_closed", "error",
        "help", "link_cancelled", "nip_impossible", "nip_malformed", "nip_unknown", "not_linked",
        "phone_mismatch", "unknown_command", "unknown_text", "welcome", "my_data", "admin_gone",
        "admin_refused", "announce_discarded", "announce_gone", "announce_menu", "announce_refused",
        "event_gone", "reg_gone", "report_menu", "report_refused", "report_working",
        "report_ask_budget", "report_bad_budget", "language_set",
    }
)  # fmt: skip

#: The longest text each field may hold (db/models.py columns, db/imports checks, domain limits).
LENGTHS: dict[str, int] = {
    "name": 200,
    "employee_name": 200,
    "unit": 200,
    "units": 200,
    "position": 200,
    "position_name": 200,
    "competencies": 200,
    "competency": 200,
    "names": 200,
    "target_positions": 200,
    "leaders": 200,
    "title": 300,
    "event_title": 300,
    "organizer": 200,
    "organizers": 200,
    "location": 300,
    "description": 10_000,
    "method": 100,
    "code": 40,
    "event_code": 40,
    "reason_text": 300,
    "preview": 4096,
    "text": TEXT_LIMIT,
    "value": 4096,
}
#: The longest list each field shows (page sizes in the handlers, caps in the domain).
SIZES: dict[str, int] = {
    "recommendations": 3,
    "planned": 4,
    "comments": COMMENTS_SHOWN,
    "events": deadlines.LIMIT,
    "lines": HISTORY_PER_PAGE,
    "organizers": 20,
    "competencies": 10,
    "gaps_closed": 10,
    "target_positions": 10,
    "gaps": 5,
    "units": 10,
    "ranks": 17,
    "names": 40,
    "needs": 10,
    "funded": 10,
    "participants": 10,
    "cells": 100,
    "leaders": 10,
}
#: Per template: text lengths that differ from `LENGTHS` (a code typed after /hadir: any length).
TEMPLATE_LENGTHS: dict[str, dict[str, int]] = {
    "admin_ratings": {"text": COMMENT_LENGTH},
    "reg_checkin": {"code": 4000},
}
#: What a template's other branches show besides its context in `test_renderer.CONTEXTS`.
BRANCH_DATA: dict[str, dict[str, Any]] = {
    "reg_result": {
        "opens_at": MOMENT,
        "deadline": MOMENT,
        "criterion": "position",
        "clash": SimpleNamespace(title="x", code="x", starts_at=MOMENT),
        "status": "registered",
    },
    "reg_checkin": {"opens_at": MOMENT, "until": MOMENT, "status": "cancelled"},
    "announce_bad_time": {"when": MOMENT},
}
#: Per template: list sizes that differ from `SIZES` (its handler's page size).
TEMPLATE_SIZES: dict[str, dict[str, int]] = {
    "catalog": {"items": PER_PAGE},
    "admin_events": {"items": EVENTS_PER_PAGE},
    "admin_registrants": {"items": REGISTRANTS_PER_PAGE},
    "admin_attendance": {"items": PICK_PER_PAGE},
    "admin_pending": {"items": PICK_PER_PAGE},
    "admin_remove": {"items": PICK_PER_PAGE},
    "announce_picker": {"units": OPTIONS_PER_PAGE},
    "competency": {"lines": 60},
    "jp": {"entries": 100},
    "erase_confirm": {"upcoming": 100},  # the template lists ten and counts the rest
    "erased": {"cancelled": 100},
    # the reports show their first `limit` lines and say how many more are in the workbook
    "report_jp": {"units": 50},
    "report_events": {"events": 50},
    "report_gaps": {"units": 50, "competencies": 50, "cells": 2500},
    "report_needs": {"needs": 50},
    "report_plan": {"funded": 50, "participants": 500},
}


def grow(value: Any, key: str, lengths: Mapping[str, int], sizes: Mapping[str, int]) -> Any:
    """`value` with every known text at its longest and every known list at its screen's size."""
    if isinstance(value, str):
        return long_text(lengths[key]) if key in lengths else value
    if isinstance(value, list | tuple):
        items = [grow(item, key, lengths, sizes) for item in value]
        if key in sizes and items:
            items = (items * sizes[key])[: sizes[key]]
        return type(value)(items) if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: grow(v, k, lengths, sizes) for k, v in value.items()}
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: grow(v, k, lengths, sizes) for k, v in vars(value).items()})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: grow(getattr(value, f.name), f.name, lengths, sizes) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


def maximal(name: str) -> dict[str, Any]:
    """The context `name` is rendered with at its largest."""
    lengths = LENGTHS | TEMPLATE_LENGTHS.get(name, {})
    sizes = SIZES | TEMPLATE_SIZES.get(name, {})
    context: dict[str, Any] = grow(
        COMMON | CONTEXTS.get(name, {}) | BRANCH_DATA.get(name, {}), "", lengths, sizes
    )
    if name == "reg_list":  # bot.handlers.registration.mine: every status, each cut to its limit
        (group,) = context["groups"]
        context["groups"] = [
            SimpleNamespace(
                status=status.value,
                entries=group.entries * (GROUP_LIMIT if status in UPCOMING else PAST_LIMIT),
                more=99,
            )
            for status in GROUP_ORDER
        ]
    return context


def branches(name: str, lang: str) -> list[dict[str, Any]]:
    """The maximal context, and one copy for each value a template compares a text of its
    context with (`outcome == "waitlisted"`, `field == "location"`), so every branch is measured."""
    context = maximal(name)
    source = (ROOT / lang / f"{name}.j2").read_text(encoding="utf-8")
    found = [context]
    for key, value in _COMPARED.findall(source):
        if isinstance(context.get(key), str):
            found.append(context | {key: value})
    return found


def render_as_sent(renderer: Renderer, name: str, lang: str, context: dict[str, Any]) -> str:
    """`name` with a maximal context, cut the way its handler cuts it before sending."""
    if name == "event_detail":  # bot.handlers.catalog: the description fitted
        text, _ = limits.fit(
            lambda part: renderer.render(name, lang, **(context | {"description": part})),
            context["event"].description,
        )
        return text
    if name == "event_description":  # bot.handlers.catalog: the description in pieces
        context["text"] = limits.pieces(long_text(LENGTHS["description"]))[0]
    return renderer.render(name, lang, **context)


_COMPARED = re.compile(r'\b(\w+) == "(\w+)"')
MESSAGES = sorted(name for name in template_names("id") if not name.startswith("_"))


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(WITA)


@pytest.mark.parametrize("name", MESSAGES)
def test_every_template_has_a_maximal_context(name: str) -> None:
    assert (name in CONTEXTS) != (name in NO_DATA), name


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", MESSAGES)
def test_every_template_with_maximal_data_fits(renderer: Renderer, name: str, lang: str) -> None:
    limit = limits.CAPTION if name in CAPTIONS else limits.MESSAGE
    for context in branches(name, lang):
        text = render_as_sent(renderer, name, lang, context)
        assert limits.visible_length(text) <= limit, (name, lang, limits.visible_length(text))


def test_maximal_data_is_maximal() -> None:
    context = maximal("event_detail")
    assert len(context["event"].title) == 300
    assert limits.visible_length(context["event"].title) == 570  # 270 doubled, 30 spaces
    assert len(maximal("admin_registrants")["items"]) == REGISTRANTS_PER_PAGE
    assert len(maximal("reg_list")["groups"]) == len(GROUP_ORDER) == 6


def test_a_clipped_value_fits_its_width_as_telegram_counts_it() -> None:
    clipped = clip("𝐀" * 100, 21)
    assert clipped.endswith("…")
    assert limits.units(clipped) <= 21
    assert clip("Kupang", 21) == "Kupang"
    assert names(["Dinas Kesehatan"] * 8, "id", 3, 40) == ", ".join(["Dinas Kesehatan"] * 3) + " (+5 lainnya)"
    assert names(["Health Office"] * 2, "en", 3, 40) == "Health Office, Health Office"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", sorted(CAPTION_LABELS))
def test_every_caption_label_with_maximal_data_fits(renderer: Renderer, key: str, lang: str) -> None:
    text = renderer.label(key, lang, **CAPTION_LABELS[key])
    assert limits.visible_length(text) <= limits.CAPTION, (key, lang, limits.visible_length(text))
