"""Bot API methods about the bot itself: identity, updates, webhook, commands, chats.

Message sending and editing live in `messages.py`, files in `media.py`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator.errors import CONFLICT_WEBHOOK, QUERY_TOO_OLD, ApiError, bad_request
from bot.emulator.models import Json
from bot.emulator.params import Params
from bot.emulator.state import EmulatorState

Handler = Callable[[EmulatorState, Params], Awaitable[Any]]

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPES = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


async def get_me(state: EmulatorState, p: Params) -> Json:
    return {
        **state.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(state: EmulatorState, p: Params) -> list[Json]:
    if state.webhook.get("url"):
        raise ApiError(409, CONFLICT_WEBHOOK)
    limit = p.integer("limit") or 100
    timeout = max(0.0, p.number("timeout") or 0.0)
    if "allowed_updates" in p:
        allowed = p.json("allowed_updates")
        state.updates.allowed_updates = list(allowed) if isinstance(allowed, list) else None
    return await state.updates.get(p.integer("offset"), max(1, min(limit, 100)), timeout)


_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


async def set_webhook(state: EmulatorState, p: Params) -> bool:
    url = p.string("url") or ""
    if url and not url.startswith("https://") and not url.startswith("http://"):
        raise bad_request("bad webhook: HTTPS url must be provided for webhook")
    secret = p.string("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    if p.boolean("drop_pending_updates"):
        state.updates.clear()
    state.set_webhook(
        {
            "url": url,
            "max_connections": p.integer("max_connections") or 40,
            "allowed_updates": p.json("allowed_updates"),
            "secret_token": secret,
            "set_at": int(time.time()),
        }
    )
    return True


async def delete_webhook(state: EmulatorState, p: Params) -> bool:
    if p.boolean("drop_pending_updates"):
        state.updates.clear()
    state.stop_webhook()
    state.webhook = {}
    return True


async def get_webhook_info(state: EmulatorState, p: Params) -> Json:
    info: Json = {
        "url": state.webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": state.updates.pending_count,
    }
    if info["url"]:
        info["max_connections"] = state.webhook["max_connections"]
        if state.webhook.get("allowed_updates") is not None:
            info["allowed_updates"] = state.webhook["allowed_updates"]
        if state.webhook_stats.last_error_date is not None:
            info["last_error_date"] = state.webhook_stats.last_error_date
            info["last_error_message"] = state.webhook_stats.last_error_message
    return info


def _scope_slot(state: EmulatorState, p: Params) -> tuple[tuple[str, str], Json]:
    """The (scope, language_code) key commands are stored under, and the scope object."""
    scope = p.json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    for name in _SCOPES[scope["type"]]:
        if not isinstance(scope.get(name), int):
            raise bad_request(f"can't parse BotCommandScope JSON object: {name} is missing")
    if "chat_id" in _SCOPES[scope["type"]]:
        state.chat(scope["chat_id"])
    return (state.scope_key(scope), p.string("language_code") or ""), scope


async def set_my_commands(state: EmulatorState, p: Params) -> bool:
    commands = p.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    clean: list[Json] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": command, "description": description})
    slot, scope = _scope_slot(state, p)
    if clean:
        state.commands[slot] = (scope, clean)
    else:
        state.commands.pop(slot, None)
    return True


async def get_my_commands(state: EmulatorState, p: Params) -> list[Json]:
    slot, _ = _scope_slot(state, p)
    return state.commands.get(slot, ({}, []))[1]


async def delete_my_commands(state: EmulatorState, p: Params) -> bool:
    slot, _ = _scope_slot(state, p)
    state.commands.pop(slot, None)
    return True


async def set_chat_menu_button(state: EmulatorState, p: Params) -> bool:
    chat_id = p.chat_id(required=False)
    if chat_id is not None:
        state.chat(chat_id)
    button = p.json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    state.menu_buttons[chat_id] = button
    return True


async def get_chat_menu_button(state: EmulatorState, p: Params) -> Json:
    chat_id = p.chat_id(required=False)
    button = state.menu_buttons.get(chat_id) or state.menu_buttons.get(None)
    return button if button and button.get("type") != "default" else {"type": "commands"}


async def send_chat_action(state: EmulatorState, p: Params) -> bool:
    chat = state.writable_chat(p.chat_id())
    action = p.string("action", required=True)
    if action not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.last_action = action
    return True


async def get_chat(state: EmulatorState, p: Params) -> Json:
    chat = state.chat(p.chat_id())
    return {
        **chat.user.to_chat(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
            "gifts_from_channels": True,
        },
    }


async def answer_callback_query(state: EmulatorState, p: Params) -> bool:
    query = state.callbacks.get(p.string("callback_query_id") or "")
    too_old = query is not None and (
        time.monotonic() - query.created > state.options.callback_timeout_s
    )
    if query is None or query.answered or too_old:
        raise bad_request(QUERY_TOO_OLD)
    text = p.string("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    query.answer = {
        "text": text,
        "show_alert": p.boolean("show_alert"),
        "url": p.string("url"),
        "cache_time": p.integer("cache_time") or 0,
        "answered_at": time.time(),
    }
    return True


async def set_bot_profile(state: EmulatorState, p: Params) -> bool:
    # setMyName / setMyDescription / setMyShortDescription: accepted, nothing to show yet.
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "sendChatAction": send_chat_action,
    "getChat": get_chat,
    "answerCallbackQuery": answer_callback_query,
    "setMyName": set_bot_profile,
    "setMyDescription": set_bot_profile,
    "setMyShortDescription": set_bot_profile,
}
