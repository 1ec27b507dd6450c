"""The bot's photos and documents: sendPhoto, sendDocument and getFile.

A file is sent as an upload (checked and stored, photos must be real images of sane
proportions), as a file_id the server knows, or as an HTTP URL (stored without content, so
getFile refuses it as Telegram refuses files it never downloaded).
"""

from typing import TYPE_CHECKING

from bot.local_api import checks
from bot.local_api.checks import admit, target_chat
from bot.local_api.files import DOCUMENTS, PHOTOS, FileStore, image_size
from bot.local_api.models import BotMessage, JSONObject, StoredFile
from bot.local_api.params import ApiError, Params, ServerMethod, Upload, bad_request

if TYPE_CHECKING:
    from bot.local_api.server import LocalBotApi

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


async def send_photo(api: "LocalBotApi", params: Params) -> object:
    """sendPhoto."""
    return _send_media(api, params, "photo", "sendPhoto")


async def send_document(api: "LocalBotApi", params: Params) -> object:
    """sendDocument."""
    return _send_media(api, params, "document", "sendDocument")


async def get_file(api: "LocalBotApi", params: Params) -> object:
    """getFile: the file_path to download a stored file from (up to 20 MB)."""
    file_id = params.text("file_id") or ""
    stored = api.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.url is not None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if stored.size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


METHODS: dict[str, ServerMethod] = {
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "getFile": get_file,
}


def _send_media(api: "LocalBotApi", params: Params, media: str, method: str) -> JSONObject:
    chat = target_chat(api, params)
    stored = _media_file(api.files, params, media)
    caption = params.text("caption")
    parse_mode = params.text("parse_mode")
    formatted = checks.caption(caption, parse_mode, params, strict=api.strict_html)
    markup = checks.reply_markup(params)
    reply_to = checks.reply_to(chat, params)
    now = admit(api, chat, method)
    message = BotMessage(
        message_id=chat.next_message_id(),
        chat_id=chat.profile.user_id,
        date=now,
        method=method,
        caption=caption,
        plain_text=formatted.text,
        parse_mode=parse_mode,
        entities=formatted.entities,
        reply_markup=markup,
        media=media,
        file=stored,
        reply_to_message_id=reply_to,
        disable_notification=params.flag("disable_notification"),
        protect_content=params.flag("protect_content"),
        allow_paid_broadcast=params.flag("allow_paid_broadcast"),
    )
    chat.add(message)
    return api.message_dict(chat, message)


def _media_file(files: FileStore, params: Params, media: str) -> StoredFile:
    """The file of a sendPhoto/sendDocument call, stored if it was uploaded."""
    folder = PHOTOS if media == "photo" else DOCUMENTS
    value = params.upload(media)
    if value is None or value == "":
        raise bad_request(f"there is no {media} in the request")
    if isinstance(value, str):
        known = files.get(value)
        if known is not None:
            if not known.file_path.startswith(folder):
                raise bad_request("type of file mismatch")
            return known
        if value.startswith(("http://", "https://")):
            return files.add(b"", folder=folder, url=value)
        raise bad_request("wrong file identifier/HTTP URL specified")
    return _store_upload(files, value, folder)


def _store_upload(files: FileStore, upload: Upload, folder: str) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    size = (0, 0)
    if folder == PHOTOS:
        if len(upload.data) > MAX_PHOTO_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        dimensions = image_size(upload.data)
        if dimensions is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = dimensions
        if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        size = dimensions
    elif len(upload.data) > MAX_DOCUMENT_BYTES:
        raise ApiError(413, "Request Entity Too Large")
    return files.add(
        upload.data, folder=folder, filename=upload.filename, mime_type=upload.content_type, size=size
    )
