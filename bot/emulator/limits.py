"""Flood control (Telegram's 429s) and fault injection for Bot API calls.

Both exist so the bot's retry and back-off paths can be exercised deterministically: flood
control reproduces Telegram's rate limits, fault injection makes the next calls fail on demand.
"""

from __future__ import annotations

import fnmatch
import math
import random
from dataclasses import dataclass, field, fields
from typing import Any

from bot.emulator.options import EmulatorOptions

# Calls that Telegram rate-limits as "messages": sends and edits.
FLOOD_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendcontact",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)
DROP = "drop"
DROP_AFTER_APPLY = "drop_after_apply"


class TokenBucket:
    """Allows `capacity` calls at once, refilled at `rate` per second."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp: float | None = None

    def wait_needed(self, now: float) -> float:
        """Seconds until a call is allowed; 0 means allowed now (nothing is consumed)."""
        if self.stamp is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class FloodControl:
    """Telegram-like limits: a global rate and a per-chat rate with a small burst."""

    def __init__(self, options: EmulatorOptions) -> None:
        self._options = options
        self._global: TokenBucket | None = None
        self._chats: dict[int, TokenBucket] = {}
        self._shape: tuple[float, float, int] | None = None

    def reset(self) -> None:
        self._global = None
        self._chats.clear()

    def check(self, chat_id: int | None, now: float) -> int | None:
        """Returns retry_after seconds if this send must be refused, else records it."""
        opts = self._options
        if not opts.flood_control:
            return None
        shape = (opts.global_per_second, opts.per_chat_per_second, opts.per_chat_burst)
        if self._global is None or shape != self._shape:
            self._shape = shape
            self._global = TokenBucket(opts.global_per_second, opts.global_per_second)
            self._chats.clear()
        buckets = [self._global]
        if chat_id is not None:
            bucket = self._chats.get(chat_id)
            if bucket is None:
                bucket = TokenBucket(opts.per_chat_per_second, opts.per_chat_burst)
                self._chats[chat_id] = bucket
            buckets.append(bucket)
        wait = max(b.wait_needed(now) for b in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for b in buckets:
            b.take()
        return None


@dataclass
class Fault:
    """Matching calls (`method`, an fnmatch pattern) fail with `status`: the next `remaining`
    ones, or, with a `rate`, each one with that probability (drawn from `seed`), until
    `remaining` have failed (None: no end).

    `status` "drop" closes the connection before the call is applied (a timeout that changed
    nothing); "drop_after_apply" applies it and then closes the connection without an answer
    (a timeout whose call went through). `delay` seconds pass before the connection closes,
    so a client whose read timeout is shorter times out first."""

    method: str
    status: int | str
    remaining: int | None
    retry_after: int = 1
    description: str | None = None
    rate: float | None = None
    seed: int | None = None
    delay: float = 0.0
    injected: int = 0
    _draws: random.Random | None = field(default=None, repr=False, compare=False)

    def fires(self) -> bool:
        if self.rate is None:
            return True
        if self._draws is None:
            self._draws = random.Random(self.seed)
        return self._draws.random() < self.rate

    def to_dict(self) -> dict[str, Any]:
        shown = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
        return shown


class FaultInjector:
    """Pending faults, consumed in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        fault.method = fault.method.lower()
        self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> list[dict[str, Any]]:
        return [fault.to_dict() for fault in self._faults]

    def take(self, method: str) -> Fault | None:
        """The fault this call gets, if any; a rate fault that does not fire lets later ones
        have their turn."""
        name = method.lower()
        for fault in self._faults:
            if not fnmatch.fnmatchcase(name, fault.method) or not fault.fires():
                continue
            fault.injected += 1
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
            return fault
        return None
