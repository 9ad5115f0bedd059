"""The aiogram 3 adapter: `run(app)` serves the front desk by long polling or webhook."""

from bot.aiogram.runner import build_bot, run

__all__ = ["build_bot", "run"]
