"""Putting a message in the outbox: a framework-free `Outgoing` kept as a row, sent later by the
scheduler's dispatcher through one rate-limited queue, at most once per idempotency key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flows.reminders.times import not_before
from flows.reply import Anchor, Button, Outgoing
from flows.settings import Settings
from storage.uow import UnitOfWork


def to_payload(message: Outgoing) -> dict[str, Any]:
    """What the dispatcher needs to send `message` again, as JSON. Files are not queued."""
    payload: dict[str, Any] = {"text": message.text}
    if message.buttons:
        payload["buttons"] = [
            [{"label": b.label, "data": b.data, "url": b.url} for b in row]
            for row in message.buttons
        ]
    if message.protect:
        payload["protect"] = True
    if message.edit_message_id is not None:
        payload["edit"] = message.edit_message_id
    if message.anchor is not None:
        payload["anchor"] = [message.anchor.kind, message.anchor.key]
    return payload


def from_payload(chat_id: int, payload: dict[str, Any]) -> Outgoing:
    rows = tuple(
        tuple(Button(str(b["label"]), b.get("data"), b.get("url")) for b in row)
        for row in payload.get("buttons") or []
    )
    anchor = payload.get("anchor")
    return Outgoing(
        chat_id=chat_id,
        text=str(payload.get("text") or ""),
        buttons=rows,
        protect=bool(payload.get("protect")),
        edit_message_id=payload.get("edit"),
        anchor=Anchor(str(anchor[0]), int(anchor[1])) if anchor else None,
    )


def row(
    *,
    key: str,
    message: Outgoing,
    kind: str,
    now: datetime,
    settings: Settings,
    due: datetime | None = None,
    night_ok: bool = False,
    reminder_id: int | None = None,
    expires_at: datetime | None = None,
) -> dict[str, Any]:
    """One outbox row: due at `due` (now by default), held back until morning unless
    `night_ok` (only the therapy reminders a patient chose)."""
    return {
        "idempotency_key": key[:128],
        "chat_id": message.chat_id,
        "payload": to_payload(message),
        "status": "pending",
        "not_before": not_before(due or now, settings, night_ok=night_ok),
        "attempts": 0,
        "created_at": now,
        "queued": True,
        "kind": kind,
        "reminder_id": reminder_id,
        "night_ok": night_ok,
        "expires_at": expires_at,
    }


async def enqueue(uow: UnitOfWork, rows: list[dict[str, Any]]) -> int:
    """Queue rows in the caller's unit of work; a key already queued is skipped."""
    return await uow.outbox.add(rows=rows)
