"""The python-telegram-bot 22 adapter: `run(app)` serves the front desk by long polling."""

from bot.ptb.runner import build_application, run

__all__ = ["build_application", "run"]
