"""Compact, signed callback data for inline buttons.

Telegram returns whatever the button carried, and anyone can send any string, so every button
carries a short HMAC bound to the chat it was sent to. A forged or foreign value never reaches a
handler. Menu buttons also carry the conversation's nonce, so a tap on an old menu is recognised.
Format: ``<payload>~<tag>``, at most 64 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Final

MAX_BYTES: Final = 64
TAG_CHARS: Final = 8
SEPARATOR: Final = "~"


class CallbackTooLong(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Decoded:
    """`nonce` is set for menu buttons (their payload is `<nonce>:<code>`), else None."""

    code: str
    nonce: int | None


class CallbackCodec:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("callback secret must be at least 16 bytes")
        self._secret = secret

    def _tag(self, chat_id: int, payload: str) -> str:
        digest = hmac.new(self._secret, f"{chat_id}|{payload}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:TAG_CHARS]

    def encode(self, *, chat_id: int, code: str, nonce: int | None = None) -> str:
        payload = code if nonce is None else f"{nonce:x}:{code}"
        data = f"{payload}{SEPARATOR}{self._tag(chat_id, payload)}"
        if len(data.encode()) > MAX_BYTES:
            raise CallbackTooLong(code)
        return data

    def decode(self, *, chat_id: int, data: str) -> Decoded | None:
        """None for anything this bot did not sign for this chat."""
        if not isinstance(data, str) or len(data.encode()) > MAX_BYTES or SEPARATOR not in data:
            return None
        payload, _, tag = data.rpartition(SEPARATOR)
        # Compared as bytes: `compare_digest` refuses str with non-ASCII characters, and anyone
        # can send any characters.
        if not hmac.compare_digest(tag.encode(), self._tag(chat_id, payload).encode()):
            return None
        head, sep, code = payload.partition(":")
        if sep and head and all(ch in "0123456789abcdef" for ch in head) and len(head) <= 12:
            return Decoded(code=code, nonce=int(head, 16))
        return Decoded(code=payload, nonce=None)
