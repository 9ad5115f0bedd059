"""getUpdates: offsets, long polling, conflicts, raw updates, webhook state, blocking."""

from __future__ import annotations

import asyncio
import time


async def test_offset_confirms_earlier_updates(api, client, user):
    for text in ("uno", "due", "tre"):
        await client.send_text(user.id, text)
    updates = await api.ok("getUpdates")
    assert [u["message"]["text"] for u in updates] == ["uno", "due", "tre"]
    ids = [u["update_id"] for u in updates]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
    # Without a higher offset nothing is forgotten.
    assert len(await api.ok("getUpdates")) == 3
    assert [u["update_id"] for u in await api.ok("getUpdates", offset=ids[1])] == ids[1:]
    assert await api.ok("getUpdates", offset=ids[2] + 1) == []
    assert (await client.stats())["pending_updates"] == 0


async def test_limit_and_negative_offset(api, client, user):
    for text in ("a", "b", "c", "d"):
        await client.send_text(user.id, text)
    assert [u["message"]["text"] for u in await api.ok("getUpdates", limit=2)] == ["a", "b"]
    assert [u["message"]["text"] for u in await api.ok("getUpdates", offset=-1)] == ["d"]
    assert len(await api.ok("getUpdates")) == 1


async def test_long_poll_returns_as_soon_as_an_update_arrives(api, client, user):
    poll = asyncio.create_task(api.call("getUpdates", timeout=10))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await client.send_text(user.id, "ciao")
    status, body = await poll
    assert status == 200
    assert [u["message"]["text"] for u in body["result"]] == ["ciao"]
    assert time.monotonic() - started < 1.0


async def test_long_poll_times_out_empty(api):
    started = time.monotonic()
    assert await api.ok("getUpdates", timeout=0.3) == []
    assert time.monotonic() - started >= 0.3


async def test_a_new_get_updates_terminates_the_pending_one_with_409(api, client, user):
    first = asyncio.create_task(api.call("getUpdates", timeout=10))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(api.call("getUpdates", timeout=10))
    status, body = await asyncio.wait_for(first, 2)
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
    await client.send_text(user.id, "ciao")
    status, body = await asyncio.wait_for(second, 2)
    assert status == 200
    assert len(body["result"]) == 1


async def test_raw_update_keeps_its_own_id_and_replays_reach_the_bot(api, client, user):
    await client.send_text(user.id, "ciao")
    [first] = await api.ok("getUpdates")
    await api.ok("getUpdates", offset=first["update_id"] + 1)
    forged = {
        "update_id": first["update_id"],
        "message": first["message"],
    }
    assert await client.inject_update(forged) == first["update_id"]
    # The bot polls with its usual offset and still gets the replayed id exactly once.
    replayed = await api.ok("getUpdates", offset=first["update_id"] + 1)
    assert [u["update_id"] for u in replayed] == [first["update_id"]]
    assert await api.ok("getUpdates", offset=first["update_id"] + 1) == []
    new_id = await client.inject_update({"callback_query": {"id": "x", "data": "forged"}})
    assert new_id > first["update_id"]
    [update] = await api.ok("getUpdates", offset=first["update_id"] + 1)
    assert update == {"update_id": new_id, "callback_query": {"id": "x", "data": "forged"}}


async def test_allowed_updates_filters_delivery(api, client, user):
    await client.send_text(user.id, "ciao")
    await client.block(user.id)
    updates = await api.ok("getUpdates", allowed_updates=["my_chat_member"])
    assert [next(k for k in u if k != "update_id") for u in updates] == ["my_chat_member"]
    assert len(await api.ok("getUpdates", allowed_updates=[])) == 2


async def test_webhook_is_stored_and_blocks_get_updates(api):
    assert await api.ok("setWebhook", url="https://example.invalid/hook") is True
    info = await api.ok("getWebhookInfo")
    assert info["url"] == "https://example.invalid/hook"
    body = await api.error("getUpdates")
    assert body["error_code"] == 409
    assert "webhook is active" in body["description"]
    assert await api.ok("deleteWebhook", drop_pending_updates=True) is True
    assert (await api.ok("getWebhookInfo"))["url"] == ""
    assert await api.ok("getUpdates") == []


async def test_blocking_sends_my_chat_member_and_403(api, client, user):
    await client.block(user.id)
    body = await api.error("sendMessage", chat_id=user.id, text="ciao")
    assert body == {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    await client.unblock(user.id)
    await api.ok("sendMessage", chat_id=user.id, text="ciao")
    updates = await api.ok("getUpdates")
    statuses = [u["my_chat_member"]["new_chat_member"]["status"] for u in updates]
    assert statuses == ["kicked", "member"]
    assert (await client.get_user(user.id)).blocked is False
