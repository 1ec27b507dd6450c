"""An ASN links their Telegram account end to end, over HTTP through the local Bot API
server, with the real application polling it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import stop
from bot.local_api import LocalBotApi
from db import linking
from tests.e2e.conftest import BotFactory, Clock
from tests.utils.employees import MARIA_NIP, MARIA_PHONE, make_employee

pytestmark = pytest.mark.usefixtures("roster")
ME = 424242


@pytest.fixture
async def roster(session: AsyncSession) -> None:
    await make_employee(session)


async def test_an_asn_links_with_nip_and_contact_and_sees_their_profile(
    api: LocalBotApi, bot: object
) -> None:
    phone = api.user(user_id=ME, first_name="Maria", language_code="id")
    await phone.send("/start")
    (welcome,) = await phone.wait_replies()
    assert "Selamat datang di ASN Karier" in welcome.plain_text
    assert "NIP" in welcome.plain_text

    await phone.send(MARIA_NIP)
    (ask,) = await phone.wait_replies()
    assert "NIP ditemukan" in ask.plain_text
    assert "Maria" not in ask.plain_text  # nothing personal before the phone matches
    assert ask.reply_markup is not None
    assert ask.reply_markup["keyboard"] == [
        [{"text": "📱 Bagikan nomor telepon saya", "request_contact": True}],
        [{"text": "Batal"}],
    ]

    await phone.share_contact("+62 812-3456-7890")
    (linked,) = await phone.wait_replies()
    assert "Selamat datang, Ibu Maria Goreti Bria" in linked.plain_text
    assert linked.reply_markup is not None
    assert "keyboard" in linked.reply_markup

    await phone.send("/profil")
    (profile,) = await phone.wait_replies()
    for shown in ("Maria Goreti Bria", MARIA_NIP, "Analis Kebijakan Ahli Muda", "Badan Kepegawaian"):
        assert shown in profile.plain_text


async def test_the_whole_flow_works_in_english(api: LocalBotApi, bot: object) -> None:
    phone = api.user(user_id=ME, first_name="Maria", language_code="en")
    await phone.send("/start")
    (welcome,) = await phone.wait_replies()
    assert "Welcome to ASN Karier" in welcome.plain_text
    await phone.send(MARIA_NIP)
    await phone.wait_replies()
    await phone.share_contact(MARIA_PHONE)
    (linked,) = await phone.wait_replies()
    assert "Welcome, Ms Maria Goreti Bria" in linked.plain_text
    await phone.send("/profil")
    (profile,) = await phone.wait_replies()
    assert "Work unit" in profile.plain_text


@pytest.mark.parametrize("typed", ["12345", "1986092620150520AB", "198602302015052001"])
async def test_a_malformed_nip_is_explained(api: LocalBotApi, bot: object, typed: str) -> None:
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send("/start")
    await phone.wait_replies()
    await phone.send(typed)
    (answer,) = await phone.wait_replies()
    assert "NIP" in answer.plain_text
    assert "tidak" in answer.plain_text or "18 angka" in answer.plain_text


async def test_a_nip_not_on_the_roster_is_refused(api: LocalBotApi, bot: object) -> None:
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send("/start")
    await phone.wait_replies()
    await phone.send("198701012015052001")
    (answer,) = await phone.wait_replies()
    assert "tidak ditemukan" in answer.plain_text
    assert "sisa percobaan: 4" in answer.plain_text


async def test_a_contact_of_another_telegram_user_is_refused(api: LocalBotApi, bot: object) -> None:
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send("/start")
    await phone.wait_replies()
    await phone.send(MARIA_NIP)
    await phone.wait_replies()
    await phone.share_contact(MARIA_PHONE, user_id=999)
    (answer,) = await phone.wait_replies()
    assert "bukan milik akun Telegram ini" in answer.plain_text
    await phone.send("/profil")
    (profile,) = await phone.wait_replies()
    assert "setelah akun Anda terhubung" in profile.plain_text


async def test_a_phone_that_does_not_match_the_roster_is_refused(api: LocalBotApi, bot: object) -> None:
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send("/start")
    await phone.wait_replies()
    await phone.send(MARIA_NIP)
    await phone.wait_replies()
    await phone.share_contact("081299990000")
    (answer,) = await phone.wait_replies()
    assert "tidak cocok" in answer.plain_text


async def test_typing_the_number_instead_of_using_the_button_is_explained(
    api: LocalBotApi, bot: object
) -> None:
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send("/start")
    await phone.wait_replies()
    await phone.send(MARIA_NIP)
    await phone.wait_replies()
    await phone.send("081234567890")
    (answer,) = await phone.wait_replies()
    assert "gunakan tombol" in answer.plain_text


WORDS = {
    "id": (
        "Halo, ini bot apa?",
        "Kami menunggu NIP Anda (bagi PPPK, NI PPPK): 18 angka",
        "Kami masih menunggu nomor telepon Anda",
    ),
    "en": (
        "Hello, what bot is this?",
        "We are waiting for your NIP (for PPPK, your NI PPPK): 18 digits",
        "We are still waiting for your phone number",
    ),
}
TYPED_NUMBER = {"id": "bukan mengetik nomor", "en": "instead of typing the number"}


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_words_typed_where_the_nip_is_asked_for_are_answered_with_what_is_awaited(
    api: LocalBotApi, bot: object, lang: str
) -> None:
    words, awaited, _ = WORDS[lang]
    phone = api.user(user_id=ME, first_name="Maria", language_code=lang)
    await phone.send("/start")
    await phone.wait_replies()
    await phone.send(words)
    (answer,) = await phone.wait_replies()
    assert awaited in answer.plain_text
    assert TYPED_NUMBER[lang] not in answer.plain_text
    assert "tanpa huruf" not in answer.plain_text  # not told off for letters: no number was typed
    await phone.send(MARIA_NIP)  # still linking
    (ask,) = await phone.wait_replies()
    assert ask.reply_markup is not None


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_at_the_contact_step_only_a_typed_number_is_told_to_use_the_button(
    api: LocalBotApi, bot: object, lang: str
) -> None:
    words, _, awaited = WORDS[lang]
    phone = api.user(user_id=ME, first_name="Maria", language_code=lang)
    await phone.send("/start")
    await phone.wait_replies()
    await phone.send(MARIA_NIP)
    await phone.wait_replies()
    await phone.send(words)
    (answer,) = await phone.wait_replies()
    assert awaited in answer.plain_text
    assert TYPED_NUMBER[lang] not in answer.plain_text
    await phone.send("0812 3456 7890")
    (answer,) = await phone.wait_replies()
    assert TYPED_NUMBER[lang] in answer.plain_text
    await phone.share_contact(MARIA_PHONE)  # the button still works after both
    (linked,) = await phone.wait_replies()
    assert "Maria Goreti Bria" in linked.plain_text


async def test_a_one_time_code_links_once_and_never_again(
    api: LocalBotApi, bot: object, session: AsyncSession, clock: Clock
) -> None:
    issued = await linking.issue_code(session, nip=MARIA_NIP, now=clock.now, ttl=timedelta(hours=72))
    assert issued is not None
    code = issued[0]
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send(f"/start {code}")
    (linked,) = await phone.wait_replies()
    assert "Selamat datang, Ibu Maria Goreti Bria" in linked.plain_text

    stranger = api.user(user_id=ME + 1, first_name="Yohanes")
    await stranger.send(f"/start {code}")
    (refused,) = await stranger.wait_replies()
    assert "sudah pernah dipakai" in refused.plain_text


async def test_a_one_time_code_does_not_work_after_it_expires(
    api: LocalBotApi, bot: object, session: AsyncSession, clock: Clock
) -> None:
    issued = await linking.issue_code(session, nip=MARIA_NIP, now=clock.now, ttl=timedelta(hours=72))
    assert issued is not None
    clock.advance(timedelta(hours=73))
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send(f"/start {issued[0]}")
    (refused,) = await phone.wait_replies()
    assert "kedaluwarsa" in refused.plain_text


async def test_too_many_failures_lock_the_user_out(api: LocalBotApi, bot: object, clock: Clock) -> None:
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send("/start")
    await phone.wait_replies()
    for attempt in range(5):
        await phone.send(f"19870101201505200{attempt}")
        replies = await phone.wait_replies(count=2 if attempt == 4 else 1)
    assert "Terlalu banyak percobaan" in replies[-1].plain_text
    await phone.send(MARIA_NIP)
    (still,) = await phone.wait_replies()
    assert "NIP ditemukan" not in still.plain_text
    clock.advance(timedelta(hours=2))
    await phone.send("/start")
    (again,) = await phone.wait_replies()
    assert "Selamat datang di ASN Karier" in again.plain_text


async def test_hapus_data_unlinks_the_account(api: LocalBotApi, bot: object) -> None:
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send("/start")
    await phone.wait_replies()
    await phone.send(MARIA_NIP)
    await phone.wait_replies()
    await phone.share_contact(MARIA_PHONE)
    await phone.wait_replies()

    await phone.send("/hapus_data")
    (confirm,) = await phone.wait_replies()
    assert "Hapus data?" in confirm.plain_text
    await phone.press("Ya, hapus data saya")
    replies = await phone.wait_replies(count=2)
    assert "sudah diputus" in replies[0].plain_text
    await phone.send("/profil")
    (profile,) = await phone.wait_replies()
    assert "setelah akun Anda terhubung" in profile.plain_text


async def test_a_restart_in_the_middle_of_linking_resumes_where_the_user_was(
    api: LocalBotApi, start_bot: BotFactory
) -> None:
    first = await start_bot()
    phone = api.user(user_id=ME, first_name="Maria")
    await phone.send("/start")
    await phone.wait_replies()
    await phone.send(MARIA_NIP)
    await phone.wait_replies()
    await stop(first)

    await start_bot()
    await phone.share_contact(MARIA_PHONE)
    (linked,) = await phone.wait_replies()
    assert "Selamat datang, Ibu Maria Goreti Bria" in linked.plain_text


async def test_a_linked_nip_tells_a_stranger_nothing_more_than_any_roster_nip(
    api: LocalBotApi, bot: object
) -> None:
    maria = api.user(user_id=ME, first_name="Maria")
    await maria.send("/start")
    await maria.wait_replies()
    await maria.send(MARIA_NIP)
    await maria.wait_replies()
    await maria.share_contact(MARIA_PHONE)
    await maria.wait_replies()

    stranger = api.user(user_id=ME + 1, first_name="Yohanes")
    await stranger.send("/start")
    await stranger.wait_replies()
    await stranger.send(MARIA_NIP)
    (asked,) = await stranger.wait_replies()
    assert "NIP ditemukan" in asked.plain_text  # the same answer as for a NIP nobody has linked
    await stranger.share_contact("081299990000")
    (refused,) = await stranger.wait_replies()
    assert "tidak cocok" in refused.plain_text
    assert "akun Telegram lain" not in refused.plain_text
