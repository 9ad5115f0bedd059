"""The renderer's retry policy on a fake Bot API: what is tried again, how often, how long it
waits (on a fake clock: nothing sleeps), and what an edit that keeps failing becomes."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest

from bot.botapi import BotApiError, Markup
from bot.renderer import ANSWER_WINDOW, Renderer, acknowledge
from bot.retrying import RetryPolicy
from flows.reply import Anchor, Outgoing, Reply

NOT_MODIFIED = BotApiError(400, "Bad Request: message is not modified")


class FakeClock:
    """`sleep` moves `now` on instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


class FakeApi:
    """Each call takes the next scripted failure for its method, else succeeds."""

    def __init__(self, **failures: list[BotApiError]) -> None:
        self.failures = {name: deque(errors) for name, errors in failures.items()}
        self.calls: list[tuple[str, Any]] = []
        self.next_id = 100

    def _call(self, name: str, detail: Any) -> None:
        self.calls.append((name, detail))
        queue = self.failures.get(name)
        if queue:
            raise queue.popleft()

    async def send_message(
        self, chat_id: int, text: str, *, reply_markup: Markup | None, protect_content: bool
    ) -> int:
        self._call("send", text)
        self.next_id += 1
        return self.next_id

    async def edit_message_text(
        self, chat_id: int, message_id: int, text: str, *, reply_markup: Markup | None
    ) -> None:
        self._call("edit", (message_id, text))

    async def answer_callback_query(self, callback_query_id: str, *, text: str | None) -> None:
        self._call("answer", callback_query_id)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def renderer(api: FakeApi, clock: FakeClock, **policy: Any) -> Renderer:
    return Renderer(
        api,  # type: ignore[arg-type]
        policy=RetryPolicy(**policy),
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )


def menu(text: str = "passo", edit: int | None = None) -> Outgoing:
    return Outgoing(chat_id=7, text=text, edit_message_id=edit, anchor=Anchor("menu", 7))


@pytest.mark.parametrize(
    "error",
    [BotApiError(500, "Internal Server Error"), BotApiError(502, ""), BotApiError(0, "TimedOut")],
)
async def test_server_and_network_errors_are_retried_with_growing_pauses(
    error: BotApiError,
) -> None:
    api, clock = FakeApi(send=[error, error]), FakeClock()
    delivered = await renderer(api, clock).render(Reply([menu()]))
    assert [d.message_id for d in delivered] == [101]
    assert api.names() == ["send", "send", "send"]
    assert clock.waits == [0.5, 1.0]


async def test_flood_control_waits_what_telegram_says() -> None:
    api, clock = FakeApi(send=[BotApiError(429, "Too Many Requests", retry_after=3)]), FakeClock()
    assert await renderer(api, clock).render(Reply([menu()]))
    assert clock.waits == [3]


async def test_a_flood_wait_longer_than_allowed_is_not_waited_out() -> None:
    api = FakeApi(send=[BotApiError(429, "Too Many Requests", retry_after=60)])
    clock = FakeClock()
    assert await renderer(api, clock).render(Reply([menu()])) == []
    assert clock.waits == []


async def test_attempts_are_bounded_and_the_message_is_given_up() -> None:
    failing = [BotApiError(500, "Internal Server Error")] * 4
    api, clock = FakeApi(send=failing), FakeClock()
    got = await renderer(api, clock, attempts=4).render(Reply([menu(), menu("dopo")]))
    assert api.names().count("send") == 4 + 1  # four tries, then the next message goes out
    assert [d.message_id for d in got] == [101]
    assert clock.waits == [0.5, 1.0, 2.0]


async def test_the_total_wait_is_bounded() -> None:
    failing = [BotApiError(0, "TimedOut")] * 10
    api, clock = FakeApi(send=failing), FakeClock()
    await renderer(api, clock, attempts=10, first_pause=2.0, budget=10.0).render(Reply([menu()]))
    assert clock.waits == [2.0, 4.0]  # a third pause (8 s) would end past the 10 s budget
    assert sum(clock.waits) <= 10.0


async def test_a_refusal_is_not_retried() -> None:
    api, clock = FakeApi(send=[BotApiError(400, "Bad Request: chat not found")]), FakeClock()
    assert await renderer(api, clock).render(Reply([menu()])) == []
    assert api.names() == ["send"]
    assert clock.waits == []


async def test_an_edit_is_retried_in_place() -> None:
    api, clock = FakeApi(edit=[BotApiError(0, "TimedOut")]), FakeClock()
    delivered = await renderer(api, clock).render(Reply([menu(edit=42)]))
    assert [d.message_id for d in delivered] == [42]
    assert api.names() == ["edit", "edit"]


async def test_an_edit_that_went_through_unanswered_counts_once_not_modified() -> None:
    api, clock = FakeApi(edit=[BotApiError(0, "TimedOut"), NOT_MODIFIED]), FakeClock()
    delivered = await renderer(api, clock).render(Reply([menu(edit=42)]))
    assert [d.message_id for d in delivered] == [42]
    assert api.names() == ["edit", "edit"]


async def test_an_edit_that_keeps_failing_becomes_a_new_message() -> None:
    api, clock = FakeApi(edit=[BotApiError(500, "Internal Server Error")] * 4), FakeClock()
    delivered = await renderer(api, clock).render(Reply([menu("nuovo passo", edit=42)]))
    assert api.names() == ["edit"] * 4 + ["send"]
    assert [d.message_id for d in delivered] == [101]  # the menu is now the new message


async def test_a_blocked_chat_is_not_sent_a_new_message_after_a_failed_edit() -> None:
    api = FakeApi(edit=[BotApiError(403, "Forbidden: bot was blocked by the user")])
    reported: list[int] = []

    async def hook(chat_id: int) -> None:
        reported.append(chat_id)

    shown = renderer(api, clock := FakeClock())
    shown.on_unreachable = hook
    assert await shown.render(Reply([menu(edit=42)])) == []
    assert api.names() == ["edit"]
    assert reported == [7]
    assert clock.waits == []


@pytest.mark.parametrize(
    "error",
    [
        BotApiError(500, "Internal Server Error"),
        BotApiError(0, "TimedOut"),
        BotApiError(429, "Too Many Requests", retry_after=1),
    ],
)
async def test_a_callback_answer_is_retried_once(error: BotApiError) -> None:
    api, clock = FakeApi(answer=[error, error]), FakeClock()
    await acknowledge(api, "q1", sleep=clock.sleep, monotonic=clock.monotonic)  # type: ignore[arg-type]
    assert api.names() == ["answer", "answer"]  # once more, not again after that
    assert len(clock.waits) == 1


async def test_a_callback_answer_is_not_retried_when_too_late() -> None:
    api = FakeApi(answer=[BotApiError(429, "Too Many Requests", retry_after=ANSWER_WINDOW + 1)])
    clock = FakeClock()
    await acknowledge(api, "q1", sleep=clock.sleep, monotonic=clock.monotonic)  # type: ignore[arg-type]
    assert api.names() == ["answer"]
    assert clock.waits == []


async def test_a_callback_answer_refused_is_not_retried() -> None:
    old = BotApiError(400, "Bad Request: query is too old and response timeout expired")
    api, clock = FakeApi(answer=[old]), FakeClock()
    await acknowledge(api, "q1", sleep=clock.sleep, monotonic=clock.monotonic)  # type: ignore[arg-type]
    assert api.names() == ["answer"]
