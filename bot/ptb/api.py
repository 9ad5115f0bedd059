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
    RetryAfter,
    TelegramError,
)

from bot.botapi import BotApiError, Markup

PtbMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class PtbBotApi:
    """Thin: every call is one `telegram.Bot` method; nothing decides anything here."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_message(
        self, chat_id: int, text: str, *, reply_markup: Markup | None, protect_content: bool
    ) -> int:
        async with translated():
            sent = await self.bot.send_message(
                chat_id, text, reply_markup=to_ptb(reply_markup), protect_content=protect_content
            )
        return sent.message_id

    async def edit_message_text(
        self, chat_id: int, message_id: int, text: str, *, reply_markup: Markup | None
    ) -> None:
        markup = to_ptb(reply_markup)
        assert markup is None or isinstance(markup, InlineKeyboardMarkup)
        async with translated():
            await self.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )

    async def send_photo(
        self,
        chat_id: int,
        photo: str | bytes,
        *,
        file_name: str | None,
        caption: str | None,
        reply_markup: Markup | None,
        protect_content: bool,
    ) -> int:
        async with translated():
            sent = await self.bot.send_photo(
                chat_id,
                photo,
                filename=file_name,
                caption=caption,
                reply_markup=to_ptb(reply_markup),
                protect_content=protect_content,
            )
        return sent.message_id

    async def send_document(
        self,
        chat_id: int,
        document: str | bytes,
        *,
        file_name: str | None,
        caption: str | None,
        reply_markup: Markup | None,
        protect_content: bool,
    ) -> int:
        async with translated():
            sent = await self.bot.send_document(
                chat_id,
                document,
                filename=file_name,
                caption=caption,
                reply_markup=to_ptb(reply_markup),
                protect_content=protect_content,
            )
        return sent.message_id

    async def answer_callback_query(self, callback_query_id: str, *, text: str | None) -> None:
        async with translated():
            await self.bot.answer_callback_query(callback_query_id, text=text)

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
    except TelegramError as exc:  # NetworkError, TimedOut: code 0, nothing reached Telegram
        raise BotApiError(0, exc.message) from None


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
