"""The way in for every update, whatever the framework and whether polled or pushed by webhook.

`Feed.accept` journals the updates the engine will handle, all of a batch in one transaction,
and only then starts them: the caller confirms them to Telegram (the next getUpdates offset, or
the webhook's 200) after `accept` returns, so a `kill -9` at any moment loses nothing — what was
journalled is replayed at the next start, what was not is sent again by Telegram. An update_id
already journalled is not started again: a repeated update is handled once.

An update the framework cannot read (a field missing, or the shape of an older Bot API) must
not stop the desk: it comes in as `Unparsed`, is journalled as it came and set aside in the same
transaction, and is confirmed with the rest of its batch, which is handled as usual. One without
a usable update_id cannot even be journalled: it is logged (never its content) and dropped.

Updates then run concurrently across chats, at most `concurrency` at once, and one after another
within a chat: a chat's next update waits for the previous one without holding a slot, so one
busy chat cannot starve the others, and order never depends on how a framework schedules tasks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from flows.engine import FrontDesk
from flows.logsafe import log_unexpected

log = logging.getLogger(__name__)

U = TypeVar("U")
U_contra = TypeVar("U_contra", contravariant=True)


@dataclass(frozen=True, slots=True)
class Route:
    """Where an update belongs: its chat (for ordering) and whether the engine will handle it
    (then it is journalled; groups and membership changes are not)."""

    chat_id: int | None
    journalled: bool


@dataclass(frozen=True, slots=True)
class Unparsed:
    """An update the framework could not read: journalled as it came, never handled."""

    update_id: int
    raw: dict[str, Any]


def update_id_of(raw: object) -> int | None:
    """The update_id of a raw update, or None when it has none that Telegram would send."""
    value = raw.get("update_id") if isinstance(raw, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def parse_one(raw: object, parse: Callable[[dict[str, Any]], U]) -> U | Unparsed | None:
    """`parse(raw)`, or `Unparsed` when the framework refuses it, or None when it has no
    update_id. Only the exception's type is logged: its text quotes the update."""
    update_id = update_id_of(raw)
    if update_id is None or not isinstance(raw, dict):
        return None
    try:
        return parse(raw)
    except Exception as exc:
        log.warning(
            "update %s could not be read (%s): journalled and skipped",
            update_id,
            type(exc).__name__,
        )
        return Unparsed(update_id, raw)


def parse_each(raws: Sequence[object], parse: Callable[[dict[str, Any]], U]) -> list[U | Unparsed]:
    """A getUpdates batch, each update on its own: one bad update never spoils the others."""
    parsed: list[U | Unparsed] = []
    for raw in raws:
        update = parse_one(raw, parse)
        if update is None:
            log.warning("an update without a usable update_id was skipped")
        else:
            parsed.append(update)
    return parsed


def chat_hint(raw: dict[str, Any]) -> int | None:
    """The chat an unreadable update seems to be about, if any: so erasing a patient erases it."""
    for key, body in raw.items():
        if key == "update_id" or not isinstance(body, dict):
            continue
        message = body.get("message")
        for holder in (
            body.get("chat"),
            message.get("chat") if isinstance(message, dict) else None,
        ):
            if isinstance(holder, dict) and _integer(holder.get("id")) is not None:
                return int(holder["id"])
        sender = body.get("from")
        if isinstance(sender, dict) and _integer(sender.get("id")) is not None:
            return int(sender["id"])
    return None


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class Framework(Protocol[U_contra]):
    """What a framework adapter lends the feed: its own update type, routed and dispatched."""

    def update_id(self, update: U_contra) -> int: ...

    def route(self, update: U_contra) -> Route: ...

    def raw(self, update: U_contra) -> dict[str, Any]:
        """The update as Bot API JSON, as journalled and replayed."""
        ...

    async def dispatch(self, update: U_contra) -> None:
        """Hand the update to the framework's handlers (which call `FrontDesk.process`)."""
        ...


class Feed(Generic[U]):
    def __init__(self, desk: FrontDesk, framework: Framework[U], *, concurrency: int) -> None:
        self.desk = desk
        self.framework = framework
        self._slots = asyncio.Semaphore(concurrency)
        self._last: dict[int, asyncio.Task[None]] = {}
        self._running: set[asyncio.Task[None]] = set()

    @property
    def in_flight(self) -> int:
        return len(self._running)

    async def accept(self, updates: Sequence[U | Unparsed]) -> int:
        """Journal, then start; returns how many were started. Raises if the journal failed:
        then nothing was confirmed and Telegram will send the updates again."""
        return self.start(await self.journal(updates))

    def start(self, updates: Sequence[U]) -> int:
        """Start updates `journal` returned; returns how many."""
        for update in updates:
            self._start(update)
        return len(updates)

    async def journal(self, updates: Sequence[U | Unparsed]) -> list[U]:
        """Journal a batch in one transaction; the updates not seen before, to `start`. Once
        this returns, the batch may be confirmed to Telegram. An `Unparsed` one is journalled
        and set aside, never started."""
        batch = [self._routed(update) for update in updates]
        fresh = [False] * len(batch)
        if any(route.journalled for _, route in batch):
            async with self.desk.database.uow(urgent=True) as uow:
                for index, (update, route) in enumerate(batch):
                    if not route.journalled:
                        fresh[index] = True
                        continue
                    unparsed = isinstance(update, Unparsed)
                    update_id = self.update_id(update)
                    payload = (
                        update.raw if isinstance(update, Unparsed) else self.framework.raw(update)
                    )
                    recorded = await uow.updates.record(
                        update_id=update_id, chat_id=route.chat_id, payload=payload
                    )
                    if recorded and unparsed:
                        await uow.updates.set_aside(update_id=update_id)
                    elif not recorded:
                        log.info("update %s was seen before: not handled again", update_id)
                    fresh[index] = recorded and not unparsed
                await uow.commit()
        else:
            fresh = [True] * len(batch)
        return [
            update
            for (update, _), new in zip(batch, fresh, strict=True)
            if new and not isinstance(update, Unparsed)
        ]

    def _routed(self, update: U | Unparsed) -> tuple[U | Unparsed, Route]:
        """Its route; an update the adapter cannot route (a field it counts on is missing) is
        treated as unreadable."""
        if isinstance(update, Unparsed):
            return update, Route(chat_hint(update.raw), journalled=True)
        try:
            return update, self.framework.route(update)
        except Exception as exc:
            update_id = self.framework.update_id(update)
            log.warning(
                "update %s could not be routed (%s): journalled and skipped",
                update_id,
                type(exc).__name__,
            )
            unparsed = Unparsed(update_id, self.framework.raw(update))
            return unparsed, Route(chat_hint(unparsed.raw), journalled=True)

    def update_id(self, update: U | Unparsed) -> int:
        if isinstance(update, Unparsed):
            return update.update_id
        return self.framework.update_id(update)

    def _start(self, update: U) -> None:
        chat_id = self.framework.route(update).chat_id
        previous = self._last.get(chat_id) if chat_id is not None else None
        task = asyncio.create_task(self._run(update, previous))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        if chat_id is not None:
            self._last[chat_id] = task
            task.add_done_callback(lambda done: self._forget(chat_id, done))

    def _forget(self, chat_id: int, task: asyncio.Task[None]) -> None:
        if self._last.get(chat_id) is task:
            del self._last[chat_id]

    async def _run(self, update: U, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # its outcome is its own business
        async with self._slots:
            try:
                await self.framework.dispatch(update)
            except Exception as exc:  # the journal keeps it pending: replayed at the next start
                log_unexpected(log, exc, "dispatching update %s", self.update_id(update))

    async def drain(self, seconds: float) -> bool:
        """Wait for the updates in hand; False if some were still running after `seconds`
        (they stay journalled as pending and are replayed at the next start)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self._running:
            remaining = deadline - loop.time()
            if remaining <= 0:
                log.warning("%d updates still in hand at shutdown", len(self._running))
                return False
            await asyncio.wait(set(self._running), timeout=remaining)
        return True

    async def cancel(self) -> None:
        """Cancel what is left after `drain` gave up; it stays pending in the journal."""
        tasks = set(self._running)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
