"""Bot API methods that send, edit and delete messages, with Telegram's validations."""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import (
    CAPTION_TOO_LONG,
    MESSAGE_TO_DELETE_NOT_FOUND,
    MESSAGE_TO_EDIT_NOT_FOUND,
    NOT_MODIFIED,
    TEXT_EMPTY,
    TEXT_TOO_LONG,
    bad_request,
)
from bot.emulator.formatting import Entity, parse_text
from bot.emulator.markup import Markup, is_inline, validate_markup
from bot.emulator.methods import Handler
from bot.emulator.models import Json, Message
from bot.emulator.params import Params
from bot.emulator.state import Chat, EmulatorState

MAX_TEXT = 4096
MAX_CAPTION = 1024


def message_text(p: Params) -> tuple[str, list[Entity]]:
    raw = p.string("text")
    if raw is None or not raw.strip():
        raise bad_request(TEXT_EMPTY)
    text, entities = parse_text(raw, p.string("parse_mode"), _entities(p, "entities"))
    if not text:
        raise bad_request(TEXT_EMPTY)
    if len(text) > MAX_TEXT:
        raise bad_request(TEXT_TOO_LONG)
    return text, entities


def caption_text(p: Params) -> tuple[str | None, list[Entity]]:
    raw = p.string("caption")
    if raw is None or not raw.strip():
        return None, []
    text, entities = parse_text(raw, p.string("parse_mode"), _entities(p, "caption_entities"))
    if len(text) > MAX_CAPTION:
        raise bad_request(CAPTION_TOO_LONG)
    return text or None, entities


def _entities(p: Params, name: str) -> list[Entity] | None:
    value = p.json(name)
    if value is not None and not isinstance(value, list):
        raise bad_request(f"can't parse {name} JSON object")
    return value


def reply_markup(p: Params) -> Markup | None:
    return validate_markup(p.json("reply_markup", what="reply keyboard markup"))


def reply_target(chat: Chat, p: Params) -> Message | None:
    params = p.json("reply_parameters")
    if params is None and "reply_to_message_id" in p:
        params = {
            "message_id": p.integer("reply_to_message_id"),
            "allow_sending_without_reply": p.boolean("allow_sending_without_reply"),
        }
    if params is None:
        return None
    if not isinstance(params, dict) or not isinstance(params.get("message_id"), int):
        raise bad_request("can't parse reply parameters JSON object")
    target = chat.messages.get(params["message_id"])
    if target is None or target.deleted:
        if params.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    return target


def send_fields(chat: Chat, p: Params, markup: Markup | None) -> dict[str, Any]:
    """Fields every send method shares; also tracks which reply keyboard the user now sees."""
    reply_to = reply_target(chat, p)
    if markup is not None and "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup is not None and markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    return {
        "reply_markup": markup,
        "reply_to": reply_to,
        "protect_content": p.boolean("protect_content"),
        "disable_notification": p.boolean("disable_notification"),
    }


async def send_message(state: EmulatorState, p: Params) -> Json:
    chat = state.writable_chat(p.chat_id())
    text, entities = message_text(p)
    markup = reply_markup(p)
    fields = send_fields(chat, p, markup)
    message = state.add_message(
        chat, from_bot=True, kind="text", text=text, entities=entities, **fields
    )
    return message.to_api()


def _edit_target(state: EmulatorState, p: Params) -> Message:
    if p.raw("inline_message_id") is not None:
        raise bad_request("MESSAGE_ID_INVALID")
    chat = state.writable_chat(p.chat_id())
    message = chat.messages.get(p.integer("message_id", required=True) or 0)
    if message is None or message.deleted:
        raise bad_request(MESSAGE_TO_EDIT_NOT_FOUND)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _edit_markup(p: Params) -> Markup | None:
    markup = reply_markup(p)
    if markup is not None and not is_inline(markup):
        raise bad_request("inline keyboard expected")
    return markup


def _apply_edit(
    state: EmulatorState, message: Message, markup: Markup | None, **changes: Any
) -> Json:
    """Applies an edit, refusing it as Telegram does when nothing would change."""
    current_inline = message.reply_markup if is_inline(message.reply_markup) else None
    same_content = all(getattr(message, name) == value for name, value in changes.items())
    if same_content and markup == current_inline:
        raise bad_request(NOT_MODIFIED)
    for name, value in changes.items():
        setattr(message, name, value)
    # An edit without an inline keyboard removes the old one; a reply keyboard shown with the
    # message belongs to the chat, not the message, so it stays in the transcript.
    if markup is not None or current_inline is not None:
        message.reply_markup = markup
    message.edit_date = state.now()
    message.edit_count += 1
    state.touch(message)
    return message.to_api()


async def edit_message_text(state: EmulatorState, p: Params) -> Json:
    message = _edit_target(state, p)
    text, entities = message_text(p)
    markup = _edit_markup(p)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    return _apply_edit(state, message, markup, text=text, entities=entities)


async def edit_message_caption(state: EmulatorState, p: Params) -> Json:
    message = _edit_target(state, p)
    caption, entities = caption_text(p)
    markup = _edit_markup(p)
    if message.kind not in ("photo", "document"):
        raise bad_request("there is no caption in the message to edit")
    return _apply_edit(state, message, markup, caption=caption, caption_entities=entities)


async def edit_message_reply_markup(state: EmulatorState, p: Params) -> Json:
    message = _edit_target(state, p)
    return _apply_edit(state, message, _edit_markup(p))


async def delete_message(state: EmulatorState, p: Params) -> bool:
    chat = state.chat(p.chat_id())
    message = chat.messages.get(p.integer("message_id", required=True) or 0)
    if message is None or message.deleted:
        raise bad_request(MESSAGE_TO_DELETE_NOT_FOUND)
    message.deleted = True
    state.touch(message)
    return True


HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
}
