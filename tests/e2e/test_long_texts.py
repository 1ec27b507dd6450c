"""Every text built from data fits Telegram's limits: an event with the longest values the
import accepts (a 10,000-character description, 300-character title and place) is shown with
its description cut and a "📄 Selengkapnya" button that sends the rest in messages that fit;
the catalog of such events fits too. The local Bot API server refuses what Telegram refuses
("message is too long"), so a text that does not fit fails these tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi
from bot.ui import limits
from db.catalog import EventCard
from db.models import Allocation, EventKind, EventStatus
from db.offer import Offer
from messages import Renderer
from tests.utils.events import configure, make_event
from tests.utils.office_time import WITA, wita
from tests.utils.phones import press, say

ME = 838383
# HTML-special characters count once each, though they are sent escaped
SENTENCE = "Materi <inti> & praktik pelayanan publik bagi ASN di Kupang; peserta membawa laptop. "
DESCRIPTION = (SENTENCE * 200)[:10_000]
TITLE = ("Pelatihan Kepemimpinan Pengawas & Pelayanan Publik " * 10)[:300]
PLACE = ("Aula BKPSDM Kota Kupang, Jl. Timor Raya " * 10)[:300]
ORGANIZER = ("Universitas Nusa Cendana <Fakultas> " * 10)[:200]


@pytest.mark.usefixtures("bot")
async def test_an_event_with_a_10000_character_description_can_be_shown_and_read_whole(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(
        session, "PANJANG-01", title=TITLE, starts_at=wita(2026, 12, 14), organizer=ORGANIZER
    )
    await configure(session, event, description=DESCRIPTION, location=PLACE)
    phone = api.user(user_id=ME, first_name="Asn", language_code="id")
    await say(phone, "/pelatihan")
    (detail,) = await press(phone, f"1. {TITLE[:39]}…")
    assert limits.visible_length(detail.text or "") <= limits.MESSAGE
    assert detail.plain_text.endswith("…")
    assert detail.button_texts[0] == "📄 Selengkapnya"
    assert "📝 Daftar" in detail.button_texts

    await phone.press("📄 Selengkapnya")
    parts = await phone.wait_replies(count=3)
    texts = [part.plain_text for part in parts]
    assert [text.split("\n", 1)[0] for text in texts] == [f"📄 {TITLE} ({n}/3)" for n in (1, 2, 3)]
    body = " ".join(text.split("\n\n", 1)[1] for text in texts)
    assert body.split() == DESCRIPTION.split()


@pytest.mark.usefixtures("bot")
async def test_a_short_description_is_shown_whole_without_a_read_more_button(
    api: LocalBotApi, session: AsyncSession
) -> None:
    event = await make_event(session, "PENDEK-01", title="Pelayanan Prima", starts_at=wita(2026, 12, 14))
    await configure(session, event, description="Dua hari, di Kupang.")
    phone = api.user(user_id=ME, first_name="Asn", language_code="en")
    await say(phone, "/pelatihan")
    (detail,) = await press(phone, "1. Pelayanan Prima")
    assert detail.plain_text.endswith("Dua hari, di Kupang.")
    assert "📄 Read more" not in detail.button_texts


def _longest_card(number: int) -> EventCard:
    """An event as the catalog shows it, every value as long as the import lets it be."""
    at = datetime(2026, 12, 14, 1, 0, tzinfo=UTC)
    return EventCard(
        id=999_999_999_999_999_999 - number,
        code=("K" * 40)[:40],
        title=TITLE,
        kind=EventKind.WORKSHOP,
        organizer=ORGANIZER,
        description=DESCRIPTION,
        starts_at=at,
        ends_at=at,
        location=PLACE,
        jp=999,
        quota=99_999,
        seats_left=99_999,
        registration_deadline=at,
        competencies=[f"Kompetensi Teknis Nomor {n} " + "x" * 170 for n in range(8)],
        competency_ids=list(range(8)),
        target_positions=[("Jabatan Fungsional Analis " * 8)[:200] for _ in range(5)],
        cost=999_999_999_999,
        requires_approval=True,
        allocation=Allocation.PRIORITY,
        target_position_types=["Fungsional", "Pelaksana"],
        status=EventStatus.CANCELLED,
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_detail_of_the_longest_event_fits_in_both_languages(lang: str) -> None:
    renderer = Renderer(WITA)
    card = _longest_card(0)

    def render(description: str) -> str:
        offered = Offer(card, None, waitlist=True, recommendation=None)
        return renderer.render(
            "event_detail", lang, event=card, offer=offered, description=description, year=2026
        )

    text, cut = limits.fit(render, DESCRIPTION)
    assert cut
    assert limits.MESSAGE - 300 < limits.visible_length(text) <= limits.MESSAGE
    for part in limits.pieces(DESCRIPTION):
        shown = renderer.render("event_description", lang, title=TITLE, text=part, part=1, parts=3)
        assert limits.visible_length(shown) <= limits.MESSAGE


def test_fit_cuts_at_a_word_and_counts_what_telegram_counts() -> None:
    text, cut = limits.fit(lambda part: f"<b>Judul</b>\n{part}", "kata " * 1000 + "&", limit=100)
    assert cut
    assert limits.visible_length(text) <= 100
    assert text.endswith("kata…")
    assert limits.visible_length("<b>a&amp;b</b> 😀") == 6  # "a&b " and an emoji, two UTF-16 units
