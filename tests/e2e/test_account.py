"""Help, settings and the answers to what the bot does not understand."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import FaultKind, LocalBotApi
from db.models import Registration, RegistrationStatus
from tests.e2e.conftest import BotFactory
from tests.utils.employees import make_employee
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, press, say
from tests.utils.registrations import register

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
    assert "/bantuan" in unknown.plain_text


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
        "✅ Permintaan penilaian kegiatan",
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


async def test_data_saya_sends_a_linked_asn_their_data_as_a_file(
    api: LocalBotApi, bot: object, session: AsyncSession
) -> None:
    maria = await make_employee(session)
    event = await make_event(
        session, "PP-01", starts_at=wita(2026, 12, 14), title="Pelatihan Pelayanan Prima"
    )
    await register(session, maria, event, status=RegistrationStatus.ATTENDED)
    await session.execute(update(Registration).values(rating=5, comment="Sangat bermanfaat"))
    await session.commit()
    phone = await linked_phone(session, api, maria, user_id=ME)

    (copy,) = await say(phone, "/data_saya")

    assert copy.document_name == "data_saya.json"
    assert copy.document is not None
    assert "Salinan data Anda" in (copy.caption or "")
    data = json.loads(copy.document)
    assert data["telegram_user_id"] == ME
    assert data["profile"]["nip"] == maria.nip
    assert [(r["event_code"], r["rating"], r["comment"]) for r in data["registrations"]] == [
        ("PP-01", 5, "Sangat bermanfaat")
    ]


async def test_data_saya_works_before_linking_and_shows_no_profile(api: LocalBotApi, bot: object) -> None:
    phone = api.user(user_id=ME, first_name="Yohanes", language_code="id")
    await say(phone, "/pengaturan")
    await press(phone, "🇬🇧 English", count=2)  # the choice is kept: the bot holds an account now
    (copy,) = await say(phone, "/data_saya")
    assert "A copy of your data" in (copy.caption or "")
    assert copy.document is not None
    data = json.loads(copy.document)
    assert data["profile"] is None
    assert data["account"]["language"] == "en"


async def test_hapus_data_names_what_stays_and_leaves_nothing_tied_to_the_chat(
    api: LocalBotApi, bot: object, session: AsyncSession
) -> None:
    maria = await make_employee(session)
    phone = await linked_phone(session, api, maria, user_id=ME)
    (confirm,) = await say(phone, "/hapus_data")
    assert "/data_saya" in confirm.plain_text
    assert "JP, sertifikat" in confirm.plain_text  # what HR keeps is said before erasing
    await press(phone, "Ya, hapus data saya", count=2)

    (copy,) = await say(phone, "/data_saya")
    assert copy.document is not None
    data = json.loads(copy.document)
    assert (data["account"], data["profile"], data["audit"], data["notifications"]) == (None, None, [], [])
