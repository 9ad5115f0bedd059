"""The aiohttp application: Bot API routing, Telegram's response envelopes, latency and faults.

Routes: `/bot{token}/{method}` (any HTTP method, method names case-insensitive) and
`/file/bot{token}/{file_path}` for downloads; the driver API is mounted from `driver.py`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from aiohttp import web

from bot.emulator import driver, groups, media, messages, methods
from bot.emulator.errors import NOT_FOUND, UNAUTHORIZED, ApiError, too_many_requests
from bot.emulator.limits import DROP, DROP_AFTER_APPLY, FLOOD_METHODS, Fault
from bot.emulator.methods import Handler
from bot.emulator.params import Params, parse_params
from bot.emulator.state import EmulatorState

log = logging.getLogger(__name__)

STATE: web.AppKey[EmulatorState] = web.AppKey("emulator_state", EmulatorState)
MAX_REQUEST_BYTES = 64 * 1024 * 1024
METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler)
    for name, handler in {
        **methods.HANDLERS,
        **messages.HANDLERS,
        **media.HANDLERS,
        **groups.HANDLERS,
    }.items()
}
_BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def _json(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))


def _error(state: EmulatorState, error: ApiError) -> web.Response:
    state.stats.errors[error.code] += 1
    if error.code == 429:
        state.stats.responses_429 += 1
    return _json(error.payload(), status=error.code)


async def _inject(request: web.Request, state: EmulatorState, fault: Fault) -> web.StreamResponse:
    name = request.match_info["method"]
    state.stats.injected_faults += 1
    state.stats.injected[f"{METHODS[name.lower()][0]} {fault.status}"] += 1
    log.debug("injecting fault %s into %s", fault.status, name)
    if fault.status in (DROP, DROP_AFTER_APPLY):
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        if request.transport is not None:
            request.transport.abort()
        # Nothing can be sent any more; aiohttp discards this response on a closed transport.
        return web.Response(status=500)
    if fault.status == 429:
        return _error(state, too_many_requests(fault.retry_after))
    if fault.status == 502:
        state.stats.errors[502] += 1
        return web.Response(status=502, text=_BAD_GATEWAY, content_type="text/html")
    status = int(fault.status)
    description = fault.description or {500: "Internal Server Error"}.get(status, "Bad Request")
    return _error(state, ApiError(status, description))


def _chat_id(params: Params) -> int | None:
    try:
        return params.chat_id(required=False)
    except ApiError:
        return None


async def bot_api(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    if request.match_info["token"] != state.bot.token:
        return _error(state, ApiError(401, UNAUTHORIZED))
    entry = METHODS.get(request.match_info["method"].lower())
    if entry is None:
        return _error(state, ApiError(404, NOT_FOUND))
    name, handler = entry
    state.stats.calls[name] += 1
    if name == "getUpdates":
        return await _answer(request, state, name, handler)
    state.calls_in_flight += 1
    try:
        return await _answer(request, state, name, handler)
    finally:
        state.calls_in_flight -= 1
        state.last_call_done = asyncio.get_running_loop().time()
        state.changed.notify()


async def _answer(
    request: web.Request, state: EmulatorState, name: str, handler: Handler
) -> web.StreamResponse:
    if state.options.latency_ms > 0:
        await asyncio.sleep(state.options.latency_ms / 1000)
    fault = state.faults.take(name)
    if fault is not None and fault.status != DROP_AFTER_APPLY:
        return await _inject(request, state, fault)
    try:
        params = await parse_params(request)
        if name.lower() in FLOOD_METHODS:
            retry_after = state.flood.check(_chat_id(params), time.monotonic())
            if retry_after is not None:
                state.stats.flood_429 += 1
                raise too_many_requests(retry_after)
        result = await handler(state, params)
    except ApiError as error:
        log.debug("%s failed with %s", name, error.code)
        if fault is not None:  # the answer, an error here, is lost all the same
            return await _inject(request, state, fault)
        return _error(state, error)
    if fault is not None:  # applied: only the answer never arrives
        return await _inject(request, state, fault)
    return _json({"ok": True, "result": result})


async def download(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    if request.match_info["token"] != state.bot.token:
        return _error(state, ApiError(401, UNAUTHORIZED))
    stored = state.files_by_path.get(request.match_info["file_path"])
    if stored is None:
        return _error(state, ApiError(404, NOT_FOUND))
    return web.Response(body=stored.data, content_type="application/octet-stream")


def create_app(state: EmulatorState) -> web.Application:
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[STATE] = state
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{file_path:.+}", download)
    driver.setup_routes(app, state)
    return app
