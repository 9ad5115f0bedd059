"""The driver's /idle: the bot has finished answering once no Bot API call is in flight."""

from __future__ import annotations

import asyncio
import time


async def test_idle_waits_for_the_calls_in_flight(api, client, user):
    await client.configure(latency_ms=300)
    sending = asyncio.create_task(api.ok("sendMessage", chat_id=user.id, text="ciao"))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    assert await client.wait_idle(quiet=0.05, timeout=5)
    assert sending.done()
    assert time.monotonic() - started >= 0.2


async def test_idle_ignores_a_pending_long_poll(api, client):
    polling = asyncio.create_task(api.call("getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    assert await client.wait_idle(quiet=0.05, timeout=1)
    polling.cancel()


async def test_idle_times_out_while_calls_go_on(api, client, user):
    await client.configure(latency_ms=500)
    sending = asyncio.create_task(api.ok("sendMessage", chat_id=user.id, text="ciao"))
    await asyncio.sleep(0.05)
    assert not await client.wait_idle(quiet=0.05, timeout=0.1)
    await sending
