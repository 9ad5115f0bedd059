"""Files: photo and document messages, uploads, file_ids, getFile.

Uploaded bytes are kept in memory under a Telegram-like file_id and file_path, so the bot can
download what a patient sent and tests can read back what the bot sent.
"""

from __future__ import annotations

import mimetypes
import struct

from bot.emulator.errors import WRONG_FILE_ID, bad_request
from bot.emulator.messages import caption_text, reply_markup, send_fields
from bot.emulator.methods import Handler
from bot.emulator.models import Json, StoredFile
from bot.emulator.params import Params, Upload
from bot.emulator.state import EmulatorState

THUMBNAIL_SIDE = 320
MAX_DOWNLOAD = 20 * 1024 * 1024
DEFAULT_PHOTO_SIZE = (1280, 960)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG, read from its header."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None


def guess_mime(file_name: str | None, given: str | None) -> str | None:
    if given and given != "application/octet-stream":
        return given
    guessed = mimetypes.guess_type(file_name or "")[0]
    return guessed or given


def photo_sizes(state: EmulatorState, stored: StoredFile) -> list[Json]:
    """PhotoSize list like Telegram's: a small preview first, the original last."""
    width, height = stored.width, stored.height
    full = {**_file_ref(stored), "width": width, "height": height}
    if max(width, height) <= THUMBNAIL_SIDE:
        return [full]
    scale = THUMBNAIL_SIDE / max(width, height)
    small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = state.store_file(stored.data, kind="photo", mime_type=stored.mime_type, size=small_size)
    return [{**_file_ref(small), "width": small.width, "height": small.height}, full]


def store_photo(
    state: EmulatorState, data: bytes, size: tuple[int, int] | None = None
) -> list[Json]:
    size = size or image_size(data) or DEFAULT_PHOTO_SIZE
    stored = state.store_file(data, kind="photo", mime_type="image/jpeg", size=size)
    return photo_sizes(state, stored)


def document_object(stored: StoredFile) -> Json:
    body = _file_ref(stored)
    if stored.file_name:
        body["file_name"] = stored.file_name
    if stored.mime_type:
        body["mime_type"] = stored.mime_type
    return body


def store_document(
    state: EmulatorState, data: bytes, file_name: str | None, mime_type: str | None
) -> StoredFile:
    if not data:
        raise bad_request("file must be non-empty")
    mime = guess_mime(file_name, mime_type)
    return state.store_file(data, kind="document", file_name=file_name, mime_type=mime)


def _file_ref(stored: StoredFile) -> Json:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }


def _existing(state: EmulatorState, value: Upload | str | None, kind: str) -> StoredFile | Upload:
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, Upload):
        return value
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = state.files.get(value)
    if stored is None:
        raise bad_request(WRONG_FILE_ID)
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored


async def send_photo(state: EmulatorState, p: Params) -> Json:
    chat = state.writable_chat(p.chat_id())
    source = _existing(state, p.file("photo"), "photo")
    caption, entities = caption_text(p)
    fields = send_fields(chat, p, reply_markup(p))
    if isinstance(source, Upload):
        if not source.data:
            raise bad_request("file must be non-empty")
        sizes = store_photo(state, source.data)
    else:
        sizes = photo_sizes(state, source)
    message = state.add_message(
        chat,
        from_bot=True,
        kind="photo",
        caption=caption,
        caption_entities=entities,
        media={"photo": sizes},
        **fields,
    )
    return message.to_api()


async def send_document(state: EmulatorState, p: Params) -> Json:
    chat = state.writable_chat(p.chat_id())
    source = _existing(state, p.file("document"), "document")
    caption, entities = caption_text(p)
    fields = send_fields(chat, p, reply_markup(p))
    if isinstance(source, Upload):
        source = store_document(state, source.data, source.filename, source.content_type)
    message = state.add_message(
        chat,
        from_bot=True,
        kind="document",
        caption=caption,
        caption_entities=entities,
        media={"document": document_object(source)},
        **fields,
    )
    return message.to_api()


async def get_file(state: EmulatorState, p: Params) -> Json:
    stored = state.files.get(p.string("file_id", required=True) or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.to_api()


HANDLERS: dict[str, Handler] = {
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "getFile": get_file,
}
