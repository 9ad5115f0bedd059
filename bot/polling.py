"""Long polling for both adapters: fetch, journal, and only then confirm by asking for more.

Telegram forgets an update once a later getUpdates asks for an offset past it. The frameworks'
own polling loops ask again as soon as they have queued a batch in memory, so a `kill -9` in
that moment loses it; here the next getUpdates waits until `Feed.accept` has journalled the
batch. A failed fetch or journal is retried with a growing pause, without confirming anything.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from bot.botapi import BotApiError
from bot.feed import Feed

log = logging.getLogger(__name__)

U = TypeVar("U")
T = TypeVar("T")
Fetch = Callable[[int | None], Awaitable[Sequence[U]]]

FIRST_PAUSE = 0.5
LONGEST_PAUSE = 30.0


async def poll(fetch: Fetch[U], feed: Feed[U], stop: asyncio.Event) -> None:
    """Until `stop` is set: `fetch(offset)` a batch, journal it, move the offset on.

    The next getUpdates (which confirms the batch) is sent as soon as the batch is journalled
    and before its turns start, so its round trip to Telegram overlaps with their work instead
    of following it.
    """
    offset: int | None = None
    pause = FIRST_PAUSE
    log.info("polling for updates")
    next_batch = asyncio.ensure_future(fetch(offset))
    try:
        while not stop.is_set():
            batch = await _until_stopped(next_batch, stop)
            if batch is None:
                return
            fresh: Sequence[U] = ()
            failed = True
            try:
                updates = batch.result()
                if updates:
                    fresh = await feed.journal(updates)
                    offset = feed.update_id(updates[-1]) + 1
                failed, pause = False, FIRST_PAUSE
            except (BotApiError, OSError) as error:
                # Telegram's description or the OS error: neither quotes the token or a message.
                log.warning("polling failed (%s): again in %.1fs", _described(error), pause)
            except Exception as exc:  # a database outage: nothing was confirmed
                log.error(
                    "journalling updates failed (%s): again in %.1fs", type(exc).__name__, pause
                )
            if failed:
                if await _until_stopped(asyncio.sleep(pause), stop) is None:
                    return
                pause = min(pause * 2, LONGEST_PAUSE)
            next_batch = asyncio.ensure_future(fetch(offset))
            feed.start(fresh)
    finally:
        if not next_batch.done():
            next_batch.cancel()
            await asyncio.gather(next_batch, return_exceptions=True)


async def _until_stopped(work: Awaitable[T], stop: asyncio.Event) -> asyncio.Future[T] | None:
    """The finished `work`, or None (and `work` cancelled) if `stop` was set first."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    racing: set[asyncio.Future[Any]] = {task, stopping}
    try:
        await asyncio.wait(racing, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if task.done():
        return task
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return None


def _described(error: Exception) -> str:
    return str(error) if isinstance(error, BotApiError) else type(error).__name__
