"""The scheduler's outbound port on the shared renderer's `BotApi`: how reminders and other
pushes from the outbox reach Telegram, whatever the framework.

Telegram's answers become `SendResult`s: 429 -> retry after, 403 -> blocked, network (code 0)
and 5xx -> transient, any other 4xx -> rejected. An edit that is impossible becomes a new
message, as the renderer does; one that changes nothing counts as sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.botapi import BotApi, BotApiError
from bot.renderer import Renderer, inline_markup, reply_markup, send_file
from flows.reply import CommandMenu, Outgoing, Reply
from scheduler.port import SendResult


class BotApiPort:
    def __init__(self, api: BotApi) -> None:
        self.api = api

    async def send(self, message: Outgoing) -> SendResult:
        try:
            return SendResult.sent(await self._deliver(message))
        except BotApiError as error:
            return outcome(error)

    async def set_menus(self, menus: Sequence[CommandMenu]) -> None:
        await Renderer(self.api).render(Reply(menus=list(menus)))

    async def _deliver(self, message: Outgoing) -> int:
        if message.edit_message_id is not None and message.file is None:
            markup = inline_markup(message.buttons) if message.buttons else None
            try:
                await self.api.edit_message_text(
                    message.chat_id, message.edit_message_id, message.text, reply_markup=markup
                )
                return message.edit_message_id
            except BotApiError as error:
                if error.not_modified:
                    return message.edit_message_id
                if not error.edit_impossible:
                    raise
        if message.file is not None:  # a photo drawn for the outbox (the weekly card)
            return await send_file(self.api, message, reply_markup(message))
        return await self.api.send_message(
            message.chat_id,
            message.text,
            reply_markup=reply_markup(message),
            protect_content=message.protect,
        )


def outcome(error: BotApiError) -> SendResult:
    if error.code == 429:
        return SendResult.retry(error.retry_after or 1.0)
    if error.unreachable:
        return SendResult.blocked(error.description)
    if error.code == 0 or error.code >= 500:
        return SendResult.transient(error.description or f"HTTP {error.code}")
    return SendResult.rejected(error.description)
