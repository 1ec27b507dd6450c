"""Page arithmetic for long lists, and the ◀ ▶ row under them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from telegram import InlineKeyboardButton

from bot.context import Context
from bot.ui.keyboards import button

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page:
    """One page of `total` items, `per_page` at a time; a page outside the range is clamped."""

    number: int
    count: int
    per_page: int

    @classmethod
    def of(cls, total: int, per_page: int, wanted: int) -> Page:
        """The page `wanted` of `total` items (the last one when `wanted` is past the end)."""
        count = max(1, -(-total // per_page))
        return cls(min(max(wanted, 0), count - 1), count, per_page)

    @property
    def first(self) -> int:
        """The index of the page's first item."""
        return self.number * self.per_page

    def slice(self, items: Sequence[T]) -> Sequence[T]:
        """The items on this page."""
        return items[self.first : self.first + self.per_page]

    def navigation(
        self, context: Context, lang: str, data: Callable[[int], str]
    ) -> list[InlineKeyboardButton]:
        """◀ and ▶ where there is a page before or after; `data(page)` is each button's callback."""
        row = []
        if self.number > 0:
            row.append(button(context, lang, "button.prev", data(self.number - 1)))
        if self.number + 1 < self.count:
            row.append(button(context, lang, "button.next", data(self.number + 1)))
        return row
