"""The shared renderer through each adapter's `BotApi`, against the emulator: what each reply
shows, and the same errors translated the same way by both frameworks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.botapi import BotApi
from bot.emulator import EmulatorClient, EmulatorError
from bot.emulator.client import EmulatorUser
from bot.renderer import Renderer, acknowledge
from flows.reply import (
    Anchor,
    Button,
    CommandMenu,
    Delivered,
    FileRef,
    KeyButton,
    Outgoing,
    Reply,
)
from flows.settings import Settings

pytestmark = pytest.mark.e2e


@pytest.fixture
async def api(settings: Settings, adapter: str) -> AsyncIterator[BotApi]:
    if adapter == "aiogram":
        from bot.aiogram.api import AiogramBotApi
        from bot.aiogram.runner import build_bot

        aiogram_bot = build_bot(settings)
        try:
            yield AiogramBotApi(aiogram_bot)
        finally:
            await aiogram_bot.session.close()
        return
    from bot.ptb.api import PtbBotApi
    from bot.ptb.runner import build_application

    bot = build_application(settings).bot
    async with bot:
        yield PtbBotApi(bot)


@pytest.fixture
def unreachable() -> list[int]:
    return []


@pytest.fixture
def renderer(api: BotApi, unreachable: list[int]) -> Renderer:
    async def hook(chat_id: int) -> None:
        unreachable.append(chat_id)

    return Renderer(api, on_unreachable=hook)


@pytest.fixture
async def user(tg: EmulatorClient) -> EmulatorUser:
    return await tg.create_user()


async def bot_messages(tg: EmulatorClient, chat_id: int) -> list[str]:
    return [m.describe() for m in await tg.transcript(chat_id) if m.from_bot]


async def test_an_edit_changes_the_message_in_place(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser
) -> None:
    menu = Anchor("menu", user.id)
    first = await renderer.render(Reply([Outgoing(user.id, "Menu", anchor=menu)]))
    sent = first[0].message_id
    tap = ((Button("Avanti", data="v:1~abcdefgh"),),)
    edit = Outgoing(user.id, "Passo 2", buttons=tap, edit_message_id=sent, anchor=menu)
    assert await renderer.render(Reply([edit])) == [Delivered(menu, user.id, sent)]
    (shown,) = await tg.transcript(user.id)
    assert (shown.text, shown.buttons, shown.edit_count) == ("Passo 2", ["Avanti"], 1)


async def test_an_unchanged_edit_is_quietly_accepted(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser
) -> None:
    anchor = Anchor("card", 7)
    sent = (await renderer.render(Reply([Outgoing(user.id, "Richiesta #7", anchor=anchor)])))[0]
    again = Outgoing(user.id, "Richiesta #7", edit_message_id=sent.message_id, anchor=anchor)
    assert await renderer.render(Reply([again])) == [sent]
    assert len(await bot_messages(tg, user.id)) == 1


@pytest.mark.parametrize("target", ["missing", "from_user"])
async def test_an_impossible_edit_sends_a_new_message(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser, target: str
) -> None:
    own = await tg.send_text(user.id, "scritto dal paziente")
    message_id = 999 if target == "missing" else own.message_id
    anchor = Anchor("menu", user.id)
    edit = Outgoing(user.id, "Menu", edit_message_id=message_id, anchor=anchor)
    (delivered,) = await renderer.render(Reply([edit]))
    shown = await tg.last_bot_message(user.id)
    assert shown is not None
    assert (delivered.message_id, shown.text) == (shown.message_id, "Menu")


async def test_protected_content_is_never_edited_into_an_old_message(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser
) -> None:
    card = (await renderer.render(Reply([Outgoing(user.id, "Pronta", anchor=Anchor("card", 1))])))[
        0
    ]
    code = Outgoing(user.id, "NRE 1234", protect=True, edit_message_id=card.message_id)
    await renderer.render(Reply([code]))
    first, second = await tg.transcript(user.id)
    assert (first.text, first.edit_count) == ("Pronta", 0)
    assert (second.text, second.protect_content) == ("NRE 1234", True)


async def test_keyboards_contact_button_and_removal(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser
) -> None:
    keys = ((KeyButton("Condividi il numero", contact=True),), (KeyButton("Salta"),))
    await renderer.render(Reply([Outgoing(user.id, "Il suo numero?", keyboard=keys)]))
    shown = await tg.last_bot_message(user.id)
    assert shown is not None
    assert shown.reply_markup == {
        "keyboard": [
            [{"text": "Condividi il numero", "request_contact": True}],
            [{"text": "Salta"}],
        ],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    contact = await tg.press_reply_button(user.id, "Condividi", phone_number="+393331234567")
    assert contact.kind == "contact"
    await renderer.render(Reply([Outgoing(user.id, "Grazie", remove_keyboard=True)]))
    with pytest.raises(EmulatorError, match="no reply keyboard"):
        await tg.press_reply_button(user.id, "Salta")


async def test_files_are_sent_by_id_with_the_text_as_caption(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser
) -> None:
    photo = await tg.send_photo(user.id, b"\xff\xd8 not really a jpeg")
    photo_id = photo.media["photo"][-1]["file_id"]
    await renderer.render(Reply([Outgoing(user.id, "", file=FileRef(photo_id, "photo"))]))
    shown = await tg.last_bot_message(user.id)
    assert shown is not None
    assert (shown.kind, shown.caption) == ("photo", None)

    upload = await tg.send_document(user.id, b"%PDF-1.4", file_name="ricetta.pdf")
    file_id = upload.media["document"]["file_id"]
    link = ((Button("Sito", url="https://example.org"),),)
    file = FileRef(file_id, "document")
    await renderer.render(
        Reply([Outgoing(user.id, "Ricetta", file=file, buttons=link, protect=True)])
    )
    shown = await tg.last_bot_message(user.id)
    assert shown is not None
    assert (shown.kind, shown.caption, shown.protect_content) == ("document", "Ricetta", True)
    assert shown.media["document"]["file_id"] == file_id
    assert shown.inline_keyboard == [[{"text": "Sito", "url": "https://example.org"}]]


async def test_a_blocked_chat_is_reported_and_the_others_still_served(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser, unreachable: list[int]
) -> None:
    other = await tg.create_user()
    await tg.block(user.id)
    reply = Reply(
        [
            Outgoing(user.id, "uno", anchor=Anchor("menu", user.id)),
            Outgoing(user.id, "due"),
            Outgoing(other.id, "per l'altro", anchor=Anchor("menu", other.id)),
        ]
    )
    delivered = await renderer.render(reply)
    assert [d.chat_id for d in delivered] == [other.id]
    assert unreachable == [user.id]
    assert (await tg.stats())["errors"] == {"403": 1}


async def test_flood_control_is_waited_out(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser
) -> None:
    await tg.fail_next("sendMessage", 429, retry_after=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await renderer.render(
        Reply([Outgoing(user.id, "dopo l'attesa", anchor=Anchor("menu", 1))])
    )
    assert loop.time() - started >= 1
    assert [m.text for m in await tg.transcript(user.id)] == ["dopo l'attesa"]


async def test_a_failed_message_does_not_stop_the_next(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser
) -> None:
    await tg.fail_next("sendMessage", 400)  # a refusal: not worth another attempt
    await renderer.render(Reply([Outgoing(user.id, "perso"), Outgoing(user.id, "arrivato")]))
    assert [m.text for m in await tg.transcript(user.id)] == ["arrivato"]


@pytest.mark.parametrize("fault", [500, "drop"])
async def test_a_server_error_or_a_lost_connection_is_tried_again(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser, fault: int | str
) -> None:
    await tg.fail_next("sendMessage", fault)
    await renderer.render(Reply([Outgoing(user.id, "arrivato lo stesso")]))
    assert [m.text for m in await tg.transcript(user.id)] == ["arrivato lo stesso"]


async def test_a_stale_callback_answer_is_not_an_error(api: BotApi) -> None:
    await acknowledge(api, "4400000000000000123")


async def test_files_made_here_are_uploaded(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser
) -> None:
    chart = b"\x89PNG\r\n\x1a\n a chart"
    upload = FileRef(None, "photo", data=chart, name="stats.png")
    await renderer.render(Reply([Outgoing(user.id, "Statistiche", file=upload)]))
    shown = await tg.last_bot_message(user.id)
    assert shown is not None
    assert (shown.kind, shown.caption) == ("photo", "Statistiche")
    assert await tg.download(shown.media["photo"][-1]["file_id"]) == chart


async def test_command_menus_per_chat_and_their_removal(
    tg: EmulatorClient, renderer: Renderer, user: EmulatorUser
) -> None:
    staff = (("inbox", "Richieste"), ("help", "Aiuto"))
    everyone = CommandMenu(None, (("start", "Inizia"),), "it")
    await renderer.render(Reply(menus=[everyone, CommandMenu(user.id, staff)]))
    assert await tg.commands(language_code="it") == [{"command": "start", "description": "Inizia"}]
    own = await tg.commands(scope="chat", chat_id=user.id)
    assert [c["command"] for c in own] == ["inbox", "help"]
    await renderer.render(Reply(menus=[CommandMenu(user.id, ())]))
    assert await tg.commands(scope="chat", chat_id=user.id) == []
    assert [c["command"] for c in await tg.effective_commands(user.id)] == ["start"]
