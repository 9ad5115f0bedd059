"""What the fuzz found, pinned down: unreadable updates are journalled and set aside, forged
callback data of any characters is refused quietly, refused webhook requests are summarised,
and replay at start-up survives a payload it cannot read."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.feed import Feed, Unparsed, parse_each, update_id_of
from bot.runtime import Source, replay
from bot.webhook import Refusals
from flows.callbacks import CallbackCodec
from flows.engine import FrontDesk
from storage.uow import Database
from tests.unit.test_feed import Framework, Update

CODEC = CallbackCodec(b"a secret of sixteen bytes")


@given(st.text(max_size=80))
def test_forged_callback_data_of_any_characters_is_refused(data: str) -> None:
    assert CODEC.decode(chat_id=42, data=data) is None


def test_signed_data_still_decodes_and_not_in_another_chat() -> None:
    data = CODEC.encode(chat_id=42, code="p:1", nonce=7)
    assert CODEC.decode(chat_id=42, data=data) is not None
    assert CODEC.decode(chat_id=43, data=data) is None
    assert CODEC.decode(chat_id=42, data=data[:-1] + "é") is None


def test_only_an_integer_is_an_update_id() -> None:
    assert [update_id_of(raw) for raw in ({"update_id": 5}, {"update_id": "abc"})] == [5, None]
    assert update_id_of({"update_id": True}) is None
    assert update_id_of({"update_id": -1}) is None
    assert update_id_of(["update_id"]) is None


def test_a_batch_is_parsed_update_by_update(caplog: pytest.LogCaptureFixture) -> None:
    def parse(raw: dict[str, Any]) -> int:
        if "bad" in raw:
            raise ValueError(f"refused {raw['bad']}")
        return int(raw["update_id"])

    raws = [{"update_id": 1}, {"update_id": 2, "bad": "Maria Bianchi"}, {"x": 1}, {"update_id": 3}]
    parsed = parse_each(raws, parse)
    assert parsed == [1, Unparsed(2, raws[1]), 3]
    assert "Maria" not in caplog.text


async def test_an_unparsed_update_is_journalled_as_it_came_and_never_started(
    sqlite_database: Database,
) -> None:
    framework = Framework(seconds=0)
    feed = Feed(
        cast(FrontDesk, SimpleNamespace(database=sqlite_database)), framework, concurrency=4
    )
    raw = {"update_id": 2, "message": {"chat": {"id": 77}, "text": 5}}
    assert await feed.accept([Update(1, 10), Unparsed(2, raw), Update(3, 10)]) == 2
    assert await feed.drain(5)
    assert sorted(framework.handled) == [1, 3]
    async with sqlite_database.uow() as uow:
        row = await uow.updates.get(update_id=2)
        assert row is not None
        assert (row.status, row.payload, row.chat_id) == ("failed", raw, 77)
    assert await feed.accept([Unparsed(2, raw)]) == 0  # sent again: still set aside, once


async def test_an_update_that_cannot_be_routed_is_set_aside(sqlite_database: Database) -> None:
    class Broken(Framework):
        def route(self, update: Update) -> Any:
            if update.update_id == 2:
                raise AttributeError("'int' object has no attribute 'startswith'")
            return super().route(update)

    framework = Broken(seconds=0)
    feed = Feed(
        cast(FrontDesk, SimpleNamespace(database=sqlite_database)), framework, concurrency=4
    )
    assert await feed.accept([Update(1, 10), Update(2, 10)]) == 1
    async with sqlite_database.uow() as uow:
        row = await uow.updates.get(update_id=2)
        assert row is not None
        assert row.status == "failed"


def test_refused_webhook_requests_are_summarised_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [100.0]
    refusals = Refusals(clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="bot.webhook"):
        for _ in range(500):
            refusals.add("without the secret token")
        assert len(caplog.records) == 1
        now[0] += 59
        refusals.add("not JSON")
        assert len(caplog.records) == 1
        now[0] += 2
        refusals.add("not JSON")
        assert len(caplog.records) == 2
    assert "499 without the secret token" in caplog.records[1].getMessage()
    assert "2 not JSON" in caplog.records[1].getMessage()


async def test_replay_sets_aside_what_it_cannot_read_and_goes_on(
    sqlite_database: Database,
) -> None:
    class Desk:
        database = sqlite_database

        async def unfinished_updates(self) -> list[dict[str, Any]]:
            async with sqlite_database.uow() as uow:
                return [row.payload for row in await uow.updates.unfinished()]

    dispatched: list[int] = []

    class Replaying:
        def update_id(self, update: int) -> int:
            return update

        def parse(self, raw: dict[str, Any]) -> int:
            if "poll" in raw:
                raise TypeError("`persistent_id` is a required argument since Bot API 9.6")
            return int(raw["update_id"])

        async def dispatch(self, update: int) -> None:
            if update == 3:
                raise RuntimeError("a bug")
            dispatched.append(update)

    async with sqlite_database.uow() as uow:
        for update_id, payload in ((1, {}), (2, {"poll": {}}), (3, {}), (4, {})):
            raw = {"update_id": update_id, **payload}
            await uow.updates.record(update_id=update_id, chat_id=None, payload=raw)
        await uow.commit()
    source = cast(Source[int], Replaying())
    await replay(source, cast(FrontDesk, Desk()))
    assert dispatched == [1, 4]
    async with sqlite_database.uow() as uow:
        row = await uow.updates.get(update_id=2)
        assert row is not None
        assert row.status == "failed"
