"""The renderer shared by both adapters: the engine's `Reply` turned into Bot API calls.

Each framework supplies a thin `BotApi` (see `bot.botapi`); everything about how a reply is shown
lives here: keyboards, edits in place with a new message when the edit is impossible or keeps
failing, retries of what Telegram failed to take (`bot.retrying`), protected content, files,
command menus, and what to do when a chat cannot be reached (docs/delivery.md).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.botapi import BotApi, BotApiError, Markup
from bot.retrying import Monotonic, RetryPolicy, Sleep, retrying, transient
from flows.reply import Button, CommandMenu, Delivered, KeyButton, Outgoing, Reply

log = logging.getLogger(__name__)

# Telegram takes answerCallbackQuery only for a short while after the tap (its documentation
# gives no figure; "query is too old" comes after about 15 s, counted from the tap, which was a
# little before we got the update): a second try only starts within this many seconds.
ANSWER_WINDOW = 10.0
ANSWER_PAUSE = 0.5

# Called with the chat id of someone who blocked the bot (or deleted their account).
Unreachable = Callable[[int], Awaitable[None]]


class Renderer:
    """Delivers replies; one failing message never stops the others."""

    def __init__(
        self,
        api: BotApi,
        *,
        on_unreachable: Unreachable | None = None,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self.api = api
        # Marks the patient unreachable and tells staff (the scheduler lends it at start).
        self.on_unreachable = on_unreachable
        # Told of every send and edit, so pushes leave room for replies under Telegram's overall
        # rate (the scheduler lends its rate limiter's `note` at start).
        self.on_departure: Callable[[int], None] | None = None
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.monotonic = monotonic

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
                delivered.append(
                    Delivered(message.anchor, message.chat_id, message_id, message.outbox_key)
                )
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
        """An edit in place when possible; a new message when the edit is impossible or still
        fails after its retries, so the person never stays on the screen before."""
        if _editable(message):
            assert message.edit_message_id is not None
            try:
                await self._retrying(self._edit, message, "edit")
            except BotApiError as error:
                if error.not_modified:
                    return message.edit_message_id
                if error.unreachable:
                    raise
                log.info(
                    "message %s in chat %s not edited (%s): sending a new one",
                    message.edit_message_id,
                    message.chat_id,
                    error.code,
                )
            else:
                return message.edit_message_id
        # A send that timed out may have arrived: trying again can show it twice, which is
        # better than an answer never shown (docs/delivery.md).
        sent: int = await self._retrying(self._send, message, "send")
        return sent

    async def _retrying(
        self, call: Callable[[Outgoing], Awaitable[Any]], message: Outgoing, what: str
    ) -> Any:
        return await retrying(
            lambda: call(message),
            self.policy,
            what=f"{what} in chat {message.chat_id}",
            sleep=self.sleep,
            monotonic=self.monotonic,
        )

    def _departing(self, chat_id: int) -> None:
        if self.on_departure is not None:
            self.on_departure(chat_id)

    async def _edit(self, message: Outgoing) -> None:
        assert message.edit_message_id is not None
        self._departing(message.chat_id)
        await self.api.edit_message_text(
            message.chat_id,
            message.edit_message_id,
            message.text,
            reply_markup=inline_markup(message.buttons) if message.buttons else None,
        )

    async def _send(self, message: Outgoing) -> int:
        markup = reply_markup(message)
        self._departing(message.chat_id)
        if message.file is None:
            return await self.api.send_message(
                message.chat_id, message.text, reply_markup=markup, protect_content=message.protect
            )
        return await send_file(self.api, message, markup)


def _reason(exc: Exception) -> str:
    """Telegram's own description, or only the type: other exception texts may quote ours."""
    return str(exc) if isinstance(exc, BotApiError) else type(exc).__name__


async def acknowledge(
    api: BotApi,
    callback_query_id: str,
    *,
    sleep: Sleep = asyncio.sleep,
    monotonic: Monotonic = time.monotonic,
) -> None:
    """Stop the button's spinner with an empty answer. A failure worth repeating (429, 5xx,
    network) is tried once more while Telegram may still take it; a query already too old is
    not worth an error."""
    started = monotonic()
    for attempt in (1, 2):
        try:
            await api.answer_callback_query(callback_query_id, text=None)
            return
        except BotApiError as error:
            wait = (error.retry_after or 1.0) if error.code == 429 else ANSWER_PAUSE
            late = monotonic() - started + wait > ANSWER_WINDOW
            if attempt == 2 or not transient(error) or late:
                log.info("callback query not answered: %s", error)
                return
        await sleep(wait)


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


async def send_file(api: BotApi, message: Outgoing, markup: Markup | None) -> int:
    """`message` as a photo or document, its text the caption (the renderer's and the outbox's
    one way to send a file)."""
    file = message.file
    if file is None:
        raise ValueError("the message has no file")
    source = file.file_id if file.file_id is not None else file.data
    if source is None:
        raise ValueError("a file needs a file_id or data")
    return await api.send_file(
        message.chat_id,
        file.kind,
        source,
        file_name=file.name,
        caption=message.text or None,
        reply_markup=markup,
        protect_content=message.protect,
    )
