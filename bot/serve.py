"""`frontdesk run`: build the app and serve it with the configured framework until stopped.

`--emulator` serves a local Bot API emulator in the same process and points the bot at it, so a
newcomer can try the whole front desk with no Telegram account and no token.
"""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack

from bot.bootstrap import bootstrap
from flows.settings import Settings

log = logging.getLogger(__name__)


class CannotServe(RuntimeError):
    """A configuration the bot cannot serve; the message is for the admin."""


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """Before anything logs: the chatty libraries would print SQL parameters and request URLs
    (message texts, the button-signing key, the token) at DEBUG."""
    logging.basicConfig(level=level, format=LOG_FORMAT)
    from bot.runtime import quiet_loggers

    quiet_loggers()


async def serve(settings: Settings, *, emulator_port: int | None = None) -> None:
    async with AsyncExitStack() as stack:
        if emulator_port is not None:
            settings = await _with_emulator(stack, settings, emulator_port)
        app = await bootstrap(settings)
        stack.push_async_callback(app.close)
        if settings.telegram_framework == "aiogram":
            from bot.aiogram import run
        else:
            from bot.ptb import run
        await run(app)


async def _with_emulator(stack: AsyncExitStack, settings: Settings, port: int) -> Settings:
    from bot.emulator import Emulator
    from bot.emulator.runner import DEFAULT_TOKEN

    emulator = await stack.enter_async_context(
        Emulator(token=DEFAULT_TOKEN, host="127.0.0.1", port=port)
    )
    log.info(
        "Bot API emulator at %s; play a patient through its driver API, e.g.: "
        "curl -X POST %s/_emulator/users/42/messages -H 'content-type: application/json' "
        '-d \'{"text": "/start"}\'  then  curl %s/_emulator/chats/42/transcript',
        emulator.base_url,
        emulator.base_url,
        emulator.base_url,
    )
    return settings.model_copy(
        update={
            "telegram_bot_token": Settings(
                _env_file=None,
                TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,  # type: ignore[call-arg]
            ).telegram_bot_token,
            "telegram_api_base_url": emulator.base_url,
        }
    )
