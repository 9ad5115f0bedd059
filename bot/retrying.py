"""How the renderer tries a Bot API call again: what is worth another attempt, how long to wait.

Telegram's flood control (429) says how long to wait; a 5xx or a network failure (code 0: a
refused connection, a timeout, an answer cut off) gets a short, growing pause. Attempts and the
time spent waiting are both bounded, so a turn never hangs on a Telegram outage; what still
fails is the caller's to handle. Sleeping and the clock are injectable so tests need no time.
See docs/delivery.md for what each kind of call does with this.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.botapi import BotApiError

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]


def transient(error: BotApiError) -> bool:
    """Worth another attempt: flood control, a server error, or the network (code 0)."""
    return error.code == 429 or error.code == 0 or error.code >= 500


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    """Calls in all, the first one included."""
    first_pause: float = 0.5
    """Before the second attempt after a 5xx or network error; doubled each time after."""
    longest_wait: float = 30.0
    """A longer 429 retry_after is not waited out here."""
    budget: float = 20.0
    """Seconds from the first attempt after which no new attempt starts."""

    def pause(self, error: BotApiError, failed: int) -> float:
        """The wait before the next attempt after the `failed`-th failure."""
        if error.code == 429:
            return error.retry_after if error.retry_after is not None else 1.0
        return float(self.first_pause * 2 ** (failed - 1))


async def retrying(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    what: str,
    sleep: Sleep = asyncio.sleep,
    monotonic: Monotonic = time.monotonic,
) -> T:
    """`call()` until it succeeds, fails for good (any 4xx but 429), or the policy runs out:
    then its last `BotApiError` is raised."""
    started = monotonic()
    failed = 0
    while True:
        try:
            return await call()
        except BotApiError as error:
            failed += 1
            if not transient(error) or failed >= policy.attempts:
                raise
            wait = policy.pause(error, failed)
            if wait > policy.longest_wait or monotonic() - started + wait > policy.budget:
                raise
            log.info("%s failed (%s): again in %.1fs", what, error.code, wait)
            await sleep(wait)
