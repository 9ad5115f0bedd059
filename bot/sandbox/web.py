"""The sandbox's web server: the page, its state, and the emulator's driver API passed through.

The page is three static files next to this module (no build step). Its script asks `/api/state`
who the phones are, reads each chat's transcript and long-polls for changes through
`/api/emulator/...` (a fixed list of driver routes, forwarded as they are), so a reload shows
exactly what the emulator holds. The sandbox's own routes add a patient, move the clock and
start over. Nothing here logs what people type.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.sandbox.texts import chrome
from bot.sandbox.world import DOCTOR_ID, DOCTOR_NAME, Sandbox

HERE = Path(__file__).parent
PAGE_FILES = {
    "sandbox.js": "text/javascript",
    "render.js": "text/javascript",
    "sandbox.css": "text/css",
}
MOST_MINUTES = 7 * 24 * 60
SANDBOX: web.AppKey[Sandbox] = web.AppKey("sandbox", Sandbox)
SESSION: web.AppKey[aiohttp.ClientSession] = web.AppKey("session", aiohttp.ClientSession)

# What the page may ask the emulator: read chats, act as a user. Not its faults, config or reset.
DRIVER_ROUTES = (
    ("GET", re.compile(r"users")),
    ("GET", re.compile(r"users/\d+/commands")),
    ("POST", re.compile(r"users/\d+/(messages|tap|reply_button|contact|photo|document)")),
    ("GET", re.compile(r"chats/\d+/(transcript|wait)")),
    ("GET", re.compile(r"wait")),
    ("GET", re.compile(r"callbacks/[\w-]+")),
    ("GET", re.compile(r"files/[\w-]+")),
)
HOP_HEADERS = ("content-type",)


def create_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(client_max_size=20 * 1024 * 1024)  # a photo or a PDF from the page
    app[SANDBOX] = sandbox
    app.cleanup_ctx.append(_session)
    app.router.add_get("/", page)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/favicon.ico", no_icon)
    app.router.add_get("/api/state", state)
    app.router.add_post("/api/patients", add_patient)
    app.router.add_post("/api/clock", move_clock)
    app.router.add_post("/api/reset", reset)
    app.router.add_route("*", "/api/emulator/{tail:.+}", driver)
    return app


async def _session(app: web.Application) -> Any:
    async with aiohttp.ClientSession() as session:
        app[SESSION] = session
        yield


async def page(_request: web.Request) -> web.StreamResponse:
    return web.FileResponse(HERE / "index.html", headers={"cache-control": "no-cache"})


async def no_icon(_request: web.Request) -> web.Response:
    return web.Response(status=204)  # browsers ask; a 404 would show as an error in the console


async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in PAGE_FILES:
        raise web.HTTPNotFound()
    headers = {"content-type": PAGE_FILES[name], "cache-control": "no-cache"}
    return web.FileResponse(HERE / name, headers=headers)


async def state(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    lang = request.query.get("lang") or sandbox.settings.default_language
    patients = [{"id": u.id, "name": u.first_name} for u in await sandbox.patients()]
    return web.json_response(
        {
            "lang": lang,
            "labels": chrome(lang, limit=sandbox.base_settings.max_requests_per_day),
            "practice": sandbox.settings.practice_name,
            "timezone": sandbox.settings.timezone,
            "doctor": {"id": DOCTOR_ID, "name": DOCTOR_NAME},
            "patients": patients,
            "clock": sandbox.clock_state(),
        }
    )


async def add_patient(request: web.Request) -> web.Response:
    user = await request.app[SANDBOX].add_patient()
    return web.json_response({"id": user.id, "name": user.first_name})


async def move_clock(request: web.Request) -> web.Response:
    """`{"minutes": N}` moves the clock by N minutes; `{"next": true}` to the next reminder."""
    sandbox = request.app[SANDBOX]
    body = await _body(request)
    due = None
    if body.get("next") is True:
        due = await sandbox.to_next_reminder()
    else:
        minutes = body.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            return _error("minutes must be a whole number")
        if not 0 < minutes <= MOST_MINUTES:
            return _error(f"minutes must be between 1 and {MOST_MINUTES}")
        await sandbox.fast_forward(timedelta(minutes=minutes))
    found = None if due is None else due.isoformat()
    return web.json_response({"clock": sandbox.clock_state(), "reminder_at": found})


async def reset(request: web.Request) -> web.Response:
    await request.app[SANDBOX].reset()
    return web.json_response({"ok": True})


async def driver(request: web.Request) -> web.StreamResponse:
    """Forward one allowed driver call to the emulator and its answer back, as they are."""
    tail = request.match_info["tail"]
    if not any(request.method == m and route.fullmatch(tail) for m, route in DRIVER_ROUTES):
        return _error("not a route the sandbox page uses", 404)
    sandbox = request.app[SANDBOX]
    url = f"{sandbox.emulator.base_url}/_emulator/{tail}"
    headers = {k: v for k, v in request.headers.items() if k.lower() in HOP_HEADERS}
    body = await request.read() if request.body_exists else None
    async with request.app[SESSION].request(
        request.method, url, params=request.query, data=body, headers=headers
    ) as answer:
        content = await answer.read()
        kept = {k: v for k, v in answer.headers.items() if k.lower() in HOP_HEADERS}
        return web.Response(body=content, status=answer.status, headers=kept)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)
