"""Fault injection and flood control: 429 with retry_after, 5xx, dropped connections."""

from __future__ import annotations

import aiohttp
import pytest


async def test_injected_429_carries_retry_after_and_is_counted(api, client, user):
    await client.fail_next("sendMessage", status=429, count=2, retry_after=7)
    for _ in range(2):
        status, body = await api.call("sendMessage", chat_id=user.id, text="ciao")
        assert status == 429
        assert body == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        }
    await api.ok("sendMessage", chat_id=user.id, text="ciao")
    stats = await client.stats()
    assert stats["responses_429"] == 2
    assert stats["injected_faults"] == 2
    assert stats["calls"]["sendMessage"] == 3
    # Failed calls change nothing.
    assert len(await client.transcript(user.id)) == 1


async def test_fault_patterns_match_any_send_method(api, client, user):
    await client.fail_next("send*", status=500, count=1)
    body = await api.error("sendPhoto", chat_id=user.id, photo="nope")
    assert body == {"ok": False, "error_code": 500, "description": "Internal Server Error"}
    await api.ok("getMe")  # other methods are untouched
    await client.fail_next("*", status=400)
    assert (await api.error("getMe"))["error_code"] == 400


async def test_502_answers_like_nginx(api, client, user):
    await client.fail_next("getMe", status=502)
    async with api.session.get(api.url("getMe")) as response:
        assert response.status == 502
        assert "502 Bad Gateway" in await response.text()


async def test_dropped_connection(api, client):
    await client.fail_next("getme", status="drop")
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.call("getMe")
    assert (await api.ok("getMe"))["is_bot"]


async def test_a_drop_does_not_apply_the_call(api, client, user):
    await client.fail_next("sendMessage", status="drop")
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.call("sendMessage", chat_id=user.id, text="mai arrivato")
    assert await client.transcript(user.id) == []


async def test_a_drop_after_apply_applies_the_call_and_loses_the_answer(api, client, user):
    await client.fail_next("sendMessage", status="drop_after_apply")
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.call("sendMessage", chat_id=user.id, text="arrivato, senza risposta")
    assert [m.text for m in await client.transcript(user.id)] == ["arrivato, senza risposta"]
    assert (await client.stats())["injected"] == {"sendMessage drop_after_apply": 1}


async def test_a_dropped_connection_can_wait_for_the_clients_timeout(api, client):
    await client.fail_next("getMe", status="drop", delay=0.3)
    timeout = aiohttp.ClientTimeout(sock_read=0.1)
    with pytest.raises(TimeoutError):
        async with api.session.post(api.url("getMe"), timeout=timeout) as response:
            await response.read()


async def test_a_rate_fault_fails_a_share_of_calls_the_same_way_for_a_seed(api, client):
    async def outcomes() -> list[int]:
        await client.fail_next("getMe", status=500, rate=0.3, seed=11, count=None)
        seen = [(await api.call("getMe"))[0] for _ in range(60)]
        await client.clear_faults()
        return seen

    first, second = await outcomes(), await outcomes()
    assert first == second  # the seed decides
    assert 5 <= first.count(500) <= 35
    assert first.count(200) == 60 - first.count(500)
    assert (await client.stats())["injected"]["getMe 500"] == 2 * first.count(500)


async def test_a_rate_fault_spared_call_goes_to_the_next_fault(api, client):
    await client.fail_next("getMe", status=500, rate=0.000001, seed=1, count=None)
    await client.fail_next("getMe", status=400)
    assert (await api.error("getMe"))["error_code"] == 400


async def test_faults_can_be_listed_and_cleared(api, client):
    await client.fail_next("getMe", count=3)
    await client.clear_faults()
    await api.ok("getMe")


async def test_flood_control_is_off_by_default(api, user):
    for _ in range(10):
        await api.ok("sendMessage", chat_id=user.id, text="x")


async def test_per_chat_flood_control_allows_a_burst_then_429(api, client, user):
    await client.configure(flood_control=True, per_chat_per_second=1, per_chat_burst=3)
    results = [await api.call("sendMessage", chat_id=user.id, text="x") for _ in range(5)]
    assert [status for status, _ in results] == [200, 200, 200, 429, 429]
    assert results[3][1]["parameters"]["retry_after"] >= 1
    other = await client.create_user(first_name="Luigi")
    await api.ok("sendMessage", chat_id=other.id, text="x")  # another chat has its own budget
    stats = await client.stats()
    assert stats["flood_429"] == 2
    assert stats["responses_429"] == 2


async def test_global_flood_control(api, client):
    await client.configure(flood_control=True, global_per_second=4, per_chat_burst=10)
    users = [await client.create_user(first_name=f"U{i}") for i in range(6)]
    statuses = [(await api.call("sendMessage", chat_id=u.id, text="x"))[0] for u in users]
    assert statuses == [200] * 4 + [429] * 2
    assert (await client.stats())["flood_429"] == 2


async def test_bad_options_are_refused(client):
    with pytest.raises(Exception, match="unknown option"):
        await client.configure(warp_speed=9)
    with pytest.raises(Exception, match="non-negative"):
        await client.configure(latency_ms=-1)
