"""User actions: tapping inline buttons, answering callbacks, reply keyboards and contacts."""

from __future__ import annotations

import asyncio

import pytest

from bot.emulator import EmulatorError

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def _callback_updates(api):
    return [u["callback_query"] for u in await api.ok("getUpdates") if "callback_query" in u]


async def test_tap_by_label_produces_a_callback_query(api, client, user):
    keyboard = api.keyboard(("✅ Accetto", "consent:yes"), ("Rifiuto", "consent:no"))
    sent = await api.ok("sendMessage", chat_id=user.id, text="Privacy", reply_markup=keyboard)
    callback_id = await client.tap(user.id, "✅ Accetto")
    [query] = await _callback_updates(api)
    assert query["id"] == callback_id
    assert query["data"] == "consent:yes"
    assert query["from"]["id"] == user.id
    assert query["message"]["message_id"] == sent["message_id"]
    assert query["message"]["reply_markup"] == keyboard
    assert query["chat_instance"]


async def test_tap_prefers_exact_labels_then_contained_on_newest_message(api, client, user):
    await api.ok("sendMessage", chat_id=user.id, text="1", reply_markup=api.keyboard(("Sì", "old")))
    await api.ok(
        "sendMessage", chat_id=user.id, text="2", reply_markup=api.keyboard(("Sì, certo", "new"))
    )
    await client.tap(user.id, "Sì")  # exact match on the older message wins
    await client.tap(user.id, "certo")  # contained, case-insensitive
    await client.tap(user.id, "Sì", message_id=2)
    assert [q["data"] for q in await _callback_updates(api)] == ["old", "new", "new"]


async def test_tap_reports_missing_and_ambiguous_labels(api, client, user):
    keyboard = api.keyboard(("Ricetta", "a"), ("Ricetta urgente", "b"))
    await api.ok("sendMessage", chat_id=user.id, text="Menu", reply_markup=keyboard)
    with pytest.raises(EmulatorError, match="Ricetta urgente") as missing:
        await client.tap(user.id, "Certificato")
    assert missing.value.status == 404
    with pytest.raises(EmulatorError, match="ambiguous"):
        await client.tap(user.id, "ricet")


async def test_answer_callback_query_is_recorded_once(api, client, user):
    await api.ok("sendMessage", chat_id=user.id, text="t", reply_markup=api.keyboard(("Ok", "ok")))
    callback_id = await client.tap(user.id, "Ok")
    assert not (await client.callback_answer(callback_id)).answered
    await api.ok(
        "answerCallbackQuery", callback_query_id=callback_id, text="Fatto", show_alert=True
    )
    answer = await client.callback_answer(callback_id)
    assert (answer.answered, answer.text, answer.show_alert) == (True, "Fatto", True)
    body = await api.error("answerCallbackQuery", callback_query_id=callback_id)
    assert body["description"] == TOO_OLD
    body = await api.error("answerCallbackQuery", callback_query_id="123")
    assert body["description"] == TOO_OLD


async def test_answer_after_the_timeout_is_too_old(api, client, user):
    await client.configure(callback_timeout_s=0.2)
    await api.ok("sendMessage", chat_id=user.id, text="t", reply_markup=api.keyboard(("Ok", "ok")))
    callback_id = await client.tap(user.id, "Ok")
    await asyncio.sleep(0.3)
    body = await api.error("answerCallbackQuery", callback_query_id=callback_id)
    assert body["description"] == TOO_OLD
    assert not (await client.callback_answer(callback_id)).answered


async def test_reply_keyboard_button_sends_text_or_contact(api, client, user):
    keyboard = {"keyboard": [[{"text": "📱 Condividi numero", "request_contact": True}], ["Salta"]]}
    await api.ok("sendMessage", chat_id=user.id, text="Numero?", reply_markup=keyboard)
    skipped = await client.press_reply_button(user.id, "Salta")
    assert (skipped.kind, skipped.text) == ("text", "Salta")
    shared = await client.press_reply_button(user.id, "Condividi", phone_number="+393331112222")
    assert shared.kind == "contact"
    updates = await api.ok("getUpdates")
    contact = updates[-1]["message"]["contact"]
    assert contact == {
        "phone_number": "+393331112222",
        "first_name": "Maria",
        "last_name": "Rossi",
        "user_id": user.id,
    }


async def test_someone_elses_contact_has_no_or_another_user_id(api, client, user):
    await client.share_contact(user.id, "+39000", first_name="Luigi", own=False)
    await client.share_contact(user.id, "+39111", first_name="Anna", contact_user_id=77)
    contacts = [u["message"]["contact"] for u in await api.ok("getUpdates")]
    assert "user_id" not in contacts[0]
    assert "last_name" not in contacts[0]
    assert contacts[1]["user_id"] == 77


async def test_commands_entity_makes_deep_links_work(api, client, user):
    await client.send_text(user.id, "/start INVITE42")
    [update] = await api.ok("getUpdates")
    message = update["message"]
    assert message["text"] == "/start INVITE42"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_a_user_who_blocked_the_bot_cannot_act(client, user):
    await client.block(user.id)
    with pytest.raises(EmulatorError) as error:
        await client.send_text(user.id, "ciao")
    assert error.value.status == 409
