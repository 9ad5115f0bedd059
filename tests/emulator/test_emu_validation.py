"""Telegram's validations: keyboards, text length, markup parsing, edits, deletions."""

from __future__ import annotations

import pytest

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


@pytest.mark.parametrize(
    ("data", "ok"),
    [("x", True), ("x" * 64, True), ("é" * 32, True), ("x" * 65, False), ("é" * 33, False)],
)
async def test_callback_data_must_be_1_to_64_bytes(api, user, data, ok):
    status, body = await api.call(
        "sendMessage", chat_id=user.id, text="t", reply_markup=api.keyboard(("b", data))
    )
    if ok:
        assert status == 200
    else:
        assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_empty_callback_data_is_invalid(api, user):
    body = await api.error(
        "sendMessage", chat_id=user.id, text="t", reply_markup=api.keyboard(("b", ""))
    )
    assert body["description"] == "Bad Request: BUTTON_DATA_INVALID"


@pytest.mark.parametrize(
    "button",
    [
        {"text": "only text"},
        {"text": "two", "callback_data": "a", "url": "https://example.org"},
        {"text": "", "callback_data": "a"},
        {"callback_data": "a"},
    ],
)
async def test_inline_buttons_need_text_and_exactly_one_action(api, user, button):
    body = await api.error(
        "sendMessage", chat_id=user.id, text="t", reply_markup={"inline_keyboard": [[button]]}
    )
    assert body["error_code"] == 400


async def test_unparsable_reply_markup_is_refused(api, user):
    status, body = await api.call(
        "sendMessage", style="form", chat_id=user.id, text="t", reply_markup="{not json"
    )
    assert status == 400
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"


async def test_text_length_limits(api, user):
    assert (await api.ok("sendMessage", chat_id=user.id, text="x" * 4096))["text"] == "x" * 4096
    body = await api.error("sendMessage", chat_id=user.id, text="x" * 4097)
    assert body["description"] == "Bad Request: message is too long"
    for empty in ("", "   "):
        body = await api.error("sendMessage", chat_id=user.id, text=empty)
        assert body["description"] == "Bad Request: message text is empty"
    # The limit applies to the text after markup is parsed, as in Telegram.
    await api.ok("sendMessage", chat_id=user.id, text=f"<b>{'x' * 4096}</b>", parse_mode="HTML")


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Pressione < 140", "HTML"),
        ("<b>unclosed", "HTML"),
        ("<blink>no</blink>", "HTML"),
        ("Fine.", "MarkdownV2"),
        ("*bold", "MarkdownV2"),
    ],
)
async def test_malformed_markup_cannot_be_parsed(api, user, text, mode):
    body = await api.error("sendMessage", chat_id=user.id, text=text, parse_mode=mode)
    assert body["description"].startswith("Bad Request: can't parse entities:")


async def test_markdown_v2_is_parsed(api, client, user):
    sent = await api.ok(
        "sendMessage", chat_id=user.id, text="*Ciao* Maria\\. _ok_", parse_mode="MarkdownV2"
    )
    assert sent["text"] == "Ciao Maria. ok"
    assert [e["type"] for e in sent["entities"]] == ["bold", "italic"]


async def test_edit_with_identical_content_is_not_modified(api, client, user):
    keyboard = api.keyboard(("Sì", "y"))
    sent = await api.ok("sendMessage", chat_id=user.id, text="Domanda", reply_markup=keyboard)
    same = {"chat_id": user.id, "message_id": sent["message_id"], "reply_markup": keyboard}
    body = await api.error("editMessageText", text="Domanda", **same)
    assert body["description"] == NOT_MODIFIED
    body = await api.error("editMessageReplyMarkup", **same)
    assert body["description"] == NOT_MODIFIED
    edited = await api.ok("editMessageText", text="Domanda 2", **same)
    assert edited["text"] == "Domanda 2"
    assert "edit_date" in edited
    last = await client.last_bot_message(user.id)
    assert last is not None
    assert last.edit_count == 1


async def test_edit_without_markup_removes_the_inline_keyboard(api, client, user):
    sent = await api.ok(
        "sendMessage", chat_id=user.id, text="Domanda", reply_markup=api.keyboard(("Sì", "y"))
    )
    edited = await api.ok(
        "editMessageText", chat_id=user.id, message_id=sent["message_id"], text="Domanda"
    )
    assert "reply_markup" not in edited
    [message] = await client.transcript(user.id)
    assert message.buttons == []
    assert message.edit_count == 1


async def test_each_send_and_edit_changes_seq(api, client, user):
    sent = await api.ok("sendMessage", chat_id=user.id, text="uno")
    [before] = await client.transcript(user.id)
    await api.ok("editMessageText", chat_id=user.id, message_id=sent["message_id"], text="due")
    [after] = await client.transcript(user.id)
    assert after.seq > before.seq


async def test_editing_an_unknown_message_is_refused(api, client, user):
    body = await api.error("editMessageText", chat_id=user.id, message_id=42, text="x")
    assert body["description"] == "Bad Request: message to edit not found"
    mine = await client.send_text(user.id, "ciao")
    body = await api.error("editMessageText", chat_id=user.id, message_id=mine.message_id, text="x")
    assert body["description"] == "Bad Request: message can't be edited"


async def test_delete_message_marks_it_deleted(api, client, user):
    sent = await api.ok("sendMessage", chat_id=user.id, text="uno")
    assert await api.ok("deleteMessage", chat_id=user.id, message_id=sent["message_id"]) is True
    [message] = await client.transcript(user.id)
    assert message.deleted
    body = await api.error("deleteMessage", chat_id=user.id, message_id=sent["message_id"])
    assert body["description"] == "Bad Request: message to delete not found"
    body = await api.error(
        "editMessageText", chat_id=user.id, message_id=sent["message_id"], text="x"
    )
    assert body["description"] == "Bad Request: message to edit not found"
    assert await client.last_bot_message(user.id) is None
