"""The contract between the shared renderer and each Telegram framework.

A framework supplies a thin `BotApi`: plain values and Bot API JSON dicts in, message ids out,
and its own exceptions translated into `BotApiError`, the only error the renderer knows.
"""

from __future__ import annotations

from typing import Any, Protocol

Markup = dict[str, Any]

_EDIT_IMPOSSIBLE = (
    "message to edit not found",
    "message can't be edited",
    "there is no text in the message to edit",
    "message_id_invalid",
)


class BotApiError(Exception):
    """A failed Bot API call: Telegram's error code (0 when the network failed) and description.

    Descriptions come from Telegram, never from our message texts, so they may be logged.
    """

    def __init__(self, code: int, description: str = "", *, retry_after: float | None = None):
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def unreachable(self) -> bool:
        """403: blocked by the user, account deleted, never started: nothing more can be sent."""
        return self.code == 403

    @property
    def not_modified(self) -> bool:
        return self.code == 400 and "message is not modified" in self.description.lower()

    @property
    def edit_impossible(self) -> bool:
        text = self.description.lower()
        return self.code == 400 and any(reason in text for reason in _EDIT_IMPOSSIBLE)


class BotApi(Protocol):
    """The Bot API calls the renderer and the adapters need; methods return message ids."""

    async def send_message(
        self, chat_id: int, text: str, *, reply_markup: Markup | None, protect_content: bool
    ) -> int: ...

    async def edit_message_text(
        self, chat_id: int, message_id: int, text: str, *, reply_markup: Markup | None
    ) -> None: ...

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
        """A photo (`kind` "photo") or else a document; `file` is a file id, or the bytes to
        upload."""
        ...

    async def answer_callback_query(self, callback_query_id: str, *, text: str | None) -> None: ...

    async def set_my_commands(
        self, commands: list[tuple[str, str]], *, chat_id: int | None, language_code: str | None
    ) -> None:
        """For one private chat, or for every chat when `chat_id` is None."""
        ...

    async def delete_my_commands(
        self, *, chat_id: int | None, language_code: str | None
    ) -> None: ...

    async def leave_chat(self, chat_id: int) -> None:
        """Leave a group, supergroup or channel."""
        ...
