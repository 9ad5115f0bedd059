"""The renderer's `BotApi` on python-telegram-bot: Bot API dicts in, PTB errors translated out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.botapi import BotApiError, Markup

PtbMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class PtbBotApi:
    """Thin: every call is one `telegram.Bot` method; nothing decides anything here."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    # The calls of nearly every turn go through PTB's documented `do_api_request` with the
    # renderer's Bot API JSON as it is: no PTB objects are built for the markup, and of the
    # message Telegram returns only its id is read (parsing it whole cost more than our own
    # handling of a tap). The method names are lower case, which the Bot API accepts ("all
    # methods are case-insensitive"), because PTB warns when a name it has a method for is used.

    async def send_message(
        self, chat_id: int, text: str, *, reply_markup: Markup | None, protect_content: bool
    ) -> int:
        params: dict[str, object] = {"chat_id": chat_id, "text": text}
        if reply_markup is not None:
            params["reply_markup"] = reply_markup
        if protect_content:
            params["protect_content"] = True
        async with translated():
            sent = await self.bot.do_api_request("sendmessage", api_kwargs=params)
        return int(sent["message_id"])

    async def edit_message_text(
        self, chat_id: int, message_id: int, text: str, *, reply_markup: Markup | None
    ) -> None:
        if reply_markup is not None and "inline_keyboard" not in reply_markup:
            raise ValueError("an edited message takes inline buttons only")
        params: dict[str, object] = {"chat_id": chat_id, "message_id": message_id, "text": text}
        if reply_markup is not None:
            params["reply_markup"] = reply_markup
        async with translated():
            await self.bot.do_api_request("editmessagetext", api_kwargs=params)

    async def send_file(
        self,
        chat_id: int,
        kind: str,
        file: str | bytes,
        *,
        file_name: str | None,
        caption: str | None,
        reply_markup: Markup | None,
        protect_content: bool,
    ) -> int:
        send = self.bot.send_photo if kind == "photo" else self.bot.send_document
        async with translated():
            sent = await send(
                chat_id,
                file,
                filename=file_name,
                caption=caption,
                reply_markup=to_ptb(reply_markup),
                protect_content=protect_content,
            )
        return sent.message_id

    async def answer_callback_query(self, callback_query_id: str, *, text: str | None) -> None:
        params: dict[str, object] = {"callback_query_id": callback_query_id}
        if text is not None:
            params["text"] = text
        async with translated():
            await self.bot.do_api_request("answercallbackquery", api_kwargs=params)

    async def set_my_commands(
        self, commands: list[tuple[str, str]], *, chat_id: int | None, language_code: str | None
    ) -> None:
        async with translated():
            await self.bot.set_my_commands(
                [BotCommand(name, description) for name, description in commands],
                scope=_scope(chat_id),
                language_code=language_code,
            )

    async def delete_my_commands(self, *, chat_id: int | None, language_code: str | None) -> None:
        async with translated():
            await self.bot.delete_my_commands(scope=_scope(chat_id), language_code=language_code)

    async def leave_chat(self, chat_id: int) -> None:
        async with translated():
            await self.bot.leave_chat(chat_id)


def _scope(chat_id: int | None) -> BotCommandScopeChat | None:
    return BotCommandScopeChat(chat_id) if chat_id is not None else None


@asynccontextmanager
async def translated() -> AsyncIterator[None]:
    """PTB's exceptions as `BotApiError`, the only error the shared renderer knows."""
    try:
        yield
    except RetryAfter as exc:
        raise BotApiError(429, "Too Many Requests", retry_after=retry_seconds(exc)) from None
    except Forbidden as exc:
        raise BotApiError(403, exc.message) from None
    except BadRequest as exc:
        raise BotApiError(400, exc.message) from None
    except InvalidToken as exc:
        raise BotApiError(401, exc.message) from None
    except Conflict as exc:
        raise BotApiError(409, exc.message) from None
    except NetworkError as exc:
        # TimedOut, a dropped connection, and every 5xx (PTB reports those as NetworkError with
        # Telegram's description only): code 0, worth retrying. A timeout may still have reached
        # Telegram; the renderer decides what that means (docs/delivery.md).
        raise BotApiError(0, exc.message) from None
    except TelegramError as exc:  # ChatMigrated, EndPointNotFound, ...: retrying will not help
        raise BotApiError(400, exc.message) from None


def retry_seconds(exc: RetryAfter) -> float:
    # An int today, a timedelta once PTB_TIMEDELTA is on (as `runner` sets it).
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def to_ptb(markup: Markup | None) -> PtbMarkup | None:
    """The renderer's Bot API JSON markup as PTB objects."""
    if markup is None:
        return None
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        return InlineKeyboardMarkup([[InlineKeyboardButton(**b) for b in row] for row in rows])
    if "keyboard" in markup:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(**b) for b in row] for row in markup["keyboard"]],
            resize_keyboard=markup.get("resize_keyboard"),
            one_time_keyboard=markup.get("one_time_keyboard"),
        )
    if markup.get("remove_keyboard"):
        return ReplyKeyboardRemove()
    raise ValueError("unknown reply markup")
