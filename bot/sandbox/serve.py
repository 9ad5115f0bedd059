"""`frontdesk sandbox` at run time: the page's server bound first, then the sandbox, until the
bot stops (Ctrl-C or SIGTERM reach the adapter, which stops serving; then everything closes)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot.sandbox.web import create_app
from bot.sandbox.world import Sandbox, SandboxConfig
from flows.settings import Settings


def page_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


async def serve_sandbox(
    settings: Settings,
    config: SandboxConfig,
    *,
    host: str,
    port: int,
    on_ready: Callable[[str, Sandbox], None],
) -> None:
    """Serve the page on host:port (0: a free port) until the sandbox's bot stops."""
    sandbox = Sandbox(settings, config)
    runner = web.AppRunner(create_app(sandbox), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        # Bound before the bot starts: a busy port fails at once, with nothing else touched.
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = int(runner.addresses[0][1])
        async with sandbox:
            on_ready(page_url(host, bound), sandbox)
            await sandbox.done.wait()
    finally:
        await runner.cleanup()
