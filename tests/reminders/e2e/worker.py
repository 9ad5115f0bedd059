"""The bot with its scheduler, as a process of its own (for the SIGKILL test and the benchmark),
like `frontdesk run` but with the logging set here. Settings come from the environment, and so
does the clock (`bootstrap` honours FRONTDESK_CLOCK, which the test sets to its own moment).

    python -m tests.reminders.e2e.worker
"""

from __future__ import annotations

import asyncio
import logging

from bot.bootstrap import bootstrap
from flows.settings import Settings
from tests.reminders.botapi_port import run_of


async def main() -> None:
    settings = Settings()
    app = await bootstrap(settings)
    try:
        run = run_of(settings.telegram_framework)
        await run(app, on_unreachable=app.scheduler.on_unreachable)
    finally:
        await app.scheduler.shutdown()
        await app.close()


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(main())
