"""Handlers by feature, registered in one place in the order they must match."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotApplication
from bot.handlers import (
    account,
    admin,
    announce,
    catalog,
    development,
    errors,
    onboarding,
    privacy,
    profile,
    registration,
    reports,
)


def register(application: BotApplication) -> None:
    """Attach every handler and the error handler to the application."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", onboarding.start, filters=private))
    application.add_handler(CommandHandler(["help", "bantuan"], account.show_help, filters=private))
    application.add_handler(
        CommandHandler(["settings", "pengaturan"], account.show_settings, filters=private)
    )
    application.add_handler(CommandHandler("hapus_data", privacy.ask_erase, filters=private))
    application.add_handler(CommandHandler(["id_saya", "myid"], account.show_my_id, filters=private))
    application.add_handler(CommandHandler("data_saya", privacy.send_my_data, filters=private))
    application.add_handler(CommandHandler("profil", profile.show_profile, filters=private))
    application.add_handler(CommandHandler("kompetensi", development.show_competency, filters=private))
    application.add_handler(CommandHandler("jp", development.show_jp, filters=private))
    application.add_handler(CommandHandler("pelatihan", catalog.show_trainings, filters=private))
    application.add_handler(CommandHandler("seminar", catalog.show_seminars, filters=private))
    registration.add_handlers(application)
    admin.add_handlers(application)
    announce.add_handlers(application)
    reports.add_handlers(application)
    application.add_handler(MessageHandler(filters.CONTACT & private, onboarding.contact))
    for buttons in (account.SETTINGS, privacy.ERASE, catalog.LISTS, catalog.COMPETENCIES, catalog.DETAILS):
        application.add_handler(buttons.handler())
    onboarding.add_flows()
    application.add_handler(MessageHandler(filters.COMMAND & private, account.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & private, onboarding.text))
    application.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, account.anything_else))
    application.add_handler(CallbackQueryHandler(account.stale_button))
    application.add_error_handler(errors.on_error)
