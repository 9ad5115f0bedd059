"""Read-only driver routes (chats, transcripts, long-poll waits, callbacks, commands, files)
and the helpers every driver route shares.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.emulator import actions
from bot.emulator.actions import DriverError
from bot.emulator.errors import ApiError
from bot.emulator.models import Json
from bot.emulator.state import Chat, EmulatorState

PREFIX = "/_emulator"
MAX_WAIT_S = 120.0
Route = Callable[[web.Request, EmulatorState], Awaitable[Any]]


def wrap(
    state: EmulatorState, route: Route
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            result = await route(request, state)
        except DriverError as error:
            return web.json_response({"error": error.message}, status=error.status)
        except ApiError as error:
            return web.json_response({"error": error.description}, status=400)
        except ValueError as error:
            return web.json_response({"error": str(error)}, status=400)
        if isinstance(result, web.StreamResponse):
            return result
        return web.json_response(result)

    return handler


async def read_json(request: web.Request) -> Json:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise DriverError(400, "the body must be JSON") from None
    if not isinstance(body, dict):
        raise DriverError(400, "the body must be a JSON object")
    return body


def as_int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DriverError(400, f"{name} must be an integer") from None


def _float(request: web.Request, name: str, default: float) -> float:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise DriverError(400, f"{name} must be a number") from None


def _chat(request: web.Request, state: EmulatorState) -> Chat:
    return actions.chat(state, as_int(request.match_info["chat_id"], "chat_id"))


async def _wait_until(state: EmulatorState, wait_s: float, check: Callable[[], Any]) -> Any:
    """Re-runs `check` on every change until it returns something truthy or time runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + min(max(wait_s, 0.0), MAX_WAIT_S)
    while True:
        found = check()
        remaining = deadline - loop.time()
        if found or state.closed or remaining <= 0:
            return found
        await state.changed.wait(remaining)


async def list_chats(request: web.Request, state: EmulatorState) -> Json:
    chats = [
        {
            "chat_id": chat_id,
            "user": chat.user.to_driver(),
            "seq": chat.seq,
            "message_count": len(chat.messages),
            "reply_keyboard": chat.reply_keyboard,
            "last_action": chat.last_action,
        }
        for chat_id, chat in state.chats.items()
    ]
    return {"chats": chats, "seq": state.seq}


async def transcript(request: web.Request, state: EmulatorState) -> Json:
    chat = _chat(request, state)
    return {
        "chat_id": chat.user.id,
        "seq": chat.seq,
        "reply_keyboard": chat.reply_keyboard,
        "messages": [m.to_driver() for m in chat.messages.values()],
    }


async def wait_chat(request: web.Request, state: EmulatorState) -> Json:
    """Long poll: returns as soon as a message of the chat has a seq above `after_seq`."""
    chat = _chat(request, state)
    after = as_int(request.query.get("after_seq", "0"), "after_seq")
    timeout = _float(request, "timeout", 10.0)

    def newer() -> list[Json]:
        changed = sorted((m for m in chat.messages.values() if m.seq > after), key=lambda m: m.seq)
        return [m.to_driver() for m in changed]

    messages = await _wait_until(state, timeout, newer)
    return {"changed": bool(messages), "seq": chat.seq, "messages": messages or []}


async def idle(request: web.Request, state: EmulatorState) -> Json:
    """Long poll: returns once no Bot API call (getUpdates aside) has been in flight for `quiet`
    seconds — the bot has finished answering; `idle` is false if `timeout` came first."""
    quiet = _float(request, "quiet", 0.05)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + min(_float(request, "timeout", 10.0), MAX_WAIT_S)
    while True:
        now = loop.time()
        calm = now - state.last_call_done
        if state.calls_in_flight == 0 and calm >= quiet:
            return {"idle": True}
        if now >= deadline or state.closed:
            return {"idle": False}
        pause = quiet - calm if state.calls_in_flight == 0 else deadline - now
        await state.changed.wait(min(max(pause, 0.001), deadline - now))


async def wait_any(request: web.Request, state: EmulatorState) -> Json:
    """Long poll over all chats, for a page that shows every phone."""
    after = as_int(request.query.get("after_seq", "0"), "after_seq")

    def changed_chats() -> list[int]:
        return [cid for cid, chat in state.chats.items() if chat.seq > after]

    chat_ids = await _wait_until(state, _float(request, "timeout", 10.0), changed_chats)
    return {"changed": bool(chat_ids), "seq": state.seq, "chat_ids": chat_ids or []}


async def get_callback(request: web.Request, state: EmulatorState) -> Json:
    query = state.callbacks.get(request.match_info["callback_id"])
    if query is None:
        raise DriverError(404, f"no callback query {request.match_info['callback_id']}")
    return query.to_driver()


async def list_callbacks(request: web.Request, state: EmulatorState) -> Json:
    chat_id = request.query.get("chat_id")
    queries = [
        q.to_driver()
        for q in state.callbacks.values()
        if chat_id is None or q.chat_id == as_int(chat_id, "chat_id")
    ]
    return {"callbacks": queries}


async def commands(request: web.Request, state: EmulatorState) -> Json:
    """All command lists, or with `scope` (+ chat_id / user_id / language_code) just one."""
    stored = [
        {"scope": scope, "language_code": language, "commands": cmds}
        for (_, language), (scope, cmds) in state.commands.items()
    ]
    if "scope" not in request.query:
        return {"scopes": stored}
    scope: Json = {"type": request.query["scope"]}
    for name in ("chat_id", "user_id"):
        if name in request.query:
            scope[name] = as_int(request.query[name], name)
    slot = (state.scope_key(scope), request.query.get("language_code", ""))
    return {"commands": state.commands.get(slot, ({}, []))[1]}


async def menu_buttons(request: web.Request, state: EmulatorState) -> Json:
    return {
        "menu_buttons": [
            {"chat_id": chat_id, "menu_button": button}
            for chat_id, button in state.menu_buttons.items()
        ]
    }


async def webhook(request: web.Request, state: EmulatorState) -> Json:
    return {"webhook": state.webhook, "pending_updates": state.updates.pending_count}


async def file_bytes(request: web.Request, state: EmulatorState) -> web.Response:
    stored = state.files.get(request.match_info["file_id"])
    if stored is None:
        raise DriverError(404, f"no file {request.match_info['file_id']}")
    content_type = stored.mime_type or "application/octet-stream"
    return web.Response(body=stored.data, content_type=content_type)
