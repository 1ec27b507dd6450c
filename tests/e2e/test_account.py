"""Help, settings and the answers to what the bot does not understand."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import FaultKind, LocalBotApi
from tests.e2e.conftest import BotFactory
from tests.utils.employees import make_employee
from tests.utils.phones import linked_phone

ME = 515151


async def test_help_is_there_in_both_command_names(api: LocalBotApi, bot: object) -> None:
    phone = api.user(user_id=ME, first_name="Yohanes")
    await phone.send("/bantuan")
    (bantuan,) = await phone.wait_replies()
    assert "/start" in bantuan.plain_text
    await phone.send("/help")
    (help_,) = await phone.wait_replies()
    assert help_.text == bantuan.text


async def test_switching_to_english_changes_the_bots_language(api: LocalBotApi, bot: object) -> None:
    phone = api.user(user_id=ME, first_name="Yohanes", language_code="id")
    await phone.send("/pengaturan")
    (settings,) = await phone.wait_replies()
    assert "Bahasa: Bahasa Indonesia" in settings.plain_text
    await phone.press("🇬🇧 English")
    replies = await phone.wait_replies(count=2)
    assert "Language: English" in replies[0].plain_text
    assert replies[0].edited
    await phone.send("/help")
    (help_,) = await phone.wait_replies()
    assert "What this bot can do" in help_.plain_text or "/settings" in help_.plain_text


async def test_text_the_bot_does_not_understand_gets_a_helpful_answer(api: LocalBotApi, bot: object) -> None:
    phone = api.user(user_id=ME, first_name="Yohanes")
    await phone.send("halo, kapan pelatihan berikutnya?")
    (answer,) = await phone.wait_replies()
    assert "/start" in answer.plain_text
    await phone.upload("foto.jpg", b"\xff\xd8\xff", mime_type="image/jpeg")
    (after_upload,) = await phone.wait_replies()
    assert "/start" in after_upload.plain_text
    await phone.send("/tidakada")
    (unknown,) = await phone.wait_replies()
    assert "/help" in unknown.plain_text


async def test_the_command_menu_is_set_in_indonesian_and_english(api: LocalBotApi, bot: object) -> None:
    indonesian = {c["command"]: c["description"] for c in api.commands[("all_private_chats", "")]}
    english = {c["command"]: c["description"] for c in api.commands[("all_private_chats", "en")]}
    assert indonesian["profil"] == "Profil saya"
    assert "pengaturan" in indonesian
    assert english["profil"] == "My profile"
    assert "settings" in english


async def test_a_server_that_refuses_the_command_menu_does_not_stop_the_bot(
    api: LocalBotApi, start_bot: BotFactory, caplog: pytest.LogCaptureFixture
) -> None:
    api.faults.add("setMyCommands", FaultKind.FORBIDDEN, count=2)
    await start_bot()
    assert "refused setMyCommands" in caplog.text
    phone = api.user(user_id=ME, first_name="Yohanes")
    await phone.send("/help")
    assert await phone.wait_replies()


async def test_a_linked_asn_can_silence_reminders_but_not_service_messages(
    api: LocalBotApi, bot: object, session: AsyncSession
) -> None:
    phone = await linked_phone(session, api, await make_employee(session), user_id=ME)
    await phone.send("/pengaturan")
    (settings,) = await phone.wait_replies()
    toggles = [text for text in settings.button_texts if text[0] in "✅⬜"]
    assert toggles == [
        "✅ Pengingat kegiatan (H-7, H-1)",
        "✅ Batas pendaftaran",
        "✅ Daftar tunggu",
        "✅ Permintaan evaluasi",
        "✅ Pengingat 20 JP",
        "✅ Pengumuman BKPSDM",
    ]
    await phone.press("✅ Batas pendaftaran")
    (after,) = await phone.wait_replies()
    assert "⬜ Batas pendaftaran" in after.button_texts


async def test_a_press_that_changes_nothing_is_answered_without_an_error(
    api: LocalBotApi, bot: object
) -> None:
    phone = api.user(user_id=ME, first_name="Yohanes", language_code="id")
    await phone.send("/pengaturan")
    await phone.wait_replies()
    await phone.press("🇮🇩 Bahasa Indonesia")  # already Indonesian: the same text and buttons
    with pytest.raises(TimeoutError):
        await phone.wait_replies(timeout=1.0)  # no edit, and no error report either
    assert len(phone.callback_answers) == 1
