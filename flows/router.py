"""Routing a turn: an ordered list of handlers (patients have one, staff another), each saying
whether it handled the turn.

The idea of aiogram's routers, without aiogram: the first handler that answers True ends the
search, one that answers False passes the turn on to the next. What a handler does not answer
at all it leaves to the base class, which passes. The lists themselves are written out in the
composition root (`bot/bootstrap.py`), so the order in which a turn is offered is read in one
place.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.events import CommandIn
from flows.turn import Turn


class Handler:
    """One link of a router. Each method answers True when it handled the turn."""

    async def on_command(self, turn: Turn, command: CommandIn) -> bool:
        return False

    async def on_tap(self, turn: Turn, code: str) -> bool:
        """A button of the current menu (already checked: signed, this chat, not stale)."""
        return False

    async def on_global(self, turn: Turn, code: str) -> bool:
        """A button that outlives menus, e.g. a status card's Cancel."""
        return False

    async def on_input(self, turn: Turn) -> bool:
        return False

    async def show_current(self, turn: Turn, notice: str | None = None) -> bool:
        """Show where this person stands (after an error, or a tap on an expired menu)."""
        return False


class Router(Handler):
    """Routes made of handlers tried in order; itself a handler, so routers can nest."""

    def __init__(self, handlers: Sequence[Handler], *, redisplay_after_error: bool = True) -> None:
        self.handlers = tuple(handlers)
        # After a refused action: show the screen again (patients), or only the refusal (staff).
        self.redisplay_after_error = redisplay_after_error

    async def on_command(self, turn: Turn, command: CommandIn) -> bool:
        for handler in self.handlers:
            if await handler.on_command(turn, command):
                return True
        return False

    async def on_tap(self, turn: Turn, code: str) -> bool:
        for handler in self.handlers:
            if await handler.on_tap(turn, code):
                return True
        return False

    async def on_global(self, turn: Turn, code: str) -> bool:
        for handler in self.handlers:
            if await handler.on_global(turn, code):
                return True
        return False

    async def on_input(self, turn: Turn) -> bool:
        for handler in self.handlers:
            if await handler.on_input(turn):
                return True
        return False

    async def show_current(self, turn: Turn, notice: str | None = None) -> bool:
        for handler in self.handlers:
            if await handler.show_current(turn, notice):
                return True
        return False
