"""Buttons labelled from `messages/`, the persistent main menu, and the keyboards several
features share (contact, settings, rating stars, erase confirmation)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.context import Context
from bot.ui.callbacks import encode
from db.models import NotificationKind
from messages import LANGUAGES, Renderer

MENU_KEYS: tuple[tuple[str, ...], ...] = (
    ("menu.competency", "menu.jp"),
    ("menu.trainings", "menu.seminars", "menu.registrations"),
    ("menu.profile", "menu.settings", "menu.help"),
)


def button(context: Context, lang: str, key: str, data: str, **values: object) -> InlineKeyboardButton:
    """An inline button labelled with the message `key` in `lang`, sending callback `data`."""
    return InlineKeyboardButton(context.services.renderer.label(key, lang, **values), callback_data=data)


def markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard of these rows, empty rows dropped; None when nothing is left."""
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


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
                renderer.label("button.lang_id", lang), callback_data=encode("set", "lang", "id")
            ),
            InlineKeyboardButton(
                renderer.label("button.lang_en", lang), callback_data=encode("set", "lang", "en")
            ),
        ]
    ]
    for kind, enabled in (notifications or {}).items():
        key = "button.notif_on" if enabled else "button.notif_off"
        name = renderer.label(f"notif.{kind.value}", lang)
        rows.append(
            [
                InlineKeyboardButton(
                    renderer.label(key, lang, name=name), callback_data=encode("set", "ntf", kind.value)
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


def rating_stars(renderer: Renderer, lang: str, registration_id: int) -> list[InlineKeyboardButton]:
    """⭐1 … ⭐5 for rating an attended event: in `/pendaftaran` and under the evaluation request."""
    return [
        InlineKeyboardButton(
            renderer.label("button.star", lang, n=n),
            callback_data=encode("reg", "star", registration_id, n),
        )
        for n in range(1, 6)
    ]


def outbox_keyboard(
    renderer: Renderer, lang: str, kind: NotificationKind, context: dict[str, object]
) -> InlineKeyboardMarkup | None:
    """The buttons an outbox message carries, made when it is sent (in the recipient's language
    then): the evaluation request gets the rating stars, so rating is one press away; an event
    announced to its targets, the button that opens it in the catalog."""
    registration_id = context.get("registration_id")
    if kind is NotificationKind.EVALUATION and isinstance(registration_id, int):
        return InlineKeyboardMarkup([rating_stars(renderer, lang, registration_id)])
    opened = context.get("open_event")
    if isinstance(opened, dict) and isinstance(opened.get("id"), int):
        data = encode("ev", "open", opened["id"], str(opened.get("list", "s")), "all", 0)
        label = renderer.label("reach.button.open_event", lang)
        return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    return None


def confirm_erase(renderer: Renderer, lang: str) -> InlineKeyboardMarkup:
    """Yes / no for `/hapus_data`."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    renderer.label("button.yes_erase", lang), callback_data=encode("erase", "yes")
                )
            ],
            [
                InlineKeyboardButton(
                    renderer.label("button.no_keep", lang), callback_data=encode("erase", "no")
                )
            ],
        ]
    )
