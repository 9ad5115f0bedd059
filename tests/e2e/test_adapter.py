"""Both adapters end to end: updates in through the emulator, replies in the chat transcript.

Most tests use the stand-in `EchoDesk`, so they check what the adapter hands the engine and how
replies are shown, whatever the patient flows say; a few run the real front desk.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import aiohttp
import pytest
from pydantic import SecretStr

from bot.bootstrap import App
from bot.emulator import Emulator, EmulatorClient
from bot.runtime import StartupError
from flows.events import ContactIn, FileIn, OtherIn
from flows.settings import Settings
from tests.e2e.conftest import (
    TOKEN,
    EchoDesk,
    Run,
    RunningBot,
    StartBot,
    raw_message,
    wait_until,
)

pytestmark = pytest.mark.e2e

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000500000003c008020000") + b"\0" * 64


async def test_start_with_payload_reaches_the_desk(
    tg: EmulatorClient, echo_bot: RunningBot
) -> None:
    user = await tg.create_user(first_name="Maria")
    await tg.send_text(user.id, "/start qr-ricetta")
    reply = await tg.wait_for_bot_message(user.id)
    assert reply.text == "command start qr-ricetta"


async def test_start_gets_the_real_welcome(tg: EmulatorClient, frontdesk: RunningBot) -> None:
    user = await tg.create_user(first_name="Maria")
    await tg.send_text(user.id, "/start")
    reply = await tg.wait_for_bot_message(user.id)
    assert reply.content.strip()
    assert reply.buttons, reply.describe()


async def test_patient_commands_are_set_from_the_catalog(
    tg: EmulatorClient, app: App, echo_bot: RunningBot
) -> None:
    catalog = app.desk.catalog
    for language in ("it", "en", ""):
        commands = await tg.commands(language_code=language)
        text_language = language or catalog.default
        assert commands == [
            {"command": name, "description": catalog.text(f"command.{name}", text_language)}
            for name in ("start", "menu", "help")
        ]


async def test_a_webhook_left_behind_is_deleted_before_polling(
    emulator: Emulator, tg: EmulatorClient, app: App, start_bot: StartBot
) -> None:
    url = f"{emulator.base_url}/bot{TOKEN}/setWebhook"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"url": "https://x.example/hook"}) as response,
    ):
        assert response.status == 200
    await start_bot(app)
    user = await tg.create_user()
    await tg.send_text(user.id, "ciao")
    assert (await tg.wait_for_bot_message(user.id)).content


async def test_messages_become_events(
    tg: EmulatorClient, echo_bot: RunningBot, echo_desk: EchoDesk
) -> None:
    user = await tg.create_user()
    await tg.send_photo(user.id, PNG)
    assert (await tg.wait_for_bot_message(user.id)).text.startswith("photo")
    await tg.send_document(user.id, b"%PDF-1.4 referto", file_name="esami.pdf")
    assert (await tg.wait_for_bot_message(user.id)).text == "document esami.pdf 16"
    await tg.share_contact(user.id, "+393331234567")
    assert (await tg.wait_for_bot_message(user.id)).text == "ContactIn +393331234567"
    sticker = raw_message(user.id, "")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {
        "file_id": "CAAC", "file_unique_id": "AgAD", "type": "regular",
        "width": 512, "height": 512, "is_animated": False, "is_video": False,
    }  # fmt: skip
    await tg.inject_update(sticker)
    assert (await tg.wait_for_bot_message(user.id)).text == "OtherIn sticker"

    photo, document, contact, other = echo_desk.events
    assert isinstance(photo, FileIn)
    assert photo.kind == "photo"
    sizes = (await tg.transcript(user.id))[0].media["photo"]
    largest = max(sizes, key=lambda size: size["width"] * size["height"])
    assert photo.file_id == largest["file_id"]
    assert len(sizes) > 1
    assert isinstance(document, FileIn)
    assert document.mime_type == "application/pdf"
    assert isinstance(contact, ContactIn)
    assert contact.contact_user_id == user.id
    assert isinstance(other, OtherIn)


async def test_a_tap_is_answered_and_edits_the_message(
    tg: EmulatorClient, echo_bot: RunningBot
) -> None:
    user = await tg.create_user()
    await tg.send_text(user.id, "/menu")
    menu = await tg.wait_for_bot_message(user.id)
    callback = await tg.tap(user.id, "Tap")
    edited = await tg.wait_for_bot_message(user.id)
    assert edited.message_id == menu.message_id
    assert (edited.text, edited.edit_count) == ("tapped tap 1", 1)
    assert (await tg.callback_answer(callback)).answered


async def test_a_tap_that_breaks_is_still_answered(
    tg: EmulatorClient, echo_bot: RunningBot
) -> None:
    user = await tg.create_user()
    await tg.send_text(user.id, "/menu")
    await tg.wait_for_bot_message(user.id)
    await tg.tap(user.id, "Tap")
    await tg.wait_for_bot_message(user.id)
    callback = await tg.tap(user.id, "Boom")
    apology = await tg.wait_for_bot_message(user.id, lambda m: m.edit_count == 0)
    assert apology.content
    answer = await tg.callback_answer(callback)
    assert answer.answered
    assert answer.text is None


async def test_a_repeated_update_is_handled_once(
    tg: EmulatorClient, echo_bot: RunningBot, echo_desk: EchoDesk
) -> None:
    user = await tg.create_user()
    update = {"update_id": 5000, **raw_message(user.id, "una volta")}
    await tg.inject_update(update)
    await tg.wait_for_bot_message(user.id)
    await tg.inject_update(update)
    await tg.send_text(user.id, "dopo")  # handled after the replay: the replay has been seen
    await tg.wait_for_bot_message(user.id, lambda m: m.text == "TextIn dopo")
    texts = [m.text for m in await tg.transcript(user.id) if m.from_bot]
    assert texts == ["TextIn una volta", "TextIn dopo"]
    assert [getattr(e, "text", None) for e in echo_desk.events] == ["una volta", "dopo"]


async def test_chats_are_served_concurrently_and_each_in_order(
    tg: EmulatorClient, echo_bot: RunningBot
) -> None:
    """With 0.3 s per Bot API call, eight chats one after the other would take 2.4 s."""
    users = [await tg.create_user() for _ in range(8)]
    await tg.configure(latency_ms=300)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for user in users:
        await tg.send_text(user.id, "ciao")
    for word in ("due", "tre", "quattro"):
        await tg.send_text(users[0].id, word)
    await asyncio.gather(*(tg.wait_for_bot_message(user.id) for user in users[1:]))
    assert loop.time() - started < 1.5
    await tg.wait_for_bot_message(users[0].id, lambda m: m.text == "TextIn quattro")
    texts = [m.text for m in await tg.transcript(users[0].id) if m.from_bot]
    assert texts == ["TextIn ciao", "TextIn due", "TextIn tre", "TextIn quattro"]


async def test_group_chats_are_left_alone(
    tg: EmulatorClient, app: App, echo_bot: RunningBot, echo_desk: EchoDesk
) -> None:
    user = await tg.create_user()
    await tg.inject_update({"update_id": 7000, **raw_message(user.id, "/start", group_id=-100123)})
    await tg.inject_update(
        {"update_id": 7001, **raw_message(user.id, "ciao a tutti", group_id=-100123)}
    )
    await tg.send_text(user.id, "in privato")
    await tg.wait_for_bot_message(user.id)
    assert [type(e).__name__ for e in echo_desk.events] == ["TextIn"]
    async with app.database.uow() as uow:
        assert await uow.updates.get(update_id=7000) is None


async def test_unfinished_updates_are_replayed_before_polling(
    tg: EmulatorClient, app: App, echo_desk: EchoDesk, start_bot: StartBot
) -> None:
    user = await tg.create_user()
    raw = {"update_id": 900, **raw_message(user.id, "rimasto a metà")}
    assert await app.desk.journal(900, user.id, raw)  # journalled, then the bot died
    app.desk.patient_routes = echo_desk
    await start_bot(app)
    reply = await tg.wait_for_bot_message(user.id, after_seq=0)
    assert reply.text == "TextIn rimasto a metà"
    assert await app.desk.unfinished_updates() == []


async def test_logs_carry_no_token_and_no_contents(
    tg: EmulatorClient, app: App, echo_desk: EchoDesk, start_bot: StartBot,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    app.desk.patient_routes = echo_desk
    await start_bot(app)
    user = await tg.create_user()
    await tg.send_text(user.id, "RSSMRA80A01H501U mal di testa")
    await tg.wait_for_bot_message(user.id)
    await tg.fail_next("sendMessage", 500)
    await tg.send_text(user.id, "segreto")
    await asyncio.sleep(0.3)
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert caplog.records
    for secret in (TOKEN, TOKEN.split(":")[1], "RSSMRA80A01H501U", "segreto"):
        assert secret not in logged


async def test_a_refused_token_stops_start_up_without_quoting_it(
    app: App, settings: Settings, run: Run
) -> None:
    wrong = "987654321:WRONG-token_abcdefghijklmnop"
    bad = settings.model_copy(update={"telegram_bot_token": SecretStr(wrong)})
    with pytest.raises(StartupError, match="refused TELEGRAM_BOT_TOKEN") as caught:
        await run(SimpleNamespace(settings=bad, desk=app.desk), stop=asyncio.Event())
    assert "WRONG-token" not in str(caught.value)


async def test_blocking_the_bot_calls_the_unreachable_hook(
    tg: EmulatorClient, app: App, echo_desk: EchoDesk, start_bot: StartBot
) -> None:
    reported: list[int] = []

    async def hook(chat_id: int) -> None:
        reported.append(chat_id)

    app.desk.patient_routes = echo_desk
    await start_bot(app, on_unreachable=hook)
    user, other = await tg.create_user(), await tg.create_user()
    await tg.block(user.id)
    await tg.send_text(other.id, "ciao")
    await tg.wait_for_bot_message(other.id)

    async def reported_once() -> bool:
        return bool(reported)

    await wait_until(reported_once, 2, "the unreachable hook")
    assert reported == [user.id]
    assert echo_desk.events[0].sender.user_id == other.id


async def test_updates_waiting_at_start_are_handled_after_the_replay(
    tg: EmulatorClient, app: App, echo_desk: EchoDesk, start_bot: StartBot
) -> None:
    """An update already waiting at Telegram is taken only once the replay is done."""
    journalled, waiting = await tg.create_user(), await tg.create_user()
    raw = {"update_id": 901, **raw_message(journalled.id, "rimasto a metà")}
    assert await app.desk.journal(901, journalled.id, raw)  # journalled, then the bot died
    await tg.send_text(waiting.id, "appena arrivato")
    await tg.configure(latency_ms=150)  # every call slow: the replay takes a while
    app.desk.patient_routes = echo_desk
    await start_bot(app)
    replayed = await tg.wait_for_bot_message(journalled.id, after_seq=0)
    fresh = await tg.wait_for_bot_message(waiting.id, after_seq=0)
    assert fresh.text == "TextIn appena arrivato"
    assert replayed.seq < fresh.seq
