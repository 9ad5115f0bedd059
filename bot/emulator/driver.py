"""Driver API under /_emulator/: tests (and a future phone-view page) act as users and steer.

JSON in, JSON out; errors are `{"error": "..."}` with a 4xx status. This module has the routes
that change things (users' actions, faults, options, reset) and mounts all driver routes; the
read-only ones are in `driver_views.py`. `client.py` wraps them for Python tests.
"""

from __future__ import annotations

import base64
import binascii

from aiohttp import web

from bot.emulator import actions, driver_views, groups
from bot.emulator.actions import DriverError
from bot.emulator.driver_views import PREFIX, Route, as_int, read_json, wrap
from bot.emulator.limits import DROP, DROP_AFTER_APPLY, Fault
from bot.emulator.models import Json, Message
from bot.emulator.state import EmulatorState


def _user_id(request: web.Request) -> int:
    return as_int(request.match_info["user_id"], "user_id")


def _posted(message: Message, update_id: int) -> Json:
    return {"update_id": update_id, "seq": message.seq, "message": message.to_driver()}


async def _upload(request: web.Request) -> tuple[Json, bytes]:
    """Fields and file bytes from multipart (`file` part) or JSON (`data_base64`)."""
    if request.content_type == "multipart/form-data":
        form = await request.post()
        fields: Json = {}
        data = b""
        for key, value in form.items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                fields.setdefault("file_name", value.filename)
                fields.setdefault("mime_type", value.content_type)
            else:
                fields[key] = value if isinstance(value, str) else value.decode()
        return fields, data
    body = await read_json(request)
    try:
        return body, base64.b64decode(body.get("data_base64") or "", validate=True)
    except (binascii.Error, TypeError):
        raise DriverError(400, "data_base64 is not valid base64") from None


async def reset(request: web.Request, state: EmulatorState) -> Json:
    state.reset()
    return {"ok": True}


async def get_config(request: web.Request, state: EmulatorState) -> Json:
    return state.options.to_dict()


async def set_config(request: web.Request, state: EmulatorState) -> Json:
    state.options.update(await read_json(request))
    return state.options.to_dict()


async def stats(request: web.Request, state: EmulatorState) -> Json:
    return {
        **state.stats.to_dict(),
        "pending_updates": state.updates.pending_count,
        "webhook": state.webhook_stats.to_dict(),
        "seq": state.seq,
    }


async def add_fault(request: web.Request, state: EmulatorState) -> Json:
    body = await read_json(request)
    status = body.get("status", 429)
    if status not in (DROP, DROP_AFTER_APPLY) and not (
        isinstance(status, int) and 400 <= status <= 599
    ):
        raise DriverError(400, "status must be an HTTP error status, 'drop' or 'drop_after_apply'")
    rate = body.get("rate")
    if rate is not None and not (isinstance(rate, int | float) and 0 < rate <= 1):
        raise DriverError(400, "rate must be a number in (0, 1]")
    delay = body.get("delay", 0)
    if not isinstance(delay, int | float) or delay < 0:
        raise DriverError(400, "delay must be a non-negative number of seconds")
    # A rate fault lasts until cleared unless a count is given; others fail the next `count`.
    count = body.get("count", None if rate is not None else 1)
    fault = Fault(
        method=str(body.get("method") or "*"),
        status=status,
        remaining=None if count is None else max(1, as_int(count, "count")),
        retry_after=max(1, as_int(body.get("retry_after", 1), "retry_after")),
        description=body.get("description"),
        rate=None if rate is None else float(rate),
        seed=None if body.get("seed") is None else as_int(body.get("seed"), "seed"),
        delay=float(delay),
    )
    state.faults.add(fault)
    return {"faults": state.faults.pending()}


async def list_faults(request: web.Request, state: EmulatorState) -> Json:
    return {"faults": state.faults.pending()}


async def clear_faults(request: web.Request, state: EmulatorState) -> Json:
    state.faults.clear()
    return {"faults": []}


async def create_user(request: web.Request, state: EmulatorState) -> Json:
    return actions.upsert_user(state, await read_json(request)).to_driver()


async def list_users(request: web.Request, state: EmulatorState) -> Json:
    return {"users": [u.to_driver() for u in state.users.values()]}


async def get_user(request: web.Request, state: EmulatorState) -> Json:
    return actions.user(state, _user_id(request)).to_driver()


async def user_commands(request: web.Request, state: EmulatorState) -> Json:
    return {"commands": state.effective_commands(actions.user(state, _user_id(request)))}


async def send_text(request: web.Request, state: EmulatorState) -> Json:
    body = await read_json(request)
    reply_to = body.get("reply_to_message_id")
    text = body.get("text")
    if not isinstance(text, str):
        raise DriverError(400, "text must be a string")
    reply = as_int(reply_to, "reply_to_message_id") if reply_to is not None else None
    return _posted(*actions.send_text(state, _user_id(request), text, reply))


async def tap(request: web.Request, state: EmulatorState) -> Json:
    body = await read_json(request)
    message_id = body.get("message_id")
    query, update_id = actions.tap(
        state,
        _user_id(request),
        str(body.get("label", "")),
        as_int(message_id, "message_id") if message_id is not None else None,
    )
    return {
        "update_id": update_id,
        "seq": state.seq,
        "callback_query_id": query.id,
        "data": query.data,
        "message_id": query.message_id,
    }


async def reply_button(request: web.Request, state: EmulatorState) -> Json:
    body = await read_json(request)
    label, phone = str(body.get("label", "")), body.get("phone_number")
    return _posted(*actions.press_reply_button(state, _user_id(request), label, phone))


async def contact(request: web.Request, state: EmulatorState) -> Json:
    body = await read_json(request)
    if not body.get("phone_number"):
        raise DriverError(400, "phone_number is required")
    owner = body.get("user_id")
    posted = actions.share_contact(
        state,
        _user_id(request),
        str(body["phone_number"]),
        first_name=body.get("first_name"),
        last_name=body.get("last_name"),
        contact_user_id=as_int(owner, "user_id") if owner is not None else None,
        own=bool(body.get("own", True)),
    )
    return _posted(*posted)


async def photo(request: web.Request, state: EmulatorState) -> Json:
    fields, data = await _upload(request)
    size = None
    if fields.get("width") and fields.get("height"):
        size = (as_int(fields["width"], "width"), as_int(fields["height"], "height"))
    posted = actions.send_photo(state, _user_id(request), data, fields.get("caption"), size)
    return _posted(*posted)


async def document(request: web.Request, state: EmulatorState) -> Json:
    fields, data = await _upload(request)
    posted = actions.send_document(
        state,
        _user_id(request),
        data,
        fields.get("file_name") or "document.bin",
        fields.get("mime_type"),
        fields.get("caption"),
    )
    return _posted(*posted)


async def block(request: web.Request, state: EmulatorState) -> Json:
    update_id = actions.set_blocked(state, _user_id(request), True)
    return {"update_id": update_id, "user": state.users[_user_id(request)].to_driver()}


async def unblock(request: web.Request, state: EmulatorState) -> Json:
    update_id = actions.set_blocked(state, _user_id(request), False)
    return {"update_id": update_id, "user": state.users[_user_id(request)].to_driver()}


async def create_group(request: web.Request, state: EmulatorState) -> Json:
    group, update_id = groups.add_group(state, await read_json(request))
    return {"chat": group.to_driver(), "update_id": update_id}


async def inject_update(request: web.Request, state: EmulatorState) -> Json:
    return {"update_id": actions.inject(state, await read_json(request))}


def setup_routes(app: web.Application, state: EmulatorState) -> None:
    views = driver_views
    routes: list[tuple[str, str, Route]] = [
        ("POST", "/reset", reset),
        ("GET", "/config", get_config),
        ("POST", "/config", set_config),
        ("GET", "/stats", stats),
        ("GET", "/faults", list_faults),
        ("POST", "/faults", add_fault),
        ("DELETE", "/faults", clear_faults),
        ("GET", "/users", list_users),
        ("POST", "/users", create_user),
        ("GET", "/users/{user_id}", get_user),
        ("GET", "/users/{user_id}/commands", user_commands),
        ("POST", "/users/{user_id}/messages", send_text),
        ("POST", "/users/{user_id}/tap", tap),
        ("POST", "/users/{user_id}/reply_button", reply_button),
        ("POST", "/users/{user_id}/contact", contact),
        ("POST", "/users/{user_id}/photo", photo),
        ("POST", "/users/{user_id}/document", document),
        ("POST", "/users/{user_id}/block", block),
        ("POST", "/users/{user_id}/unblock", unblock),
        ("POST", "/updates", inject_update),
        ("POST", "/groups", create_group),
        ("GET", "/chats", views.list_chats),
        ("GET", "/chats/{chat_id}/transcript", views.transcript),
        ("GET", "/chats/{chat_id}/wait", views.wait_chat),
        ("GET", "/wait", views.wait_any),
        ("GET", "/callbacks", views.list_callbacks),
        ("GET", "/callbacks/{callback_id}", views.get_callback),
        ("GET", "/commands", views.commands),
        ("GET", "/menu_buttons", views.menu_buttons),
        ("GET", "/webhook", views.webhook),
        ("GET", "/idle", views.idle),
        ("GET", "/files/{file_id}", views.file_bytes),
    ]
    for method, path, route in routes:
        app.router.add_route(method, PREFIX + path, wrap(state, route))
