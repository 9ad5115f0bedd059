"""The rate limiter on a virtual clock: evenly spaced overall and per chat, paused by a 429."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from scheduler.limiter import RateLimiter
from tests.reminders.fakes import Ticker


def limiter(ticker: Ticker, overall: float = 30, per_chat: float = 1) -> RateLimiter:
    return RateLimiter(
        per_second=overall,
        per_chat_per_second=per_chat,
        monotonic=ticker.monotonic,
        sleep=ticker.sleep,
    )


async def sends(gate: RateLimiter, ticker: Ticker, chats: list[int]) -> list[tuple[int, float]]:
    log: list[tuple[int, float]] = []

    async def one(chat: int) -> None:
        await gate.acquire(chat)
        log.append((chat, ticker.now))

    await asyncio.gather(*(one(chat) for chat in chats))
    return log


async def test_overall_rate_is_evenly_spaced() -> None:
    ticker = Ticker()
    start = ticker.now
    log = await sends(limiter(ticker), ticker, list(range(90)))
    times = sorted(at - start for _, at in log)
    assert times[-1] == pytest.approx(89 / 30)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) == pytest.approx(1 / 30)
    # Never more than 30 in any one-second window.
    assert max(sum(1 for t in times if s <= t < s + 1 - 1e-9) for s in times) <= 30


async def test_one_chat_gets_one_a_second_while_others_go_on() -> None:
    ticker = Ticker()
    start = ticker.now
    log = await sends(limiter(ticker), ticker, [7, 7, 7, 8, 9])
    seven = [at - start for chat, at in log if chat == 7]
    assert seven == pytest.approx([0, 1, 2])
    others = [at - start for chat, at in log if chat != 7]
    assert max(others) < 0.1


async def test_a_429_pauses_everything() -> None:
    ticker = Ticker()
    gate = limiter(ticker)
    await gate.acquire(1)
    gate.pause(5)
    before = ticker.now
    await gate.acquire(2)
    assert ticker.now - before >= 5


def test_rates_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(per_second=0, per_chat_per_second=1)


async def test_departures_never_crowd_even_after_a_hold_up() -> None:
    """Slots taken, then held up (a slow commit): when they all leave at once, no second ever
    sees more than 30, and one chat still gets one a second."""
    ticker = Ticker()
    gate = limiter(ticker)
    for chat in range(60):
        await gate.acquire(chat)
    ticker.now += 5  # everyone was held up on the way
    left: list[tuple[int, float]] = []

    async def go(chat: int) -> None:
        await gate.leave(chat)
        left.append((chat, ticker.now))

    await asyncio.gather(*(go(chat) for chat in [*range(60), 0, 0]))
    times = sorted(at for _, at in left)
    assert max(sum(1 for t in times if s <= t < s + 1 - 1e-9) for s in times) <= 30
    zero = [at for chat, at in left if chat == 0]
    assert all(b - a >= 1 - 1e-9 for a, b in itertools.pairwise(zero))
    assert times[-1] - times[0] <= 3 + 1e-9  # 62 departures: three seconds, not trailing on


async def test_replies_noted_make_pushes_wait_for_room() -> None:
    """Replies do not wait for a slot, but they count: with 20 sent in this second, only 10
    pushes leave before the second is over."""
    ticker = Ticker()
    gate = limiter(ticker)
    start = ticker.now
    for chat in range(20):
        gate.note(1_000 + chat)
    left: list[float] = []

    async def go(chat: int) -> None:
        await gate.leave(chat)
        left.append(ticker.now - start)

    await asyncio.gather(*(go(chat) for chat in range(15)))
    assert sum(1 for at in left if at < 1 - 1e-9) == 10
