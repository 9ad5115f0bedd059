"""The aiohttp transport under a PTB bot, against the emulator: calls, files, long polls, failures.

PTB's error classes are recognised by name, so this module needs no Telegram import.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable
from datetime import timedelta
from typing import Any

import pytest

from bot.emulator import EmulatorClient
from bot.ptb.runner import build_application
from flows.settings import Settings
from tests.e2e.conftest import TOKEN

pytestmark = pytest.mark.e2e


def kinds(error: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(error).__mro__}


async def failure(call: Awaitable[Any]) -> Exception:
    """The exception a call raised (PTB's classes cannot be named here without importing it)."""
    try:
        await call
    except Exception as exc:
        return exc
    raise AssertionError("the call succeeded")


@pytest.fixture
def adapter() -> str:
    """The transport is PTB's: these tests run once."""
    return "ptb"


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[Any]:
    """A PTB bot whose both requests (calls and getUpdates) are `AiohttpRequest`s."""
    ptb_bot = build_application(settings).bot
    async with ptb_bot:
        yield ptb_bot


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_get_me_and_send_message(bot: Any, tg: EmulatorClient) -> None:
    assert bot.username == "frontdesk_test_bot"  # fetched by getMe at initialize
    user = await tg.create_user()
    sent = await bot.send_message(user.id, "Buongiorno, è lo studio")
    (shown,) = await tg.transcript(user.id)
    assert (shown.message_id, shown.text) == (sent.message_id, "Buongiorno, è lo studio")


async def test_upload_and_download_files(bot: Any, tg: EmulatorClient) -> None:
    user = await tg.create_user()
    data = bytes(range(256)) * 40
    sent = await bot.send_document(
        user.id, document=data, filename="referto.pdf", caption="Referto"
    )
    assert await tg.download(sent.document.file_id) == data
    upload = await tg.send_photo(user.id, b"\xff\xd8 a photo from the patient")
    photo = await bot.get_file(upload.media["photo"][-1]["file_id"])
    assert bytes(await photo.download_as_bytearray()) == b"\xff\xd8 a photo from the patient"


async def test_long_poll_waits_for_an_update(bot: Any, tg: EmulatorClient) -> None:
    user = await tg.create_user()
    poll = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.3)
    assert not poll.done()
    await tg.send_text(user.id, "ciao")
    (update,) = await asyncio.wait_for(poll, 2)
    assert update.message.text == "ciao"


async def test_a_long_poll_longer_than_the_read_timeout(bot: Any) -> None:
    """PTB adds the poll's timeout to the read timeout: an empty 2 s poll is not a timeout."""
    assert await bot.get_updates(timeout=2, read_timeout=0.5) == ()


async def test_many_concurrent_calls_share_the_pool(bot: Any, tg: EmulatorClient) -> None:
    await tg.configure(latency_ms=200)
    results = await asyncio.gather(*(bot.get_me() for _ in range(300)))
    assert {me.id for me in results} == {bot.id}


async def test_a_slow_answer_is_timed_out(bot: Any, tg: EmulatorClient) -> None:
    await tg.configure(latency_ms=1000)
    error = await failure(bot.get_me(read_timeout=0.2))
    assert "TimedOut" in kinds(error)


@pytest.mark.parametrize("fault", ["drop", 502, 500])
async def test_broken_answers_are_network_errors(bot: Any, tg: EmulatorClient, fault: Any) -> None:
    await tg.fail_next("getMe", fault)
    error = await failure(bot.get_me())
    assert "NetworkError" in kinds(error)
    assert TOKEN not in str(error)


async def test_no_server_is_a_network_error_without_the_token(settings: Settings) -> None:
    nowhere = settings.model_copy(
        update={"telegram_api_base_url": f"http://127.0.0.1:{free_port()}"}
    )
    ptb_bot = build_application(nowhere).bot
    error = await failure(ptb_bot.initialize())
    await ptb_bot.shutdown()
    assert "NetworkError" in kinds(error)
    assert "TimedOut" not in kinds(error)
    assert TOKEN.split(":")[1] not in str(error)


async def test_flood_control_is_retry_after(bot: Any, tg: EmulatorClient) -> None:
    user = await tg.create_user()
    await tg.fail_next("sendMessage", 429, retry_after=3)
    error = await failure(bot.send_message(user.id, "troppo presto"))
    assert "RetryAfter" in kinds(error)
    assert error.retry_after == timedelta(seconds=3)
