"""`Emulator`: starts and stops the emulator server inside the current event loop.

async with Emulator(token="123:ABC", port=0) as emu:
    bot_base_url = emu.base_url  # the bot calls f"{emu.base_url}/bot{token}/{method}"
"""

from __future__ import annotations

import logging
from types import TracebackType

from aiohttp import web

from bot.emulator.models import BotIdentity
from bot.emulator.options import EmulatorOptions
from bot.emulator.server import create_app
from bot.emulator.state import EmulatorState

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:EMULATOR-test-token_0123456789abcdefgh"  # noqa: S105 (fake)


def bot_id_from_token(token: str) -> int:
    """Telegram tokens start with the bot's id: `123456789:secret`."""
    head, sep, secret = token.partition(":")
    if not sep or not head.isdigit() or not secret:
        raise ValueError("a bot token looks like 123456789:secret")
    return int(head)


class Emulator:
    """The emulator server, bound to host:port (port 0 picks a free one)."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: float = 0.0,
        *,
        bot_username: str = "frontdesk_test_bot",
        bot_first_name: str = "Front Desk",
        bot_id: int | None = None,
        options: EmulatorOptions | None = None,
    ) -> None:
        self.options = options or EmulatorOptions()
        self.options.latency_ms = latency_ms or self.options.latency_ms
        identity = BotIdentity(
            token=token,
            id=bot_id if bot_id is not None else bot_id_from_token(token),
            username=bot_username,
            first_name=bot_first_name,
        )
        self.state = EmulatorState(identity, self.options)
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def token(self) -> str:
        return self.state.bot.token

    @property
    def base_url(self) -> str:
        """Root URL: Bot API calls go to `{base_url}/bot{token}/{method}`."""
        if self._runner is None:
            raise RuntimeError("the emulator is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        """`{base_url}/bot`, the form python-telegram-bot's `base_url` expects."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        """`{base_url}/file/bot`, the form python-telegram-bot's `base_file_url` expects."""
        return f"{self.base_url}/file/bot"

    async def start(self) -> None:
        if self._runner is not None:
            return
        self.state.reopen()
        runner = web.AppRunner(create_app(self.state), access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        log.info("Bot API emulator at %s (bot @%s)", self.base_url, self.state.bot.username)

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.state.close()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
