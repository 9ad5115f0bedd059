"""The aiogram 3 adapter: `run(app)` serves the front desk by long polling or webhook."""

from bot.aiogram.schemas import import_aiogram

# Before any module of this adapter imports aiogram: its models' schemas built on first use.
import_aiogram()

from bot.aiogram.runner import build_bot, run  # noqa: E402

__all__ = ["build_bot", "run"]
