"""Groups and channels are no place for health data: the bot says so once where it may write
(a group), and leaves. The same for both adapters; they only tell it where it was found."""

from __future__ import annotations

import logging

from bot.botapi import BotApi, BotApiError
from bot.renderer import Renderer
from flows.engine import FrontDesk
from flows.reply import Outgoing, Reply

log = logging.getLogger(__name__)

# Shown once in a group before leaving it: the front desk only works in a private chat.
PRIVATE_ONLY = "chat.private_only"
# Groups already told, kept in memory only to never say it twice while a leave is retried.
TOLD_KEPT = 10_000


class Groups:
    def __init__(self, desk: FrontDesk, api: BotApi, renderer: Renderer) -> None:
        self.desk = desk
        self.api = api
        self.renderer = renderer
        self._told: set[int] = set()

    async def leave(self, chat_id: int, *, language_code: str | None, say: bool) -> None:
        """Say the line once (when `say`: a group, not a channel's subscribers), then leave."""
        catalog = self.desk.catalog
        if say and chat_id not in self._told and catalog.has(PRIVATE_ONLY):
            if len(self._told) >= TOLD_KEPT:
                self._told.clear()
            self._told.add(chat_id)
            text = catalog.text(PRIVATE_ONLY, catalog.language_of(language_code))
            try:
                await self.renderer.render(Reply([Outgoing(chat_id=chat_id, text=text)]))
            except BotApiError as error:  # it may not write there: leaving matters more
                log.info("the private-only line was not delivered (%s)", error.description)
        try:
            await self.api.leave_chat(chat_id)
        except BotApiError as error:
            if error.unreachable:  # no longer a member: already gone
                return
            log.warning("leaving a group or channel failed (%s)", error.description)
