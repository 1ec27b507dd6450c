"""What recipients receive: HR's text as the HTML sent, the photo or document it may carry,
Telegram's limits on both, and the snippet that names an announcement in lists and reports.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Announcement

#: Telegram's limits on a message's text and on a photo's or document's caption.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
PHOTO: Literal["photo"] = "photo"
DOCUMENT: Literal["document"] = "document"
SNIPPET_WORDS = 8


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or document an announcement carries, by the file_id Telegram gave the bot."""

    kind: Literal["photo", "document"]
    file_id: str


class TextTooLong(ValueError):
    """The text is longer than Telegram accepts (4096 characters, 1024 for a caption)."""

    def __init__(self, *, limit: int, length: int) -> None:
        super().__init__(f"{length} characters, at most {limit} allowed")
        self.limit = limit
        self.length = length


def body(text: str) -> str:
    """The HTML that recipients receive for HR's plain text: escaped, so it arrives as typed."""
    return html.escape(text, quote=False)


def attachment_of(announcement: Announcement) -> Attachment | None:
    """The photo or document sent with the announcement's text as its caption, if any."""
    if announcement.photo_file_id is not None:
        return Attachment(PHOTO, announcement.photo_file_id)
    if announcement.document_file_id is not None:
        return Attachment(DOCUMENT, announcement.document_file_id)
    return None


def text_limit(*, with_attachment: bool) -> int:
    """Telegram's limit on the text: a caption is shorter than a message."""
    return CAPTION_LIMIT if with_attachment else TEXT_LIMIT


async def attachments(session: AsyncSession, announcement_ids: Iterable[int]) -> dict[int, Attachment]:
    """The photo or document of each of these announcements that has one (one query)."""
    ids = set(announcement_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Announcement.id, Announcement.photo_file_id, Announcement.document_file_id).where(
            Announcement.id.in_(ids),
            or_(Announcement.photo_file_id.is_not(None), Announcement.document_file_id.is_not(None)),
        )
    )
    return {
        r.id: Attachment(PHOTO, r.photo_file_id)
        if r.photo_file_id is not None
        else Attachment(DOCUMENT, r.document_file_id)
        for r in rows
    }


def snippet(text: str, words: int = SNIPPET_WORDS) -> str:
    """The first few words of a text, for lists."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
