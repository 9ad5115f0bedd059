"""Local Telegram Bot API emulator: an aiohttp server that answers like api.telegram.org.

It lets the front desk bot run end to end in tests and benchmarks with no network: the bot talks
to `{base_url}/bot{token}/{method}` as it would to Telegram, while tests act as patients through
the driver API under `{base_url}/_emulator/` (see `client.EmulatorClient`).
"""

from bot.emulator.client import EmulatorClient
from bot.emulator.client_types import (
    CallbackAnswer,
    ChatMessage,
    EmulatorError,
    EmulatorUser,
    WaitResult,
)
from bot.emulator.options import EmulatorOptions
from bot.emulator.runner import Emulator

__all__ = [
    "CallbackAnswer",
    "ChatMessage",
    "Emulator",
    "EmulatorClient",
    "EmulatorError",
    "EmulatorOptions",
    "EmulatorUser",
    "WaitResult",
]
