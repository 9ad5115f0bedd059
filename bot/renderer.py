"""The renderer shared by both adapters: the engine's `Reply` turned into Bot API calls.

Each framework supplies a thin `BotApi` (see `bot.botapi`); everything about how a reply is shown
lives here: keyboards, edits in place with a new message when the edit is impossible, protected
content, files, command menus, and what to do when a chat cannot be reached.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.botapi import BotApi, BotApiError, Markup
from flows.reply import Button, CommandMenu, Delivered, KeyButton, Outgoing, Reply

log = logging.getLogger(__name__)

# Called with the chat id of someone who blocked the bot (or deleted their account).
Unreachable = Callable[[int], Awaitable[None]]


class Renderer:
    """Delivers replies; one failing message never stops the others."""

    def __init__(
        self,
        api: BotApi,
        *,
        on_unreachable: Unreachable | None = None,
        retries: int = 2,
        longest_wait: float = 30.0,
    ) -> None:
        self.api = api
        # The hook where a later issue marks the patient unreachable and tells staff.
        self.on_unreachable = on_unreachable
        self.retries = retries
        self.longest_wait = longest_wait

    async def render(self, reply: Reply) -> list[Delivered]:
        delivered: list[Delivered] = []
        unreachable: set[int] = set()
        for message in reply.messages:
            if message.chat_id in unreachable:
                continue
            try:
                message_id = await self._deliver(message)
            except BotApiError as error:
                if error.unreachable:
                    unreachable.add(message.chat_id)
                    await self.report_unreachable(message.chat_id)
                    continue
                log.warning("message to chat %s not delivered: %s", message.chat_id, error)
                continue
            except Exception as exc:  # one message must not stop the others
                log.error("message to chat %s not delivered: %s", message.chat_id, _reason(exc))
                continue
            if message.anchor is not None:
                delivered.append(Delivered(message.anchor, message.chat_id, message_id))
        for menu in reply.menus:
            await self._set_menu(menu)
        return delivered

    async def _set_menu(self, menu: CommandMenu) -> None:
        """A command list; an empty one removes the chat's own, so the default shows again."""
        chat_id, language = menu.chat_id, menu.language
        try:
            if menu.commands:
                commands = list(menu.commands)
                await self.api.set_my_commands(commands, chat_id=chat_id, language_code=language)
            else:
                await self.api.delete_my_commands(chat_id=chat_id, language_code=language)
        except Exception as exc:  # the messages' anchors must still be returned
            log.warning("command menu for chat %s not set: %s", chat_id, _reason(exc))

    async def report_unreachable(self, chat_id: int) -> None:
        log.info("chat %s is unreachable (the bot was blocked)", chat_id)
        if self.on_unreachable is None:
            return
        try:
            await self.on_unreachable(chat_id)
        except Exception as exc:  # the hook must not break delivery
            log.error("unreachable hook failed for chat %s: %s", chat_id, type(exc).__name__)

    async def _deliver(self, message: Outgoing) -> int:
        if _editable(message):
            assert message.edit_message_id is not None
            try:
                await self._retrying(self._edit, message)
            except BotApiError as error:
                if error.not_modified:
                    return message.edit_message_id
                if not error.edit_impossible:
                    raise
                log.info(
                    "message %s in chat %s cannot be edited: sending a new one",
                    message.edit_message_id,
                    message.chat_id,
                )
            else:
                return message.edit_message_id
        return await self._retrying(self._send, message)

    async def _retrying(self, call: Callable[[Outgoing], Awaitable[Any]], message: Outgoing) -> Any:
        """Honour Telegram's retry_after a few times; a longer wait is left to the caller."""
        attempt = 0
        while True:
            try:
                return await call(message)
            except BotApiError as error:
                wait = error.retry_after
                if wait is None or wait > self.longest_wait or attempt >= self.retries:
                    raise
                log.info("flood control on chat %s: retrying in %ss", message.chat_id, wait)
                await asyncio.sleep(wait)
            attempt += 1

    async def _edit(self, message: Outgoing) -> None:
        assert message.edit_message_id is not None
        await self.api.edit_message_text(
            message.chat_id,
            message.edit_message_id,
            message.text,
            reply_markup=inline_markup(message.buttons) if message.buttons else None,
        )

    async def _send(self, message: Outgoing) -> int:
        markup = reply_markup(message)
        if message.file is None:
            return await self.api.send_message(
                message.chat_id, message.text, reply_markup=markup, protect_content=message.protect
            )
        file = message.file
        send = self.api.send_photo if file.kind == "photo" else self.api.send_document
        source = file.file_id if file.file_id is not None else file.data
        if source is None:
            raise ValueError("a file needs a file_id or data")
        return await send(
            message.chat_id,
            source,
            file_name=file.name,
            caption=message.text or None,
            reply_markup=markup,
            protect_content=message.protect,
        )


def _reason(exc: Exception) -> str:
    """Telegram's own description, or only the type: other exception texts may quote ours."""
    return str(exc) if isinstance(exc, BotApiError) else type(exc).__name__


async def acknowledge(api: BotApi, callback_query_id: str) -> None:
    """Stop the button's spinner with an empty answer; a too-old query is not worth an error."""
    try:
        await api.answer_callback_query(callback_query_id, text=None)
    except BotApiError as error:
        log.info("callback query not answered: %s", error)


def _editable(message: Outgoing) -> bool:
    """Edits carry only text and inline buttons; protected content is never put in an old,
    unprotected message: those cases are sent as new messages."""
    return (
        message.edit_message_id is not None
        and message.file is None
        and not message.keyboard
        and not message.remove_keyboard
        and not message.protect
    )


def reply_markup(message: Outgoing) -> Markup | None:
    """One markup per message: inline buttons, else a reply keyboard, else its removal."""
    if message.buttons and (message.keyboard or message.remove_keyboard):
        log.warning("chat %s: buttons and a reply keyboard in one message", message.chat_id)
    if message.buttons:
        return inline_markup(message.buttons)
    if message.keyboard:
        return keyboard_markup(message.keyboard)
    if message.remove_keyboard:
        return {"remove_keyboard": True}
    return None


def inline_markup(rows: tuple[tuple[Button, ...], ...]) -> Markup:
    return {"inline_keyboard": [[_inline_button(button) for button in row] for row in rows]}


def _inline_button(button: Button) -> dict[str, str]:
    target = {"url": button.url} if button.url is not None else {"callback_data": button.data or ""}
    return {"text": button.label, **target}


def keyboard_markup(rows: tuple[tuple[KeyButton, ...], ...]) -> Markup:
    keyboard = [
        [{"text": key.label, **({"request_contact": True} if key.contact else {})} for key in row]
        for row in rows
    ]
    return {"keyboard": keyboard, "resize_keyboard": True, "one_time_keyboard": True}
