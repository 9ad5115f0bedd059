"""The webhook server both adapters share: Telegram POSTs updates here when FRONTDESK_WEBHOOK_URL
is set.

One small aiohttp server rather than each framework's own: PTB's needs tornado and aiogram's
`SimpleRequestHandler` answers either before the update is safe (in the background) or after it
was fully handled. Here the answer is 200 as soon as `Feed.accept` has journalled the update and
started it, so Telegram is answered in milliseconds and a `kill -9` right after loses nothing. A
request without the right `X-Telegram-Bot-Api-Secret-Token` gets 403 and is not even read; a
journal failure gets 500, and Telegram sends the update again later. A repeated update_id is
answered 200 and not handled again (the feed's journal knows it). A body without a usable
update_id gets 400; one with an update_id that the framework cannot read is journalled, set aside
and answered 200 (sending it again would not help). Refused requests are counted, not logged one
by one (anyone who can reach the port could fill the log): a summary at most once a minute.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from bot.feed import Feed, parse_one
from flows.settings import Settings

log = logging.getLogger(__name__)

U = TypeVar("U")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_UPDATE_BYTES = 1024 * 1024
# Requests in hand when stopping get this long to be journalled before connections close.
SHUTDOWN_SECONDS = 5.0
REFUSALS_EVERY_SECONDS = 60.0


class Refusals:
    """Refused requests by reason, logged as one line at most every `every` seconds."""

    def __init__(
        self, *, every: float = REFUSALS_EVERY_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.every = every
        self.clock = clock
        self.counts: Counter[str] = Counter()
        self._last: float | None = None

    def add(self, reason: str) -> None:
        self.counts[reason] += 1
        self.flush()

    def flush(self, *, force: bool = False) -> None:
        now = self.clock()
        if not self.counts or not (force or self._last is None or now - self._last >= self.every):
            return
        summary = ", ".join(f"{count} {reason}" for reason, count in sorted(self.counts.items()))
        log.warning("webhook requests refused: %s", summary)
        self.counts.clear()
        self._last = now


class WebhookServer(Generic[U]):
    """Listens on FRONTDESK_WEBHOOK_HOST:PORT at the path of FRONTDESK_WEBHOOK_URL."""

    def __init__(
        self, feed: Feed[U], parse: Callable[[dict[str, Any]], U], settings: Settings
    ) -> None:
        self.feed = feed
        self.parse = parse
        self.path = urlsplit(settings.webhook_url).path or "/"
        self.host = settings.webhook_host
        self.port = settings.webhook_port
        self._secret = settings.webhook_token().encode()
        self._runner: web.AppRunner | None = None
        self.refusals = Refusals()

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_post(self.path, self.receive)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        self._runner = runner
        log.info("webhook server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening, let the requests in hand finish, close the connections."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
            self.refusals.flush(force=True)
            log.info("webhook server stopped")

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secrets.compare_digest(given, self._secret):
            self.refusals.add("without the secret token")
            return web.Response(status=403)
        try:
            body = await request.json()
        except Exception:  # not JSON: sending it again would not help
            self.refusals.add("not JSON")
            return web.Response(status=400)
        update = parse_one(body, self.parse)
        if update is None:
            self.refusals.add("without an update_id")
            return web.Response(status=400)
        try:
            await self.feed.accept([update])
        except Exception as exc:  # nothing confirmed: Telegram sends it again later
            log.error("journalling a webhook update failed: %s", type(exc).__name__)
            return web.Response(status=500)
        return web.Response(status=200)
