"""The renderer's `BotApi` on aiogram 3: Bot API dicts in, aiogram errors translated out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.botapi import BotApiError, Markup

AiogramMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class AiogramBotApi:
    """Thin: every call is one `aiogram.Bot` method; nothing decides anything here."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_message(
        self, chat_id: int, text: str, *, reply_markup: Markup | None, protect_content: bool
    ) -> int:
        async with translated():
            sent = await self.bot.send_message(
                chat_id,
                text,
                reply_markup=to_aiogram(reply_markup),
                protect_content=protect_content,
            )
        return sent.message_id

    async def edit_message_text(
        self, chat_id: int, message_id: int, text: str, *, reply_markup: Markup | None
    ) -> None:
        markup = to_aiogram(reply_markup)
        assert markup is None or isinstance(markup, InlineKeyboardMarkup)
        async with translated():
            await self.bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )

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
        photo = kind == "photo"
        send = self.bot.send_photo if photo else self.bot.send_document
        async with translated():
            sent = await send(
                chat_id,
                _file(file, file_name or ("photo.png" if photo else "document")),
                caption=caption,
                reply_markup=to_aiogram(reply_markup),
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
                [BotCommand(command=name, description=text) for name, text in commands],
                scope=_scope(chat_id),
                language_code=language_code,
            )

    async def delete_my_commands(self, *, chat_id: int | None, language_code: str | None) -> None:
        async with translated():
            await self.bot.delete_my_commands(scope=_scope(chat_id), language_code=language_code)

    async def leave_chat(self, chat_id: int) -> None:
        async with translated():
            await self.bot.leave_chat(chat_id=chat_id)


def _file(source: str | bytes, name: str) -> str | BufferedInputFile:
    """A file id as it is; bytes uploaded under `name`."""
    return BufferedInputFile(source, filename=name) if isinstance(source, bytes) else source


def _scope(chat_id: int | None) -> BotCommandScopeChat | None:
    return BotCommandScopeChat(chat_id=chat_id) if chat_id is not None else None


@asynccontextmanager
async def translated() -> AsyncIterator[None]:
    """aiogram's exceptions as `BotApiError`, the only error the shared renderer knows."""
    try:
        yield
    except TelegramRetryAfter as exc:
        raise BotApiError(429, "Too Many Requests", retry_after=float(exc.retry_after)) from None
    except TelegramForbiddenError as exc:
        raise BotApiError(403, exc.message) from None
    except (TelegramBadRequest, TelegramNotFound) as exc:
        raise BotApiError(
            400 if isinstance(exc, TelegramBadRequest) else 404, exc.message
        ) from None
    except TelegramUnauthorizedError as exc:
        raise BotApiError(401, exc.message) from None
    except TelegramConflictError as exc:
        raise BotApiError(409, exc.message) from None
    except TelegramServerError as exc:  # any 5xx, RestartingTelegram included
        raise BotApiError(500, exc.message) from None
    except TelegramEntityTooLarge as exc:  # a NetworkError to aiogram; retrying will not help
        raise BotApiError(413, exc.message) from None
    except TelegramNetworkError as exc:
        # A timeout ("Request timeout error") or a dropped connection; a timed-out call may
        # still have reached Telegram (docs/delivery.md).
        # "ClientConnectorError: ..." — the details may quote the URL, and with it the token.
        raise BotApiError(0, exc.message.partition(":")[0]) from None
    except TelegramAPIError as exc:
        raise BotApiError(400, exc.message) from None
    except ClientDecodeError:
        # An answer that is not Telegram's JSON (a proxy's 502 page): like a network failure.
        raise BotApiError(0, "undecodable answer") from None


def to_aiogram(markup: Markup | None) -> AiogramMarkup | None:
    """The renderer's Bot API JSON markup as aiogram objects."""
    if markup is None:
        return None
    if "inline_keyboard" in markup:
        return InlineKeyboardMarkup.model_validate(markup)
    if "keyboard" in markup:
        return ReplyKeyboardMarkup.model_validate(markup)
    if markup.get("remove_keyboard"):
        return ReplyKeyboardRemove()
    raise ValueError("unknown reply markup")
