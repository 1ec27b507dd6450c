"""HR announcements from `/admin` → 📣 Pengumuman, end to end over the local Bot API server:
compose, choose the audience with a live count, preview exactly as sent, send now or at a
time, pause, resume, cancel, the report and the history — and nobody else gets in."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import SERVICES_KEY, BotApplication
from bot.dispatcher import Dispatcher
from bot.local_api import BotMessage, LocalBotApi, Phone
from bot.local_api.files import PHOTOS, image_size
from bot.local_api.models import JSONObject
from db import accounts
from db.models import Announcement, AnnouncementStatus, Employee, LearningRecord, OutboxMessage, Role
from db.types import utcnow
from tests.e2e.conftest import Clock
from tests.local_api.factories import png
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import DEFAULT_POSITION, make_employees
from tests.utils.events import make_event
from tests.utils.office_time import wita
from tests.utils.phones import linked_phone, press
from tests.utils.registrations import register

HR = 9001
ORGANIZER = 9002
DINKES = "Dinas Kesehatan"
pytestmark = pytest.mark.usefixtures("bot")
TEXT = "Rapat <b>koordinasi</b> & evaluasi: Senin, 09.00 WITA di aula BKPSDM."


async def _hr(session: AsyncSession, api: LocalBotApi, lang: str = "id") -> Phone:
    await accounts.grant_role(session, telegram_user_id=HR, role=Role.HR)
    return api.user(user_id=HR, first_name="Yohanes", language_code=lang)


async def _roster(session: AsyncSession, api: LocalBotApi) -> dict[str, Phone]:
    """Two ASN at Dinas Kesehatan (one already past the JP target) and one at BKPSDM."""
    dinkes = await make_employees(session, 2, unit=DINKES)
    bkpsdm = await make_employees(session, 1, unit="BKPSDM Kota Kupang", first=2)
    session.add(
        LearningRecord(employee_id=dinkes[1].id, title="Diklat PIM", completed_on=date(2026, 5, 1), jp=24)
    )
    await session.commit()
    people: dict[str, Employee] = {"below": dinkes[0], "reached": dinkes[1], "elsewhere": bkpsdm[0]}
    return {
        key: await linked_phone(session, api, employee, user_id=7000 + employee.id)
        for key, employee in people.items()
    }


def _dispatcher(bot: BotApplication) -> Dispatcher:
    """The outbox dispatcher as the bot runs it, driven by the test instead of the JobQueue."""
    return Dispatcher(bot.bot_data[SERVICES_KEY], bot.bot, per_chat_interval=0.0)


async def _compose(phone: Phone, text: str = TEXT, *, menu: str = "📣 Pengumuman") -> BotMessage:
    """/admin → Pengumuman → new → the text; the audience screen."""
    await phone.send("/admin")
    await phone.wait_replies()
    await press(phone, menu)
    await press(phone, phone.history[-1].button_texts[0])
    await phone.send(text)
    (audience,) = await phone.wait_replies()
    return audience


async def _announcements(session: AsyncSession) -> list[Announcement]:
    return list(
        await session.scalars(
            select(Announcement).order_by(Announcement.id).execution_options(populate_existing=True)
        )
    )


async def test_hr_sends_to_a_unit_below_the_jp_target_and_only_they_get_it_exactly_as_previewed(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    phones = await _roster(session, api)
    hr = await _hr(session, api)

    await hr.send("/admin")
    (admin_menu,) = await hr.wait_replies()
    assert "📣 Pengumuman" in admin_menu.button_texts
    (menu,) = await press(hr, "📣 Pengumuman")
    assert menu.button_texts[:2] == ["✏️ Buat pengumuman baru", "🗂 Riwayat pengumuman"]
    (ask,) = await press(hr, "✏️ Buat pengumuman baru")
    assert "Kirim teks pengumuman" in ask.plain_text
    await hr.send(TEXT)
    (audience,) = await hr.wait_replies()
    assert "semua ASN yang terhubung" in audience.plain_text
    assert "Jumlah penerima saat ini: 3 orang" in audience.plain_text

    (units,) = await press(hr, "🏢 Unit kerja")
    assert units.button_texts[:2] == ["BKPSDM Kota Kupang", DINKES]
    (units,) = await press(hr, DINKES)
    assert f"✅ {DINKES}" in units.button_texts
    assert "— 2 orang" in units.plain_text
    await press(hr, "◀ Audiens")
    (audience,) = await press(hr, "⏳ JP di bawah target (20 JP)")
    assert f"unit kerja {DINKES}; JP tahun ini di bawah target" in audience.plain_text
    assert "Jumlah penerima saat ini: 1 orang" in audience.plain_text

    preview, summary = await press(hr, "👁 Pratinjau ▶", count=2)
    assert preview.plain_text == TEXT
    assert "Jumlah: 1 orang" in summary.plain_text
    assert summary.button_texts == ["📤 Kirim sekarang", "🗓 Jadwalkan", "👥 Ubah audiens", "✖️ Batal"]
    (status,) = await press(hr, "📤 Kirim sekarang")
    assert "sedang dikirim" in status.plain_text
    assert "Menunggu: 1" in status.plain_text

    await _dispatcher(bot).drain()

    (received,) = await phones["below"].wait_replies()
    assert (received.text, received.plain_text, received.entities) == (
        preview.text,
        preview.plain_text,
        preview.entities,
    )
    assert received.method == preview.method == "sendMessage"
    assert phones["reached"].history == []
    assert phones["elsewhere"].history == []
    (report,) = await hr.wait_replies()
    assert "selesai dikirim" in report.plain_text
    assert "Terkirim: 1" in report.plain_text
    (status,) = await press(hr, "🔄 Perbarui")
    assert "— selesai" in status.plain_text
    assert "Terkirim: 1" in status.plain_text
    (announcement,) = await _announcements(session)
    assert announcement.status is AnnouncementStatus.DONE
    assert announcement.finished_at is not None
    assert await _dispatcher(bot).drain() == 0
    assert len(phones["below"].history) == 1


async def test_a_photo_announcement_arrives_as_the_photo_with_its_caption(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    phones = await _roster(session, api)
    hr = await _hr(session, api)
    image = png(40, 30)
    await hr.send("/admin")
    await hr.wait_replies()
    await press(hr, "📣 Pengumuman")
    await press(hr, "✏️ Buat pengumuman baru")

    await hr.send_photo(image, caption="Poster <Diklat> 2027")
    (audience,) = await hr.wait_replies()
    assert "Jumlah penerima saat ini: 3 orang" in audience.plain_text
    preview, _summary = await press(hr, "👁 Pratinjau ▶", count=2)
    assert (preview.method, preview.photo, preview.plain_text) == ("sendPhoto", image, "Poster <Diklat> 2027")
    await press(hr, "📤 Kirim sekarang")
    await _dispatcher(bot).drain()

    for phone in phones.values():
        (received,) = await phone.wait_replies()
        assert received.method == "sendPhoto"
        assert received.photo == image
        assert (received.caption, received.plain_text) == (preview.caption, "Poster <Diklat> 2027")


async def test_a_photo_outside_composing_gets_the_usual_answer(
    api: LocalBotApi, session: AsyncSession
) -> None:
    hr = await _hr(session, api)
    await hr.send_photo(png())
    (answer,) = await hr.wait_replies()
    assert answer.inline_keyboard is None
    assert await session.scalar(select(func.count()).select_from(Announcement)) == 0


async def test_a_scheduled_announcement_waits_for_its_time_in_wita(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication, clock: Clock
) -> None:
    phones = await _roster(session, api)
    hr = await _hr(session, api)
    await _compose(hr)
    await press(hr, "👁 Pratinjau ▶", count=2)
    (ask,) = await press(hr, "🗓 Jadwalkan")
    assert "WITA" in ask.plain_text

    await hr.send("besok pagi")
    (garbage,) = await hr.wait_replies()
    assert "tidak terbaca sebagai tanggal dan jam" in garbage.plain_text
    await hr.send("01/12/2026 08.00")  # the clock says 09.00 WITA
    (past,) = await hr.wait_replies()
    assert "sudah lewat" in past.plain_text
    await hr.send("1-12-2026 10:30")
    (status,) = await hr.wait_replies()
    assert "terjadwal" in status.plain_text
    assert "Selasa, 1 Desember 2026, 10.30 WITA" in status.plain_text
    assert "saat ini 3 orang" in status.plain_text

    # an ASN links her account after HR scheduled it: she is in the audience when it goes out
    (newcomer,) = await make_employees(session, 1, unit=DINKES, first=3)
    phones["newcomer"] = await linked_phone(session, api, newcomer, user_id=7000 + newcomer.id)
    (status,) = await press(hr, "🔄 Perbarui")
    assert "saat ini 4 orang" in status.plain_text
    clock.advance(timedelta(hours=1, minutes=29))
    assert await _dispatcher(bot).drain() == 0
    assert all(phone.history == [] for phone in phones.values())
    clock.advance(timedelta(minutes=1))
    await _dispatcher(bot).drain()
    for phone in phones.values():
        (received,) = await phone.wait_replies()
        assert received.plain_text == TEXT
    (announcement,) = await _announcements(session)
    assert announcement.scheduled_at == clock.now
    assert (announcement.status, announcement.recipient_count) == (AnnouncementStatus.DONE, 4)


async def test_back_from_the_send_time_returns_to_the_summary_and_keeps_the_draft(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    phones = await _roster(session, api)
    hr = await _hr(session, api)
    await _compose(hr)
    await press(hr, "👁 Pratinjau ▶", count=2)
    (ask,) = await press(hr, "🗓 Jadwalkan")
    assert ask.button_texts == ["◀ Kembali"]
    (summary,) = await press(hr, "◀ Kembali")
    assert summary.button_texts == ["📤 Kirim sekarang", "🗓 Jadwalkan", "👥 Ubah audiens", "✖️ Batal"]

    await press(hr, "🗓 Jadwalkan")
    await hr.send("besok pagi")
    (garbage,) = await hr.wait_replies()
    assert garbage.button_texts == ["◀ Kembali"]
    (summary,) = await press(hr, "◀ Kembali")
    assert "Jumlah: 3 orang" in summary.plain_text
    (status,) = await press(hr, "📤 Kirim sekarang")
    assert "sedang dikirim" in status.plain_text
    await _dispatcher(bot).drain()
    assert [len(phone.history) for phone in phones.values()] == [1, 1, 1]


async def test_an_album_makes_one_draft_from_its_first_photo_and_hr_is_told_once(
    api: LocalBotApi, session: AsyncSession
) -> None:
    await _roster(session, api)
    hr = await _hr(session, api)
    await hr.send("/admin")
    await hr.wait_replies()
    await press(hr, "📣 Pengumuman")
    await press(hr, "✏️ Buat pengumuman baru")
    first, second = png(40, 30), png(30, 40)

    _send_album(api, hr, [first, second, png(20, 20)], caption="Poster Diklat 2027")
    notice, audience = await hr.wait_replies(count=2)
    await asyncio.sleep(0.5)  # the rest of the album is handled by now

    assert "hanya yang pertama yang dipakai" in notice.plain_text
    assert "Jumlah penerima saat ini: 3 orang" in audience.plain_text
    assert hr.history[-2:] == [notice, audience]
    (draft,) = await _announcements(session)
    photo = api.files.get(draft.photo_file_id or "")
    assert photo is not None
    assert (photo.data, draft.text) == (first, "Poster Diklat 2027")


def _send_album(api: LocalBotApi, phone: Phone, images: list[bytes], *, caption: str) -> None:
    """Photos sharing one media_group_id, arriving together as Telegram delivers an album."""
    chat = phone.chat
    for number, image in enumerate(images):
        size = image_size(image)
        assert size is not None
        stored = api.files.add(image, folder=PHOTOS, size=size)
        message: JSONObject = {
            "message_id": chat.next_message_id(),
            "from": chat.profile.user_dict(),
            "chat": chat.profile.chat_dict(),
            "date": int(time.time()),
            "media_group_id": "13724583947",
            "photo": [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": stored.width,
                    "height": stored.height,
                    "file_size": stored.size,
                }
            ],
        }
        if number == 0:
            message["caption"] = caption
        api.inject_update({"message": message})


async def test_an_announcement_whose_last_rows_vanish_is_still_finished_and_reported(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    phones = await _roster(session, api)
    hr = await _hr(session, api)
    await _compose(hr)
    await press(hr, "👁 Pratinjau ▶", count=2)
    await press(hr, "📤 Kirim sekarang")
    for phone in phones.values():  # every recipient erases their data before it goes out
        await accounts.erase(session, telegram_user_id=phone.user_id, now=utcnow())
    await session.commit()

    dispatcher = _dispatcher(bot)
    assert await dispatcher.run_once() == 0  # nothing to send, yet the announcement is finished
    (announcement,) = await _announcements(session)
    assert announcement.status is AnnouncementStatus.DONE
    assert await dispatcher.drain() == 1
    (report,) = await hr.wait_replies()
    assert "selesai dikirim" in report.plain_text


async def test_pausing_holds_the_rest_and_resuming_sends_it_once(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    phones = await _roster(session, api)
    hr = await _hr(session, api)
    await _compose(hr)
    await press(hr, "👁 Pratinjau ▶", count=2)
    await press(hr, "📤 Kirim sekarang")

    (paused,) = await press(hr, "⏸ Jeda")
    assert "— dijeda" in paused.plain_text
    assert "▶ Lanjutkan" in paused.button_texts
    assert await _dispatcher(bot).drain() == 0
    assert all(phone.history == [] for phone in phones.values())
    (resumed,) = await press(hr, "▶ Lanjutkan")
    assert "— sedang dikirim" in resumed.plain_text
    await _dispatcher(bot).drain()
    await _dispatcher(bot).drain()

    assert [len(phone.history) for phone in phones.values()] == [1, 1, 1]


async def test_cancelling_asks_first_then_withdraws_what_was_not_sent(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    phones = await _roster(session, api)
    hr = await _hr(session, api)
    await _compose(hr)
    await press(hr, "👁 Pratinjau ▶", count=2)
    await press(hr, "📤 Kirim sekarang")

    (ask,) = await press(hr, "🛑 Batalkan")
    assert "Batalkan pengumuman ini?" in ask.plain_text
    (kept,) = await press(hr, "◀ Tidak")
    assert "— sedang dikirim" in kept.plain_text
    await press(hr, "🛑 Batalkan")
    (cancelled,) = await press(hr, "🛑 Ya, batalkan")
    assert "— dibatalkan" in cancelled.plain_text
    assert "Ditarik/dilewati: 3" in cancelled.plain_text
    assert "🛑 Batalkan" not in cancelled.button_texts

    assert await _dispatcher(bot).drain() == 0
    assert all(phone.history == [] for phone in phones.values())
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 3  # kept, not deleted


async def test_the_history_lists_the_newest_first_and_opens_each_status(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    await _roster(session, api)
    hr = await _hr(session, api)
    for text in ("Pengumuman pertama", "Pengumuman kedua"):
        await _compose(hr, text)
        await press(hr, "👁 Pratinjau ▶", count=2)
        await press(hr, "📤 Kirim sekarang")
    await _dispatcher(bot).drain()
    await hr.wait_replies(count=2)  # the two reports

    await hr.send("/admin")
    await hr.wait_replies()
    await press(hr, "📣 Pengumuman")
    (history,) = await press(hr, "🗂 Riwayat pengumuman")
    assert history.button_texts[:2] == ["1. Pengumuman kedua", "2. Pengumuman pertama"]
    assert "3 penerima" in history.plain_text
    assert "selesai" in history.plain_text
    (status,) = await press(hr, "2. Pengumuman pertama")
    assert "«Pengumuman pertama»" in status.plain_text
    assert "Terkirim: 3" in status.plain_text


async def test_english_hr_is_told_a_text_is_too_long_and_can_cancel(
    api: LocalBotApi, session: AsyncSession
) -> None:
    await _roster(session, api)
    hr = await _hr(session, api, lang="en")

    too_long = await _compose(hr, "x" * 4097, menu="📣 Announcements")
    assert "too long: 4,097 characters" in too_long.plain_text
    assert "at most 4,096" in too_long.plain_text
    await hr.send("Office closed on Friday")
    (audience,) = await hr.wait_replies()
    assert "Recipients right now: 3" in audience.plain_text
    (ranks,) = await press(hr, "🎖 Ranks")
    assert ranks.button_texts[0] == "III/a"
    await press(hr, "◀ Audience")
    (discarded,) = await press(hr, "✖️ Cancel")
    assert "nothing was sent" in discarded.plain_text

    assert await session.scalar(select(func.count()).select_from(Announcement)) == 0
    await hr.send("Are you still there?")
    (answer,) = await hr.wait_replies()
    assert "Recipients" not in answer.plain_text
    assert await session.scalar(select(func.count()).select_from(Announcement)) == 0


@pytest.mark.parametrize("who", ["organizer", "asn"])
async def test_forged_announcement_buttons_are_refused_to_everyone_but_hr(
    api: LocalBotApi, session: AsyncSession, who: str
) -> None:
    phones = await _roster(session, api)
    hr = await _hr(session, api)
    await _compose(hr)
    (draft,) = await _announcements(session)
    if who == "organizer":
        await make_event(session, "SEM-01", starts_at=wita(2026, 12, 9), organizer="Undana")
        await accounts.grant_role(
            session, telegram_user_id=ORGANIZER, role=Role.ORGANIZER, organizer="Undana"
        )
        phone, command = api.user(user_id=ORGANIZER, first_name="Dosen", language_code="id"), "/admin"
    else:
        await make_event(session, "PKP-01", starts_at=wita(2026, 12, 9))
        phone, command = phones["below"], "/pelatihan"

    for data in ("ann:menu", f"ann:go:{draft.id}", f"ann:st:{draft.id}", "ann:new"):
        await phone.send(command)
        (screen,) = await phone.wait_replies()
        assert "📣 Pengumuman" not in screen.button_texts
        await phone.press_forged(data, message_id=screen.message_id)
        (refusal,) = await phone.wait_replies()
        assert "hanya dapat dikirim oleh petugas BKPSDM/BKD" in refusal.plain_text

    (draft,) = await _announcements(session)
    assert draft.status is AnnouncementStatus.DRAFT
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_registrants_of_an_event_with_a_competency_gap_are_picked_by_button(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    phones = await _roster(session, api)
    people = {key: await session.get(Employee, phone.user_id - 7000) for key, phone in phones.items()}
    event = await make_event(session, "PKP-01", starts_at=wita(2026, 12, 9), title="Pelayanan Prima")
    await set_standard(session, DEFAULT_POSITION, {"Pelayanan Publik": 3})
    for key, level in (("below", 2), ("elsewhere", 3)):
        employee = people[key]
        assert employee is not None
        await register(session, employee, event)
        await assess(session, employee, {"Pelayanan Publik": level}, on=date(2026, 2, 1))
    hr = await _hr(session, api)
    await _compose(hr)

    (events,) = await press(hr, "📅 Peserta kegiatan")
    (events,) = await press(hr, "PKP-01 — Pelayanan Prima")
    assert "✅ PKP-01 — Pelayanan Prima" in events.button_texts
    assert "— 2 orang" in events.plain_text
    await press(hr, "◀ Audiens")
    await press(hr, "📉 Kesenjangan kompetensi")
    (gaps,) = await press(hr, "Pelayanan Publik")
    assert "peserta kegiatan PKP-01; ada kesenjangan Pelayanan Publik — 1 orang" in gaps.plain_text
    (gaps,) = await press(hr, "✅ Pelayanan Publik")
    assert "— 2 orang" in gaps.plain_text
    await press(hr, "Pelayanan Publik")
    await press(hr, "◀ Audiens")
    await press(hr, "👁 Pratinjau ▶", count=2)
    await press(hr, "📤 Kirim sekarang")
    await _dispatcher(bot).drain()

    assert [len(phone.history) for phone in phones.values()] == [1, 0, 0]


async def test_a_document_announcement_arrives_as_the_document_and_a_stale_cancel_changes_nothing(
    api: LocalBotApi, session: AsyncSession, bot: BotApplication
) -> None:
    phones = await _roster(session, api)
    hr = await _hr(session, api)
    await hr.send("/admin")
    await hr.wait_replies()
    await press(hr, "📣 Pengumuman")
    await press(hr, "✏️ Buat pengumuman baru")
    content = b"%PDF-1.4 jadwal diklat"
    await hr.upload("jadwal-diklat.pdf", content, caption="Jadwal diklat 2027")
    (audience,) = await hr.wait_replies()
    await press(hr, "👁 Pratinjau ▶", count=2)
    await press(hr, "📤 Kirim sekarang")

    await hr.press("✖️ Batal", message_id=audience.message_id)
    (gone,) = await hr.wait_replies()
    assert "tidak ditemukan" in gone.plain_text
    await _dispatcher(bot).drain()

    for phone in phones.values():
        (received,) = await phone.wait_replies()
        assert received.method == "sendDocument"
        assert (received.document, received.document_name) == (content, "jadwal-diklat.pdf")
        assert received.plain_text == "Jadwal diklat 2027"
