"""The feed every update comes in by: journalled before it is started, a repeated update_id
started once, one chat in order, chats side by side."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from bot.feed import Feed, Route
from flows.engine import FrontDesk
from storage.uow import Database


@dataclass(frozen=True)
class Update:
    update_id: int
    chat_id: int | None
    private: bool = True


@dataclass
class Framework:
    seconds: float = 0.05
    handled: list[int] = field(default_factory=list)
    running: int = 0
    most_at_once: int = 0

    def update_id(self, update: Update) -> int:
        return update.update_id

    def route(self, update: Update) -> Route:
        return Route(update.chat_id, journalled=update.private)

    def raw(self, update: Update) -> dict[str, Any]:
        return {"update_id": update.update_id}

    async def dispatch(self, update: Update) -> None:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await asyncio.sleep(self.seconds)
        self.running -= 1
        self.handled.append(update.update_id)


def feed_of(database: Database, framework: Framework, concurrency: int = 8) -> Feed[Update]:
    desk = cast(FrontDesk, SimpleNamespace(database=database))
    return Feed(desk, framework, concurrency=concurrency)


async def test_updates_are_journalled_before_they_start(sqlite_database: Database) -> None:
    framework = Framework()
    feed = feed_of(sqlite_database, framework)
    assert await feed.accept([Update(1, 10), Update(2, 20, private=False)]) == 2
    async with sqlite_database.uow() as uow:
        assert (await uow.updates.get(update_id=1)) is not None
        assert (await uow.updates.get(update_id=2)) is None  # not the engine's: not journalled
    assert await feed.drain(5)
    assert sorted(framework.handled) == [1, 2]


async def test_a_repeated_update_is_started_once(sqlite_database: Database) -> None:
    framework = Framework()
    feed = feed_of(sqlite_database, framework)
    await feed.accept([Update(1, 10)])
    assert await feed.accept([Update(1, 10), Update(3, 10)]) == 1
    await feed.drain(5)
    assert framework.handled == [1, 3]


async def test_one_chat_in_order_and_chats_side_by_side(sqlite_database: Database) -> None:
    framework = Framework(seconds=0.1)
    feed = feed_of(sqlite_database, framework)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await feed.accept([Update(n, 10 + n % 4) for n in range(1, 13)])
    assert await feed.drain(5)
    # Four chats of three updates each: three rounds of 0.1 s, not twelve.
    assert loop.time() - started < 0.8
    for chat in range(4):
        mine = [n for n in framework.handled if 10 + n % 4 == 10 + chat]
        assert mine == sorted(mine)
    assert framework.most_at_once == 4


async def test_at_most_concurrency_at_once(sqlite_database: Database) -> None:
    framework = Framework(seconds=0.05)
    feed = feed_of(sqlite_database, framework, concurrency=3)
    await feed.accept([Update(n, 100 + n) for n in range(1, 11)])
    assert await feed.drain(5)
    assert framework.most_at_once == 3


async def test_drain_gives_up_after_its_bound(sqlite_database: Database) -> None:
    framework = Framework(seconds=5)
    feed = feed_of(sqlite_database, framework)
    await feed.accept([Update(1, 10)])
    assert not await feed.drain(0.1)
    await feed.cancel()
    async with sqlite_database.uow() as uow:
        row = await uow.updates.get(update_id=1)
    assert row is not None
    assert row.status == "pending"  # replayed at the next start
