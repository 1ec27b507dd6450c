"""Onboarding: `/start`, the NIP step, the shared contact, and `/start CODE`."""

from __future__ import annotations

from typing import Any

from telegram import ReplyKeyboardRemove, Update

from bot.context import Context
from bot.delivery import Markup
from bot.documents import qr
from bot.handlers import account, catalog, development, profile, registration
from bot.handlers.admin import verify
from bot.replies import reply
from bot.ui import flows, keyboards
from bot.ui.caller import who
from bot.ui.flows import Typed
from bot.ui.router import Role
from db import linking
from db.linking import Outcome, Result

#: `/start hadir_<code>`: the deep link in the check-in QR code shown at the event.
CHECK_IN_PREFIX = "hadir_"
_WITH_ATTEMPTS = {Outcome.NIP_UNKNOWN, Outcome.PHONE_MISMATCH, Outcome.CODE_INVALID}


async def start(update: Update, context: Context) -> None:
    """/start — welcome and link the account (NIP then contact, or a one-time code)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    payload = context.args[0] if context.args else None
    if payload is not None and payload.startswith(CHECK_IN_PREFIX):
        await registration.check_in_code(update, context, payload.removeprefix(CHECK_IN_PREFIX))
        return
    if payload is not None and payload.startswith(qr.CERTIFICATE_PREFIX):
        await verify.check_code(update, context, payload.removeprefix(qr.CERTIFICATE_PREFIX))
        return
    async with context.db() as session:
        me = await who(session, update, context)
        if payload is not None and linking.looks_like_code(payload):
            result = await linking.redeem_code(
                session,
                telegram_user_id=user.id,
                chat_id=chat.id,
                language=me.language,
                code=payload,
                now=context.now(),
                policy=context.services.link_policy,
            )
        else:
            result = await linking.begin(
                session,
                telegram_user_id=user.id,
                chat_id=chat.id,
                language=me.language,
                now=context.now(),
                policy=context.services.link_policy,
            )
    await _answer(update, context, me.language, result)


async def contact(update: Update, context: Context) -> None:
    """A contact shared with Telegram's button: the proof of identity."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.contact is None:
        return
    async with context.db() as session:
        me = await who(session, update, context)
        result = await linking.submit_contact(
            session,
            telegram_user_id=user.id,
            contact_user_id=message.contact.user_id,
            phone_number=message.contact.phone_number,
            now=context.now(),
            policy=context.services.link_policy,
        )
    await _answer(update, context, me.language, result, linked=me.is_linked)


async def text(update: Update, context: Context) -> None:
    """Plain text: a menu button, the input a flow awaits (`bot.ui.flows`), or a helpful answer."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    menu_key = keyboards.menu_actions(context.services.renderer).get(message.text.strip())
    if menu_key is not None:
        await _open_menu(menu_key, update, context)
        return
    if await flows.dispatch(update, context, message.text):
        return
    async with context.db() as session:
        me = await who(session, update, context)
    await reply(update, context, "unknown_text", me.language, linked=me.is_linked)


async def _linking_text(typed: Typed) -> None:
    """The NIP typed while linking (or a word that cancels linking)."""
    update, context, me = typed.update, typed.context, typed.me
    if typed.text.strip().casefold() in _cancel_words(context):
        await linking.cancel(typed.session, telegram_user_id=me.telegram_user_id)
        await reply(update, context, "link_cancelled", me.language, keyboard=ReplyKeyboardRemove())
    elif typed.step.step == linking.STEP_NIP:
        result = await linking.submit_nip(
            typed.session,
            telegram_user_id=me.telegram_user_id,
            text=typed.text,
            now=context.now(),
            policy=context.services.link_policy,
        )
        await _answer(update, context, me.language, result)
    elif typed.step.step == linking.STEP_CONTACT:
        keyboard = keyboards.share_contact(context.services.renderer, me.language)
        typed_number = linking.typed_a_number(typed.text)
        await reply(
            update, context, "contact_button_hint", me.language, keyboard=keyboard, typed_number=typed_number
        )
    else:
        await reply(update, context, "unknown_text", me.language, linked=me.is_linked)


def add_flows() -> None:
    """Linking's typed step: the NIP."""
    flows.register(linking.FLOW, _linking_text, role=Role.ANYONE)


def _cancel_words(context: Context) -> set[str]:
    renderer = context.services.renderer
    return {renderer.label("button.cancel", lang).casefold() for lang in ("id", "en")} | {"/cancel", "/batal"}


async def _open_menu(key: str, update: Update, context: Context) -> None:
    handlers = {
        "menu.competency": development.show_competency,
        "menu.jp": development.show_jp,
        "menu.trainings": catalog.show_trainings,
        "menu.seminars": catalog.show_seminars,
        "menu.registrations": registration.show_registrations,
        "menu.profile": profile.show_profile,
        "menu.settings": account.show_settings,
        "menu.help": account.show_help,
    }
    await handlers[key](update, context)


async def _answer(
    update: Update, context: Context, lang: str, result: Result, *, linked: bool = False
) -> None:
    """One message per outcome, with the keyboard that fits the next step."""
    renderer = context.services.renderer
    outcome = result.outcome
    keyboard: Markup | None = None
    values: dict[str, Any] = {}
    template: str = outcome.value
    if outcome is Outcome.ASK_NIP:
        template, keyboard = "welcome", ReplyKeyboardRemove()
    elif outcome in (Outcome.ASK_CONTACT, Outcome.CONTACT_NOT_OWN):
        keyboard = keyboards.share_contact(renderer, lang)
    elif outcome in (Outcome.LINKED, Outcome.ALREADY_LINKED) and result.employee is not None:
        keyboard = keyboards.main_menu(renderer, lang)
        values["name"] = result.employee.name
        values["nip"] = result.employee.nip
    elif outcome is Outcome.LOCKED:
        template, keyboard = "locked", ReplyKeyboardRemove()
        values["until"] = result.locked_until
    elif outcome is Outcome.NOT_LINKING:
        template = "unknown_text"
        values["linked"] = linked
    if outcome in _WITH_ATTEMPTS:
        values["attempts_left"] = result.attempts_left
    if result.locked_until is not None and outcome is not Outcome.LOCKED:
        await reply(update, context, template, lang, **values)
        template, keyboard, values = "locked", ReplyKeyboardRemove(), {"until": result.locked_until}
    await reply(update, context, template, lang, keyboard=keyboard, **values)
