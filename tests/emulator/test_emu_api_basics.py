"""Bot API basics: routing, auth, parameter encodings, sendMessage and the transcript."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from bot.emulator import Emulator, EmulatorClient


async def test_get_me_describes_the_bot(api):
    me = await api.ok("getMe")
    assert me["id"] == 4242
    assert me["is_bot"] is True
    assert me["username"]


async def test_wrong_token_is_unauthorized(api):
    status, body = await api.call("getMe", token="4242:wrong")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unknown_method_is_not_found(api):
    status, body = await api.call("sendTelepathy")
    assert status == 404
    assert body["description"] == "Not Found"


async def test_method_names_are_case_insensitive_and_get_works(api, user):
    assert (await api.ok("GETME"))["is_bot"]
    status, body = await api.call("sendmessage", style="query", chat_id=user.id, text="ciao")
    assert status == 200
    assert body["result"]["text"] == "ciao"


@pytest.mark.parametrize("style", ["json", "form", "multipart", "query"])
async def test_every_parameter_style_is_understood(api, client, user, style):
    markup = api.keyboard(("Sì", "yes"))
    status, body = await api.call(
        "sendMessage",
        style=style,
        chat_id=user.id,
        text="123",
        reply_markup=markup,
        protect_content=True,
        reply_parameters={"message_id": 999, "allow_sending_without_reply": True},
    )
    assert status == 200, body
    sent = body["result"]
    # A numeric text stays a string although chat_id, sent the same way, becomes a number.
    assert sent["text"] == "123"
    assert sent["chat"]["id"] == user.id
    assert sent["reply_markup"] == markup
    assert sent["has_protected_content"] is True
    [entry] = await client.transcript(user.id)
    assert entry.protect_content
    assert entry.buttons == ["Sì"]


async def test_send_message_lands_in_the_transcript_in_order(api, client, user):
    await client.send_text(user.id, "/start")
    first = await api.ok(
        "sendMessage", chat_id=user.id, text="<b>Benvenuta</b> &amp; ciao", parse_mode="HTML"
    )
    second = await api.ok("sendMessage", chat_id=user.id, text="Menu", disable_notification=True)
    assert (first["message_id"], second["message_id"]) == (2, 3)
    assert first["from"]["is_bot"]
    assert first["date"] <= time.time() + 1  # Telegram's own clock: real time, not the practice's
    assert first["entities"] == [{"type": "bold", "offset": 0, "length": 9}]
    transcript = await client.transcript(user.id)
    assert [(m.message_id, m.from_bot, m.kind) for m in transcript] == [
        (1, False, "text"),
        (2, True, "text"),
        (3, True, "text"),
    ]
    assert transcript[1].text == "Benvenuta & ciao"
    assert transcript[2].raw["disable_notification"] is True
    assert transcript[0].seq < transcript[1].seq < transcript[2].seq


async def test_reply_keyboards_are_kept_in_the_transcript(api, client, user):
    keyboard = {"keyboard": [[{"text": "Condividi", "request_contact": True}], ["Annulla"]]}
    sent = await api.ok("sendMessage", chat_id=user.id, text="Numero?", reply_markup=keyboard)
    assert "reply_markup" not in sent  # Telegram only echoes inline keyboards
    last = await client.last_bot_message(user.id)
    assert last is not None
    assert last.buttons == ["Condividi", "Annulla"]
    await api.ok("sendMessage", chat_id=user.id, text="ok", reply_markup={"remove_keyboard": True})
    with pytest.raises(Exception, match="no reply keyboard"):
        await client.press_reply_button(user.id, "Annulla")


async def test_reply_to_a_missing_message_is_refused(api, user):
    body = await api.error(
        "sendMessage", chat_id=user.id, text="x", reply_parameters={"message_id": 77}
    )
    assert body["description"] == "Bad Request: message to be replied not found"


async def test_unknown_chat_is_not_found(api):
    body = await api.error("sendMessage", chat_id=5, text="ciao")
    assert body == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}


async def test_get_chat_and_chat_action(api, user):
    chat = await api.ok("getChat", chat_id=user.id)
    assert chat["type"] == "private"
    assert chat["first_name"] == "Maria"
    assert await api.ok("sendChatAction", chat_id=user.id, action="typing") is True
    body = await api.error("sendChatAction", chat_id=user.id, action="dancing")
    assert body["error_code"] == 400


async def test_latency_is_added_to_bot_api_calls_only():
    async with (
        Emulator(latency_ms=150) as emu,
        EmulatorClient(emu.base_url) as driver,
        aiohttp.ClientSession() as session,
    ):
        started = time.monotonic()
        async with session.get(f"{emu.base_url}/bot{emu.token}/getMe") as response:
            assert response.status == 200
        assert time.monotonic() - started >= 0.15
        started = time.monotonic()
        await driver.stats()
        assert time.monotonic() - started < 0.15


async def test_latency_does_not_block_other_calls():
    async with Emulator(latency_ms=300) as emu, aiohttp.ClientSession() as session:

        async def get_me() -> None:
            async with session.get(f"{emu.base_url}/bot{emu.token}/getMe") as response:
                assert response.status == 200

        started = time.monotonic()
        await asyncio.gather(*(get_me() for _ in range(5)))
        assert time.monotonic() - started < 1.0


async def test_a_username_chat_id_names_no_chat(api):
    body = await api.error("sendMessage", chat_id="@maria", text="ciao")
    assert body["description"] == "Bad Request: chat not found"


async def test_the_emulator_can_be_stopped_and_started_again():
    emulator = Emulator(port=0)
    async with emulator, aiohttp.ClientSession() as session:
        first_url = emulator.base_url
    async with emulator, aiohttp.ClientSession() as session:
        url = f"{emulator.base_url}/bot{emulator.token}/getUpdates"
        async with session.post(url, json={"timeout": 0.1}) as response:
            assert (await response.json())["result"] == []
    assert first_url.startswith("http://127.0.0.1:")
