"""The rate limiter in front of Telegram: evenly spaced sends overall and per chat.

Telegram allows about 30 messages a second overall and about one a second in one chat; going
over earns a 429 with `retry_after`. Slots are handed out evenly spaced (never in bursts), so a
limit set at Telegram's own rate is met without a single 429. A 429 pauses everything for the
time Telegram asks. Time here is the event loop's monotonic clock, not the practice's clock.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]
PRUNE_AT = 10_000


class RateLimiter:
    def __init__(
        self,
        *,
        per_second: float,
        per_chat_per_second: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if per_second <= 0 or per_chat_per_second <= 0:
            raise ValueError("rates must be positive")
        self.interval = 1 / per_second
        self.chat_interval = 1 / per_chat_per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._chat_ready: dict[int, float] = {}
        self._paused_until = 0.0
        # Departures in the last `span` seconds: at most `capacity` of them (30 in a second).
        self.capacity = max(1, math.floor(per_second))
        self.span = self.capacity / per_second
        self._departures: deque[float] = deque()
        self._chat_left: dict[int, float] = {}

    def pause(self, seconds: float) -> None:
        """Telegram said to wait: nothing goes out for `seconds`."""
        self._paused_until = max(self._paused_until, self._monotonic() + max(0.0, seconds))

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._monotonic())

    async def acquire(self, chat_id: int) -> None:
        """Wait for this chat's turn, then for the next free slot overall, then return: the
        caller sends at once. Checking and taking a slot happen without awaiting in between,
        so two senders to one chat can never take the same second."""
        while True:
            now = self._monotonic()
            ready = max(self._paused_until, self._chat_ready.get(chat_id, 0.0))
            if ready > now:
                await self._sleep(ready - now)
                continue
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
            self._chat_ready[chat_id] = slot + self.chat_interval
            if len(self._chat_ready) > PRUNE_AT:
                self._prune(now)
            if slot > now:
                await self._sleep(slot - now)
            if self._paused_until <= self._monotonic():
                return
            # A 429 arrived while waiting for the slot: wait out the pause, then take a new one.

    async def leave(self, chat_id: int) -> None:
        """Right before the call. A slot taken earlier may have been held up on the way (a
        database commit), so departures are counted too: never more than the rate in any
        window of a second (a late one may catch up, none may crowd), one per chat interval."""
        while True:
            now = self._monotonic()
            window = self._departures
            while window and window[0] <= now - self.span:
                window.popleft()
            at = self._paused_until
            if len(window) >= self.capacity:
                at = max(at, window[0] + self.span)
            at = max(at, self._chat_left.get(chat_id, -1e9) + self.chat_interval)
            if at <= now:
                window.append(now)
                self._chat_left[chat_id] = now
                if len(self._chat_left) > PRUNE_AT:
                    horizon = now - self.chat_interval
                    self._chat_left = {c: t for c, t in self._chat_left.items() if t > horizon}
                return
            await self._sleep(at - now)

    def note(self, _chat_id: int) -> None:
        """A call that did not wait for a slot (a reply to a person's own action) left now: it
        counts against the overall rate, so pushes make room for it rather than earn a 429."""
        now = self._monotonic()
        window = self._departures
        while window and window[0] <= now - self.span:
            window.popleft()  # pushes may be idle for hours: the window must not grow
        window.append(now)

    def _prune(self, now: float) -> None:
        self._chat_ready = {chat: at for chat, at in self._chat_ready.items() if at > now}
