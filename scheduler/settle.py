"""What each send did to the outbox row and to the reminder behind it, one transaction each.

Sent: the row keeps no text any more (contents are not needed once delivered) and the reminder's
answer window opens. 429: back in the queue after `retry_after`. Network or 5xx: retried with
backoff, up to a limit. 403: the patient is unreachable, staff are told, the rest of their queue
is dropped. Any other refusal: failed. A reminder that never reached its reader is recorded
missed, with why, rather than lost silently.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from flows.engine import FrontDesk
from flows.reminders.reach import mark_unreachable
from scheduler.port import Outcome, SendResult
from storage.repositories.outbox import CLAIMED, PENDING, SENDING, SENT
from storage.repositories.reminders import CANCELLED, MISSED, QUEUED
from storage.tables import OutboundMessage, Reminder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_429 = 50
LONGEST_BACKOFF = 300.0
RATING_WINDOW = timedelta(days=7)
CHECKBACK_WINDOW = timedelta(days=3)


def backoff(attempts: int) -> float:
    """2, 4, 8 ... seconds, at most five minutes, with a little jitter."""
    return min(LONGEST_BACKOFF, 2.0**attempts) * random.uniform(0.8, 1.2)


def answer_window(reminder: Reminder, now: datetime, desk: FrontDesk) -> datetime | None:
    """Until when an answer is awaited; after that the sweep records the reminder missed."""
    if reminder.kind == "therapy_dose":
        return now + timedelta(minutes=desk.settings.dose_window_minutes)
    if reminder.kind == "appointment":
        starts = reminder.payload.get("starts_at")
        return datetime.fromisoformat(starts) if isinstance(starts, str) else None
    if reminder.kind in ("satisfaction", "rating"):
        return now + RATING_WINDOW
    if reminder.kind == "checkback":
        return now + CHECKBACK_WINDOW
    return None  # staff prompts wait for staff


async def start_sending(desk: FrontDesk, row_id: int, worker: str) -> bool:
    """Mark the row `sending` just before the call; False if it must not go any more (the claim
    was lost, or the reminder behind it was cancelled meanwhile)."""
    async with desk.database.uow() as uow:
        outbox = uow.outbox
        row = await outbox.get(row_id=row_id)
        if row is None or row.status != CLAIMED or row.claimed_by != worker:
            return False
        reminder = await _reminder(uow, row)
        if reminder is not None and reminder.status == CANCELLED:
            _close(row, "cancelled")
            await outbox.save(row=row)
            await uow.commit()
            return False
        started = await outbox.start_sending(row_id=row_id, worker=worker)
        await uow.commit()
        return started is not None


async def record(desk: FrontDesk, row_id: int, result: SendResult, now: datetime) -> None:
    async with desk.database.uow() as uow:
        outbox = uow.outbox
        row = await outbox.get(row_id=row_id)
        if row is None or row.status != SENDING:
            return
        reminder = await _reminder(uow, row)
        outcome = result.outcome
        if outcome is Outcome.SENT:
            _sent(desk, row, reminder, result, now)
        elif outcome is Outcome.RETRY_AFTER and row.attempts < MAX_429:
            _again(row, now + timedelta(seconds=result.retry_after or 1.0), result)
        elif outcome is Outcome.TRANSIENT and row.attempts < MAX_ATTEMPTS:
            _again(row, now + timedelta(seconds=backoff(row.attempts)), result)
        elif outcome is Outcome.BLOCKED:
            _failed(row, reminder, "undeliverable", result)
            await outbox.drop_pending_for_chat(chat_id=row.chat_id, status="undeliverable")
            await mark_unreachable(desk, uow, row.chat_id, now)
        else:
            _failed(row, reminder, "failed", result)
            log.warning("outbox row %s failed: %s", row.id, result.description[:100])
        await outbox.save(row=row)
        if reminder is not None:
            await uow.reminders.save(reminder=reminder)
        await uow.commit()


async def expire(desk: FrontDesk, row_id: int, now: datetime) -> None:
    """Too late to be worth sending (a dose past its grace window, an appointment begun)."""
    async with desk.database.uow() as uow:
        row = await uow.outbox.get(row_id=row_id)
        if row is None or row.status != CLAIMED:
            return
        reminder = await _reminder(uow, row)
        _close(row, "expired")
        if reminder is not None and reminder.status == QUEUED:
            reminder.status = MISSED
            reminder.payload = {**reminder.payload, "missed": "late"}
            await uow.reminders.save(reminder=reminder)
        await uow.outbox.save(row=row)
        await uow.commit()


async def defer(desk: FrontDesk, row_id: int, until: datetime) -> None:
    """Quiet hours began while it waited: it goes in the morning."""
    async with desk.database.uow() as uow:
        row = await uow.outbox.get(row_id=row_id)
        if row is None or row.status != CLAIMED:
            return
        row.status, row.not_before, row.claimed_by, row.claimed_until = PENDING, until, None, None
        await uow.outbox.save(row=row)
        await uow.commit()


async def _reminder(uow: UnitOfWork, row: OutboundMessage) -> Reminder | None:
    if row.reminder_id is None:
        return None
    return await uow.reminders.get(reminder_id=row.reminder_id)


def _close(row: OutboundMessage, status: str) -> None:
    row.status, row.payload, row.claimed_by, row.claimed_until = status, {}, None, None


def _sent(
    desk: FrontDesk,
    row: OutboundMessage,
    reminder: Reminder | None,
    result: SendResult,
    now: datetime,
) -> None:
    _close(row, SENT)
    row.sent_at, row.telegram_message_id, row.last_error = now, result.message_id, None
    if reminder is not None and reminder.status == QUEUED:
        reminder.status = "sent"
        reminder.sent_at = now
        reminder.telegram_message_id = result.message_id
        reminder.window_ends_at = answer_window(reminder, now, desk)


def _again(row: OutboundMessage, when: datetime, result: SendResult) -> None:
    row.status, row.not_before, row.claimed_by, row.claimed_until = PENDING, when, None, None
    row.last_error = result.description[:200] or result.outcome.value


def _failed(
    row: OutboundMessage, reminder: Reminder | None, status: str, result: SendResult
) -> None:
    _close(row, status)
    row.last_error = result.description[:200] or result.outcome.value
    # Staff prompts go to several people: one of them not getting it is not a miss.
    if reminder is not None and reminder.status == QUEUED and reminder.kind != "attendance":
        reminder.status = MISSED
        reminder.answer = None
        reminder.payload = {**reminder.payload, "missed": "undelivered"}
