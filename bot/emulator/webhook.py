"""Webhook delivery: while a webhook is set, queued updates are POSTed to it instead of waiting
for getUpdates, the way Telegram does it.

Each update goes as JSON with `X-Telegram-Bot-Api-Secret-Token` when a secret was registered.
Any 2xx answer confirms it (it leaves the queue); anything else — another status, a refused
connection, a timeout — leaves it queued and it is sent again after a growing pause
(`webhook_retry_first_s`, doubling up to `webhook_retry_max_s`), with the failure shown by
getWebhookInfo's `last_error_message`. One chat's updates go one at a time and in order; up to
`max_connections` requests are in flight over all chats. Deleting the webhook stops delivery;
what was not confirmed stays for getUpdates.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

import aiohttp

from bot.emulator.models import Json
from bot.emulator.options import EmulatorOptions
from bot.emulator.updates import Pending, UpdateQueue

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


@dataclass
class WebhookStats:
    delivered: int = 0
    failed: int = 0
    last_error_date: int | None = None
    last_error_message: str | None = None
    statuses: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> Json:
        return {
            "delivered": self.delivered,
            "failed": self.failed,
            "statuses": dict(self.statuses),
            "last_error_message": self.last_error_message,
        }


def chat_key(body: Json) -> int | None:
    """The chat an update belongs to, for per-chat order (None: no order to keep)."""
    for kind in ("message", "edited_message", "my_chat_member", "chat_member"):
        chat = (body.get(kind) or {}).get("chat")
        if chat is not None:
            return int(chat["id"])
    sender = (body.get("callback_query") or {}).get("from")
    return int(sender["id"]) if sender is not None else None


class WebhookSender:
    """Delivers from `queue` to `url` until stopped."""

    def __init__(
        self,
        queue: UpdateQueue,
        options: EmulatorOptions,
        stats: WebhookStats,
        *,
        url: str,
        secret: str | None,
        max_connections: int,
    ) -> None:
        self.queue = queue
        self.options = options
        self.stats = stats
        self.url = url
        self.secret = secret
        self.max_connections = max(1, max_connections)
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._retry_at: dict[int, float] = {}
        self._attempts: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._task = asyncio.create_task(self._run())

    def stop(self) -> None:
        """Stop delivering; requests in flight are abandoned, their updates stay queued."""
        if self._task is not None:
            self._task.cancel()
        for task in self._in_flight.values():
            task.cancel()
        session, self._session = self._session, None
        if session is not None:
            asyncio.get_running_loop().create_task(session.close())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            wake = self._start_ready(loop.time())
            await self.queue.changed.wait(max(0.005, wake - loop.time()))

    def _start_ready(self, now: float) -> float:
        """Start what may go now; returns when a paused retry is due (or in a second)."""
        wake = now + 1.0
        waiting: set[int] = set()
        for item in self.queue.ready():
            key = chat_key(item.body)
            if key is not None:
                if key in waiting:
                    continue
                waiting.add(key)  # the chat's later updates wait for this one
            if item.update_id in self._in_flight:
                continue
            retry_at = self._retry_at.get(item.update_id, 0.0)
            if retry_at > now:
                wake = min(wake, retry_at)
                continue
            if len(self._in_flight) >= self.max_connections:
                break
            task = asyncio.create_task(self._post(item))
            self._in_flight[item.update_id] = task
        return wake

    async def _post(self, item: Pending) -> None:
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        timeout = aiohttp.ClientTimeout(total=self.options.webhook_timeout_s)
        problem: str | None = None
        try:
            assert self._session is not None
            async with self._session.post(
                self.url, json=item.body, headers=headers, timeout=timeout
            ) as response:
                status = str(response.status)
                self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
                if not 200 <= response.status < 300:
                    problem = (
                        f"Wrong response from the webhook: {response.status} {response.reason}"
                    )
        except (aiohttp.ClientError, OSError) as exc:
            problem = f"Connection failed: {type(exc).__name__}"
        except TimeoutError:
            problem = "Read timeout expired"
        finally:
            self._in_flight.pop(item.update_id, None)
        if problem is None:
            self.queue.remove(item)
            self._retry_at.pop(item.update_id, None)
            self._attempts.pop(item.update_id, None)
            self.stats.delivered += 1
        else:
            attempts = self._attempts.get(item.update_id, 0) + 1
            self._attempts[item.update_id] = attempts
            pause = self.options.webhook_retry_first_s * 2 ** (attempts - 1)
            loop = asyncio.get_running_loop()
            self._retry_at[item.update_id] = loop.time() + min(
                pause, self.options.webhook_retry_max_s
            )
            self.stats.failed += 1
            self.stats.last_error_date = int(time.time())
            self.stats.last_error_message = problem
            log.debug("webhook delivery of %s failed: %s", item.update_id, problem)
        self.queue.changed.notify()
