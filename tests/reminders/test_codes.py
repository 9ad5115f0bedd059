"""Reminder buttons fit Telegram's 64 bytes with the largest ids, and a queued message comes
back from the outbox exactly as it went in."""

from __future__ import annotations

import pytest

from flows.callbacks import MAX_BYTES, CallbackCodec
from flows.reminders.outbox import from_payload, to_payload
from flows.reply import Anchor, Button, Outgoing

BIG = "9999999999"
BIG_CHAT = -1001234567890123
CODES = [
    *(f"M.{BIG}.{op}" for op in "tskrb"),
    *(f"A.{BIG}.{op}" for op in "ynck"),
    *(f"N.{BIG}.{op}" for op in "an"),
    *(f"G.{BIG}.{n}" for n in range(1, 6)),
    *(f"K.{BIG}.{op}" for op in "bsw"),
    *(f"T.{BIG}.{op}" for op in "pdy"),
    "T.0.l",
    "T.0.m",
    f"C.{BIG}.a",
]


@pytest.mark.parametrize("code", CODES)
def test_reminder_buttons_fit_64_bytes(code: str) -> None:
    codec = CallbackCodec(b"k" * 32)
    data = codec.encode(chat_id=BIG_CHAT, code=code)
    assert len(data.encode()) <= MAX_BYTES
    decoded = codec.decode(chat_id=BIG_CHAT, data=data)
    assert decoded is not None
    assert (decoded.code, decoded.nonce) == (code, None)
    assert codec.decode(chat_id=BIG_CHAT + 1, data=data) is None  # another chat: refused


def test_payload_round_trip() -> None:
    message = Outgoing(
        chat_id=42,
        text="💊 Sono le 08:00",
        buttons=((Button("✅ Presa", "M.1.t~abc"),), (Button("Sito", url="https://x.it"),)),
        protect=True,
        edit_message_id=7,
        anchor=Anchor("card", 3),
    )
    assert from_payload(42, to_payload(message)) == message
