"""The webhook server both adapters share: Telegram POSTs updates here when FRONTDESK_WEBHOOK_URL
is set.

One small aiohttp server rather than each framework's own: PTB's needs tornado and aiogram's
`SimpleRequestHandler` answers either before the update is safe (in the background) or after it
was fully handled. Here the answer is 200 as soon as `Feed.accept` has journalled the update and
started it, so Telegram is answered in milliseconds and a `kill -9` right after loses nothing. A
request without the right `X-Telegram-Bot-Api-Secret-Token` gets 403 and is not even read; a
journal failure gets 500, and Telegram sends the update again later. A repeated update_id is
answered 200 and not handled again (the feed's journal knows it).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from bot.feed import Feed
from flows.settings import Settings

log = logging.getLogger(__name__)

U = TypeVar("U")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_UPDATE_BYTES = 1024 * 1024
# Requests in hand when stopping get this long to be journalled before connections close.
SHUTDOWN_SECONDS = 5.0


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
            log.info("webhook server stopped")

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secrets.compare_digest(given, self._secret):
            log.warning("webhook request refused: wrong or missing secret token")
            return web.Response(status=403)
        try:
            update = self.parse(await request.json())
        except Exception as exc:  # not an update: sending it again would not help
            log.warning("webhook request refused: not an update (%s)", type(exc).__name__)
            return web.Response(status=400)
        try:
            await self.feed.accept([update])
        except Exception as exc:  # nothing confirmed: Telegram sends it again later
            log.error("journalling a webhook update failed: %s", type(exc).__name__)
            return web.Response(status=500)
        return web.Response(status=200)
