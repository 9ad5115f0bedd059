"""Python client for the emulator's driver API, for tests that act as patients.

    async with EmulatorClient(emu.base_url) as tg:
        user = await tg.create_user(first_name="Maria")
        await tg.send_text(user.id, "/start")
        welcome = await tg.wait_for_bot_message(user.id)
        await tg.tap(user.id, "Accetto")

Returns dataclasses (`EmulatorUser`, `ChatMessage`, `CallbackAnswer`, `WaitResult`) for the
things tests inspect, plain dicts for stats, config and command lists. Driver errors (unknown
user, no such button, ...) raise `EmulatorError`.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp

from bot.emulator.client_types import (
    CallbackAnswer,
    ChatMessage,
    EmulatorError,
    EmulatorUser,
    Json,
    WaitResult,
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class EmulatorClient:
    """Async client for `{base_url}/_emulator/...`; use as `async with`."""

    def __init__(self, base_url: str, *, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None
        # Per chat, the seq after which the next bot reply is expected (see wait_for_bot_message).
        self._marks: dict[int, int] = {}

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        url = f"{self.base_url}/_emulator{path}"
        async with self._session.request(method, url, **kwargs) as response:
            if response.content_type != "application/json":
                if response.status >= 400:
                    raise EmulatorError(response.status, await response.text())
                return await response.read()
            body = await response.json()
            if response.status >= 400:
                raise EmulatorError(response.status, str(body.get("error", body)))
            return body

    async def _act(self, user_id: int, action: str, body: Json) -> ChatMessage:
        """Posts a user action; replies are then awaited past it (see wait_for_bot_message)."""
        result = await self._call("POST", f"/users/{user_id}/{action}", json=body)
        self._marks[user_id] = int(result["seq"])
        return ChatMessage.from_json(result["message"])

    async def create_user(
        self,
        user_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone_number: str | None = None,
    ) -> EmulatorUser:
        """Creates a user (id picked if not given; first_name "Maria", language_code "it" by
        default); its private chat id is the user id. With an existing id, updates only the
        fields given."""
        given = {
            "id": user_id,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
            "phone_number": phone_number,
        }
        body = {k: v for k, v in given.items() if v is not None}
        return EmulatorUser(**await self._call("POST", "/users", json=body))

    async def users(self) -> list[EmulatorUser]:
        return [EmulatorUser(**user) for user in (await self._call("GET", "/users"))["users"]]

    async def get_user(self, user_id: int) -> EmulatorUser:
        return EmulatorUser(**await self._call("GET", f"/users/{user_id}"))

    async def block(self, user_id: int) -> None:
        """The user blocks the bot: sends get 403, the bot gets a my_chat_member update."""
        await self._call("POST", f"/users/{user_id}/block")

    async def unblock(self, user_id: int) -> None:
        await self._call("POST", f"/users/{user_id}/unblock")

    async def send_text(
        self, user_id: int, text: str, reply_to_message_id: int | None = None
    ) -> ChatMessage:
        body: Json = {"text": text, "reply_to_message_id": reply_to_message_id}
        return await self._act(user_id, "messages", body)

    async def send_text_update(self, user_id: int, text: str) -> int:
        """Like `send_text`, returning the update_id the bot receives instead."""
        body = await self._call("POST", f"/users/{user_id}/messages", json={"text": text})
        return int(body["update_id"])

    async def tap(self, user_id: int, label: str, message_id: int | None = None) -> str:
        """Taps an inline button by label (exact, else contained); returns the callback id."""
        body = {"label": label, "message_id": message_id}
        result = await self._call("POST", f"/users/{user_id}/tap", json=body)
        self._marks[user_id] = int(result["seq"])
        return str(result["callback_query_id"])

    async def press_reply_button(
        self, user_id: int, label: str, phone_number: str | None = None
    ) -> ChatMessage:
        """Presses a reply-keyboard button: sends its text, or a contact for request_contact."""
        body = {"label": label, "phone_number": phone_number}
        return await self._act(user_id, "reply_button", body)

    async def share_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str | None = None,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        own: bool = True,
    ) -> ChatMessage:
        """Shares a contact; by default the user's own (contact.user_id = user_id)."""
        body = {
            "phone_number": phone_number,
            "first_name": first_name,
            "last_name": last_name,
            "user_id": contact_user_id,
            "own": own,
        }
        return await self._act(user_id, "contact", body)

    async def send_photo(
        self,
        user_id: int,
        data: bytes,
        caption: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> ChatMessage:
        """A photo (sizes read from PNG/JPEG/GIF headers unless width and height are given)."""
        fields = {"caption": caption, "width": width, "height": height}
        return await self._act(user_id, "photo", {**fields, "data_base64": _b64(data)})

    async def send_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str = "document.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> ChatMessage:
        """A document (mime_type guessed from file_name if not given)."""
        fields = {"file_name": file_name, "mime_type": mime_type, "caption": caption}
        return await self._act(user_id, "document", {**fields, "data_base64": _b64(data)})

    async def create_group(
        self, *, kind: str = "group", title: str = "", added_by: int | None = None
    ) -> tuple[Json, int | None]:
        """A group, supergroup or channel; `added_by` adds the bot to it (a my_chat_member
        update, whose update_id comes back)."""
        body = {"type": kind, "title": title, "added_by": added_by}
        answer = await self._call("POST", "/groups", json=body)
        return answer["chat"], answer["update_id"]

    async def inject_update(self, update: Json) -> int:
        """Queues a raw update as is (its own update_id is kept); returns the update_id."""
        return int((await self._call("POST", "/updates", json=update))["update_id"])

    async def transcript(self, chat_id: int) -> list[ChatMessage]:
        """Every message of the chat in send order, deleted ones included (flagged)."""
        body = await self._call("GET", f"/chats/{chat_id}/transcript")
        return [ChatMessage.from_json(m) for m in body["messages"]]

    async def chat_seq(self, chat_id: int) -> int:
        return int((await self._call("GET", f"/chats/{chat_id}/transcript"))["seq"])

    async def last_bot_message(self, chat_id: int) -> ChatMessage | None:
        shown = [m for m in await self.transcript(chat_id) if m.from_bot and not m.deleted]
        return shown[-1] if shown else None

    # `timeout` is the server-side long-poll time, so asyncio.timeout would not replace it.
    async def wait_for(
        self,
        chat_id: int,
        after_seq: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> WaitResult:
        """Returns as soon as the chat changed past `after_seq` (or after `timeout` seconds)."""
        params = {"after_seq": str(after_seq), "timeout": str(timeout)}
        body = await self._call("GET", f"/chats/{chat_id}/wait", params=params)
        return WaitResult.from_json(body)

    async def wait_idle(self, quiet: float = 0.05, timeout: float = 5.0) -> bool:  # noqa: ASYNC109
        """Returns once the bot has made no Bot API call for `quiet` seconds; False on timeout."""
        params = {"quiet": str(quiet), "timeout": str(timeout)}
        body = await self._call("GET", "/idle", params=params)
        return bool(body["idle"])

    async def wait_for_bot_message(
        self,
        chat_id: int,
        predicate: Callable[[ChatMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        after_seq: int | None = None,
    ) -> ChatMessage:
        """The first bot message sent or edited after `after_seq` that matches `predicate`.

        Without `after_seq` it waits past this client's last action in the chat (so a reply that
        came before this call is not missed) or past the message this method last returned
        there, else past the chat's current seq. Raises AssertionError showing the chat.
        """
        start = after_seq if after_seq is not None else self._marks.get(chat_id)
        if start is None:
            start = await self.chat_seq(chat_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        cursor = start
        while True:
            remaining = max(deadline - loop.time(), 0.0)
            result = await self.wait_for(chat_id, cursor, remaining)
            for message in result.messages:
                shown = message.from_bot and not message.deleted
                if shown and (predicate is None or predicate(message)):
                    self._marks[chat_id] = message.seq
                    return message
            cursor = max([cursor, *(m.seq for m in result.messages)])
            if remaining <= 0:
                break
        recent = (await self.transcript(chat_id))[-12:]
        listing = "\n".join(f"  {m.describe()}" for m in recent) or "  (nothing)"
        wanted = "matching the predicate " if predicate else ""
        raise AssertionError(
            f"no bot message {wanted}in chat {chat_id} after seq {start} within {timeout}s; "
            f"the chat shows:\n{listing}"
        )

    async def callback_answer(self, callback_id: str) -> CallbackAnswer:
        """Whether and how the bot answered the callback query `callback_id` (from tap)."""
        return CallbackAnswer.from_json(await self._call("GET", f"/callbacks/{callback_id}"))

    async def commands(
        self,
        scope: str = "default",
        chat_id: int | None = None,
        user_id: int | None = None,
        language_code: str = "",
    ) -> list[Json]:
        """The command list set for exactly this scope and language ([] if none)."""
        params = {"scope": scope, "language_code": language_code}
        params.update({k: str(v) for k, v in (("chat_id", chat_id), ("user_id", user_id)) if v})
        return list((await self._call("GET", "/commands", params=params))["commands"])

    async def effective_commands(self, user_id: int) -> list[Json]:
        """The command menu this user sees, resolved through scopes and language as Telegram."""
        return list((await self._call("GET", f"/users/{user_id}/commands"))["commands"])

    async def download(self, file_id: str) -> bytes:
        """The bytes behind a file_id (of a file the bot or a user sent)."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        url = f"{self.base_url}/_emulator/files/{file_id}"
        async with self._session.get(url) as response:  # raw bytes, whatever the file's type
            body = await response.read()
            if response.status >= 400:
                raise EmulatorError(response.status, body.decode(errors="replace"))
            return body

    async def fail_next(
        self,
        method: str,
        status: int | str = 429,
        count: int | None = 1,
        retry_after: int = 1,
        *,
        rate: float | None = None,
        seed: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """The next `count` calls of `method` (case-insensitive, fnmatch: "send*", "*") fail.

        `status` is 429 (with retry_after), any 4xx/5xx (502 answers like nginx, not JSON),
        "drop" to close the connection without an answer and without applying the call, or
        "drop_after_apply" to apply it and then close the connection. With `rate`, each
        matching call fails with that probability (from `seed`), `count` times at most (None:
        until `clear_faults`). `delay`: seconds before a dropped connection closes.
        """
        body: dict[str, Any] = {
            "method": method, "status": status, "count": count, "retry_after": retry_after,
            "delay": delay,
        }  # fmt: skip
        if rate is not None:
            body["rate"] = rate
            body["seed"] = seed
        if count is None:
            del body["count"]
        await self._call("POST", "/faults", json=body)

    async def clear_faults(self) -> None:
        await self._call("DELETE", "/faults")

    async def configure(self, **options: Any) -> Json:
        """Changes options (latency_ms, flood_control, global_per_second, per_chat_per_second,
        per_chat_burst, callback_timeout_s); returns them all."""
        return dict(await self._call("POST", "/config", json=options))

    async def webhook(self) -> Json:
        """The webhook as set by the bot: {url, secret_token, max_connections, ...} or {}."""
        return dict((await self._call("GET", "/webhook"))["webhook"])

    async def stats(self) -> Json:
        """{"calls": {method: n}, "errors": {code: n}, "responses_429", "flood_429",
        "injected_faults", "pending_updates", "webhook": {delivered, failed, ...}, "seq"}."""
        return dict(await self._call("GET", "/stats"))

    async def reset(self) -> None:
        """Forgets users, chats, updates, files, commands, faults and counters (not options)."""
        await self._call("POST", "/reset")
        self._marks.clear()
