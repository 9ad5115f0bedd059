"""Driver API and client: waiting for changes, commands per scope, reset, the standalone CLI."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.emulator import EmulatorError

ROOT = Path(__file__).parents[2]


async def test_wait_returns_promptly_when_the_chat_changes(api, client, user):
    seq = await client.chat_seq(user.id)
    waiter = asyncio.create_task(client.wait_for(user.id, seq, timeout=10))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await api.ok("sendMessage", chat_id=user.id, text="Eccomi")
    result = await waiter
    assert time.monotonic() - started < 0.5
    assert result.changed
    assert [m.text for m in result.messages] == ["Eccomi"]
    assert result.seq > seq


async def test_wait_times_out_unchanged(client, user):
    started = time.monotonic()
    result = await client.wait_for(user.id, await client.chat_seq(user.id), timeout=0.2)
    assert not result.changed
    assert result.messages == []
    assert time.monotonic() - started >= 0.2


async def test_wait_sees_edits(api, client, user):
    sent = await api.ok("sendMessage", chat_id=user.id, text="uno")
    seq = await client.chat_seq(user.id)
    await api.ok("editMessageText", chat_id=user.id, message_id=sent["message_id"], text="due")
    result = await client.wait_for(user.id, seq, timeout=1)
    assert [(m.text, m.edit_count) for m in result.messages] == [("due", 1)]


async def test_wait_for_bot_message_catches_replies_sent_before_the_call(api, client, user):
    await client.send_text(user.id, "/start")
    await api.ok("sendMessage", chat_id=user.id, text="Benvenuta")
    await api.ok("sendMessage", chat_id=user.id, text="Scegli")
    assert (await client.wait_for_bot_message(user.id, timeout=1)).text == "Benvenuta"
    assert (await client.wait_for_bot_message(user.id, timeout=1)).text == "Scegli"


async def test_wait_for_bot_message_with_predicate_and_later_reply(api, client, user):
    await client.send_text(user.id, "ciao")

    async def bot_replies() -> None:
        await asyncio.sleep(0.1)
        await api.ok("sendMessage", chat_id=user.id, text="Un attimo")
        await asyncio.sleep(0.1)
        await api.ok("sendMessage", chat_id=user.id, text="Menu principale")

    replying = asyncio.create_task(bot_replies())
    found = await client.wait_for_bot_message(user.id, lambda m: "Menu" in m.content, timeout=2)
    assert found.text == "Menu principale"
    await replying


async def test_wait_for_bot_message_fails_with_the_chat_listed(client, user):
    await client.send_text(user.id, "aiuto")
    with pytest.raises(AssertionError, match=r"(?s)no bot message.*user text: 'aiuto'"):
        await client.wait_for_bot_message(user.id, timeout=0.2)


async def test_commands_per_scope_and_language(api, client, user):
    default = [{"command": "start", "description": "Start"}]
    italian = [{"command": "start", "description": "Inizia"}]
    staff = [{"command": "inbox", "description": "Richieste"}]
    await api.ok("setMyCommands", commands=default)
    await api.ok("setMyCommands", commands=italian, language_code="it")
    await api.ok("setMyCommands", commands=staff, scope={"type": "chat", "chat_id": user.id})
    assert await api.ok("getMyCommands") == default
    assert await api.ok("getMyCommands", language_code="it") == italian
    assert await client.commands("chat", chat_id=user.id) == staff
    assert await client.commands("default", language_code="it") == italian
    assert await client.commands("all_private_chats") == []
    assert await client.effective_commands(user.id) == staff
    other = await client.create_user(first_name="Luigi", language_code="it")
    assert await client.effective_commands(other.id) == italian
    await api.ok("deleteMyCommands", scope={"type": "chat", "chat_id": user.id})
    assert await client.effective_commands(user.id) == italian
    body = await api.error("setMyCommands", commands=[{"command": "Bad Name", "description": "x"}])
    assert body["description"] == "Bad Request: BOT_COMMAND_INVALID"
    body = await api.error("setMyCommands", commands=default, scope={"type": "chat", "chat_id": 9})
    assert body["description"] == "Bad Request: chat not found"


async def test_chat_menu_button(api, client, user):
    assert await api.ok("setChatMenuButton", menu_button={"type": "commands"}) is True
    assert await api.ok("getChatMenuButton", chat_id=user.id) == {"type": "commands"}


async def test_users_are_created_updated_and_listed(client):
    first = await client.create_user(first_name="Anna", username="anna", phone_number="+39")
    second = await client.create_user(first_name="Bruno")
    assert second.id == first.id + 1
    updated = await client.create_user(user_id=first.id, first_name="Annalisa")
    assert (updated.first_name, updated.username) == ("Annalisa", "anna")
    chosen = await client.create_user(user_id=555, first_name="Carla")
    assert (await client.get_user(555)) == chosen
    with pytest.raises(EmulatorError) as missing:
        await client.get_user(1)
    assert missing.value.status == 404


async def test_reset_forgets_everything(api, client, user):
    await client.send_text(user.id, "ciao")
    await api.ok("getMe")
    await client.reset()
    stats = await client.stats()
    assert stats["calls"] == {}
    assert stats["pending_updates"] == 0
    with pytest.raises(EmulatorError):
        await client.transcript(user.id)


async def test_stats_count_calls_per_method(api, client, user):
    await api.ok("getMe")
    await api.ok("getMe")
    await api.error("sendMessage", chat_id=user.id, text="")
    stats = await client.stats()
    assert stats["calls"] == {"getMe": 2, "sendMessage": 1}
    assert stats["errors"] == {"400": 1}


def test_cli_rejects_bad_arguments_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "bot.emulator", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--port must be between 0 and 65535" in result.stderr


async def test_cli_serves_the_bot_api():
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.emulator",
        "--port",
        "0",
        "--token",
        "777:cli-token",
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert process.stderr is not None
        line = (await asyncio.wait_for(process.stderr.readline(), 20)).decode()
        base_url = re.search(r"http://\S+", line)
        assert base_url, line
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{base_url.group(0)}/bot777:cli-token/getMe") as response,
        ):
            assert (await response.json())["result"]["id"] == 777
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 10) == 0


async def test_global_wait_lists_changed_chats(api, client, user):
    other = await client.create_user(first_name="Luigi")
    seq = (await client.stats())["seq"]
    await api.ok("sendMessage", chat_id=other.id, text="ciao")
    async with api.session.get(
        f"{client.base_url}/_emulator/wait", params={"after_seq": seq, "timeout": 1}
    ) as response:
        body = await response.json()
    assert body["chat_ids"] == [other.id]
    assert body["changed"]


async def test_deletion_wakes_waiters(api, client, user):
    sent = await api.ok("sendMessage", chat_id=user.id, text="uno")
    seq = await client.chat_seq(user.id)
    await api.ok("deleteMessage", chat_id=user.id, message_id=sent["message_id"])
    result = await client.wait_for(user.id, seq, timeout=1)
    assert [m.deleted for m in result.messages] == [True]
