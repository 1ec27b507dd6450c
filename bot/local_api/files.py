"""Files held by the local Bot API server: uploads by users and media sent by the bot.

Every file gets a file_id and a file_path under which ``/file/bot<TOKEN>/<file_path>`` serves
it.  Photos are checked to be images (PNG, JPEG, GIF or WebP) as Telegram refuses anything
else with IMAGE_PROCESS_FAILED, and their width and height are read from the header.
"""

import mimetypes
import struct
from pathlib import PurePosixPath

from bot.local_api.models import JSONObject, StoredFile

PHOTOS = "photos"
DOCUMENTS = "documents"
_JPEG_FRAME_MARKERS = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)


class FileStore:
    """file_id and file_path lookups over the stored files."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def add(
        self,
        data: bytes,
        *,
        folder: str,
        filename: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
        size: tuple[int, int] = (0, 0),
    ) -> StoredFile:
        """Store ``data`` under a new file_id in ``folder`` (PHOTOS or DOCUMENTS)."""
        self._count += 1
        number = self._count
        suffix = PurePosixPath(filename).suffix if filename else ""
        if not suffix and mime_type:
            suffix = mimetypes.guess_extension(mime_type) or ""
        prefix = "AgAC" if folder == PHOTOS else "BQAC"
        stored = StoredFile(
            file_id=f"{prefix}local{number:08d}",
            file_unique_id=f"AQADlocal{number:08d}",
            file_path=f"{folder}/file_{number}{suffix}",
            data=data,
            filename=filename,
            mime_type=mime_type,
            url=url,
            width=size[0],
            height=size[1],
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """The file with ``file_id``, if stored."""
        return self._by_id.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        """The file served at ``file_path``, if stored."""
        return self._by_path.get(file_path)

    def clear(self) -> None:
        """Forget every file; new ids keep counting up so old ones stay unknown."""
        self._by_id.clear()
        self._by_path.clear()


def document_dict(stored: StoredFile) -> JSONObject:
    """The Bot API Document object for a stored file."""
    document: JSONObject = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.filename:
        document["file_name"] = stored.filename
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, JPEG, GIF or WebP image, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 9 < len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _JPEG_FRAME_MARKERS:
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return int(width), int(height)
        position += 2 + int(length)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None
