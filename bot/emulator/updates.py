"""The pending-update queue behind getUpdates, and the change notifier long polls wait on.

All updates reach the bot through `UpdateQueue.push`; while a webhook is set, `webhook.py`
takes them from here instead of getUpdates. getUpdates follows Telegram: an offset confirms
(forgets) every update with a lower id, a negative offset keeps only the last updates, and a new
getUpdates terminates a pending one with 409 (answering the old request, so a bot that
reconnects after dropping a long poll is not locked out by its own orphaned request).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import CONFLICT_OTHER_POLL, ApiError

Json = dict[str, Any]


class Notifier:
    """Wakes every waiter on each change; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return False
        return True


@dataclass
class Pending:
    update_id: int
    body: Json
    replay: bool = False
    delivered: bool = False

    def kind(self) -> str:
        return next((k for k in self.body if k != "update_id"), "")


class _Poll:
    terminated = False


class UpdateQueue:
    """Updates waiting for the bot, in the order they happened."""

    FIRST_UPDATE_ID = 1000

    def __init__(self) -> None:
        self._items: list[Pending] = []
        self._next_id = self.FIRST_UPDATE_ID
        self._changed = Notifier()
        self._poll: _Poll | None = None
        self._closed = False
        self.allowed_updates: list[str] | None = None

    @property
    def pending_count(self) -> int:
        return len(self._items)

    @property
    def changed(self) -> Notifier:
        """Notified on every push and removal (the webhook sender waits on it)."""
        return self._changed

    def ready(self) -> list[Pending]:
        """Every queued update of an allowed kind, oldest first."""
        return self._ready(len(self._items))

    def remove(self, item: Pending) -> None:
        """Confirmed by the webhook: forgotten."""
        if item in self._items:
            self._items.remove(item)

    def push(self, body: Json, update_id: int | None = None) -> int:
        """Queues an update; a given id lower than the next one is a replay of an old update."""
        replay = update_id is not None and update_id < self._next_id
        if update_id is None:
            update_id = self._next_id
        self._next_id = max(self._next_id, update_id + 1)
        body = {"update_id": update_id, **{k: v for k, v in body.items() if k != "update_id"}}
        self._items.append(Pending(update_id, body, replay=replay))
        self._changed.notify()
        return update_id

    def clear(self) -> None:
        self._items.clear()

    def close(self) -> None:
        """Releases pending long polls so the server can stop promptly."""
        self._closed = True
        self._changed.notify()

    def reopen(self) -> None:
        self._closed = False

    def reset(self) -> None:
        self._items.clear()
        self._next_id = self.FIRST_UPDATE_ID
        self.allowed_updates = None
        self._changed.notify()

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self._items = self._items[offset:]
            return
        # Replays are only forgotten once the bot has seen them, or they could never be tested.
        self._items = [
            u for u in self._items if u.update_id >= offset or (u.replay and not u.delivered)
        ]

    def _ready(self, limit: int) -> list[Pending]:
        allowed = self.allowed_updates
        items = [u for u in self._items if not allowed or u.kind() in allowed]
        return items[:limit]

    async def get(self, offset: int | None, limit: int, wait_s: float) -> list[Json]:
        self._confirm(offset)
        if self._poll is not None:
            self._poll.terminated = True
            self._changed.notify()
        poll = self._poll = _Poll()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        try:
            while True:
                ready = self._ready(limit)
                if ready or self._closed:
                    break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                await self._changed.wait(remaining)
                if poll.terminated:
                    raise ApiError(409, CONFLICT_OTHER_POLL)
        finally:
            if self._poll is poll:
                self._poll = None
        for item in ready:
            item.delivered = True
        return [item.body for item in ready]
