"""Keyboards and the one parser of callback data (`prefix:action[:arg]`, at most 64 bytes)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from db.models import NotificationKind
from messages import LANGUAGES, Renderer

MENU_KEYS: tuple[tuple[str, ...], ...] = (
    ("menu.competency", "menu.jp"),
    ("menu.trainings", "menu.seminars", "menu.registrations"),
    ("menu.profile", "menu.settings", "menu.help"),
)


@dataclass(frozen=True, slots=True)
class Callback:
    """Parsed callback data."""

    prefix: str
    action: str
    arg: str | None = None


def callback(prefix: str, action: str, arg: object | None = None) -> str:
    """Encode callback data; refuses anything Telegram would reject."""
    data = f"{prefix}:{action}" if arg is None else f"{prefix}:{action}:{arg}"
    if len(data.encode()) > 64:
        raise ValueError(f"callback data over 64 bytes: {data!r}")
    return data


def parse_callback(data: str | None) -> Callback | None:
    """Decode callback data; None for anything malformed (a stale or forged button)."""
    if not data:
        return None
    parts = data.split(":", 2)
    if len(parts) < 2 or not all(parts):
        return None
    return Callback(parts[0], parts[1], parts[2] if len(parts) == 3 else None)


def main_menu(renderer: Renderer, lang: str) -> ReplyKeyboardMarkup:
    """The persistent keyboard with the main actions."""
    rows = [[KeyboardButton(renderer.label(key, lang)) for key in row] for row in MENU_KEYS]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def menu_actions(renderer: Renderer) -> dict[str, str]:
    """Menu button text (in every language) → the menu key it stands for."""
    return {renderer.label(key, lang): key for lang in LANGUAGES for row in MENU_KEYS for key in row}


def share_contact(renderer: Renderer, lang: str) -> ReplyKeyboardMarkup:
    """Telegram's own contact button: the only way a phone number is accepted."""
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(renderer.label("button.share_contact", lang), request_contact=True)],
            [KeyboardButton(renderer.label("button.cancel", lang))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def settings(
    renderer: Renderer, lang: str, notifications: dict[NotificationKind, bool] | None
) -> InlineKeyboardMarkup:
    """Language buttons, and one toggle per notification kind for linked users."""
    rows = [
        [
            InlineKeyboardButton(
                renderer.label("button.lang_id", lang), callback_data=callback("set", "lang", "id")
            ),
            InlineKeyboardButton(
                renderer.label("button.lang_en", lang), callback_data=callback("set", "lang", "en")
            ),
        ]
    ]
    for kind, enabled in (notifications or {}).items():
        key = "button.notif_on" if enabled else "button.notif_off"
        name = renderer.label(f"notif.{kind.value}", lang)
        rows.append(
            [
                InlineKeyboardButton(
                    renderer.label(key, lang, name=name), callback_data=callback("set", "ntf", kind.value)
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


def rating_stars(renderer: Renderer, lang: str, registration_id: int) -> list[InlineKeyboardButton]:
    """⭐1 … ⭐5 for rating an attended event: in `/pendaftaran` and under the evaluation request."""
    return [
        InlineKeyboardButton(
            renderer.label("button.star", lang, n=n),
            callback_data=callback("reg", "star", f"{registration_id}:{n}"),
        )
        for n in range(1, 6)
    ]


def outbox_keyboard(
    renderer: Renderer, lang: str, kind: NotificationKind, context: dict[str, object]
) -> InlineKeyboardMarkup | None:
    """The buttons an outbox message carries, made when it is sent (in the recipient's language
    then): the evaluation request gets the rating stars, so rating is one press away."""
    registration_id = context.get("registration_id")
    if kind is NotificationKind.EVALUATION and isinstance(registration_id, int):
        return InlineKeyboardMarkup([rating_stars(renderer, lang, registration_id)])
    return None


def confirm_erase(renderer: Renderer, lang: str) -> InlineKeyboardMarkup:
    """Yes / no for `/hapus_data`."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    renderer.label("button.yes_erase", lang), callback_data=callback("erase", "yes")
                )
            ],
            [
                InlineKeyboardButton(
                    renderer.label("button.no_keep", lang), callback_data=callback("erase", "no")
                )
            ],
        ]
    )
