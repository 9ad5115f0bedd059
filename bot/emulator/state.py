"""In-memory world of the emulator: users and their private chats, files, callbacks, settings.

Everything the Bot API handlers and the driver share lives on one `EmulatorState`. It runs on a
single event loop, so no locking is needed. Every change to a chat's messages takes a new value
of the global `seq` and wakes the driver's wait endpoint.
"""

from __future__ import annotations

import mimetypes
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import BLOCKED, CHAT_NOT_FOUND, ApiError, bad_request
from bot.emulator.limits import FaultInjector, FloodControl
from bot.emulator.markup import Markup
from bot.emulator.models import BotIdentity, CallbackQuery, Json, Message, StoredFile, User
from bot.emulator.options import EmulatorOptions
from bot.emulator.updates import Notifier, UpdateQueue
from bot.emulator.webhook import WebhookSender, WebhookStats


@dataclass
class Chat:
    """A private chat between the bot and one user (chat id = user id)."""

    user: User
    messages: dict[int, Message] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: Markup | None = None
    last_action: str | None = None

    @property
    def seq(self) -> int:
        return max((m.seq for m in self.messages.values()), default=0)


@dataclass
class Stats:
    calls: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    responses_429: int = 0
    flood_429: int = 0
    injected_faults: int = 0
    # "method status" -> how many faults of that kind were injected, e.g. "sendMessage 500".
    injected: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> Json:
        return {
            "calls": dict(self.calls),
            "errors": {str(code): n for code, n in self.errors.items()},
            "responses_429": self.responses_429,
            "flood_429": self.flood_429,
            "injected_faults": self.injected_faults,
            "injected": dict(self.injected),
        }


class EmulatorState:
    """The whole emulated Telegram, for one bot."""

    def __init__(self, bot: BotIdentity, options: EmulatorOptions) -> None:
        self.bot = bot
        self.options = options
        self.updates = UpdateQueue()
        self.changed = Notifier()
        self.flood = FloodControl(options)
        self.faults = FaultInjector()
        self.closed = False
        self.sender: WebhookSender | None = None
        # What stamps the `date` of messages and updates (Unix seconds). Telegram's is real
        # time; a host that moves its bot's clock (the sandbox's time travel) moves this too,
        # so the dates a chat shows agree with the bot's.
        self.clock: Callable[[], float] = time.time
        self._clear()

    def _clear(self) -> None:
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.commands: dict[tuple[str, str], tuple[Json, list[Json]]] = {}
        self.menu_buttons: dict[int | None, Json] = {}
        self.webhook: Json = {}
        self.webhook_stats = WebhookStats()
        self.stats = Stats()
        self.seq = 0
        self._counter = 0
        # Bot API calls being answered (getUpdates aside), and when the last one ended.
        self.calls_in_flight = 0
        self.last_call_done = 0.0

    def reset(self) -> None:
        """Forgets everything except the bot's identity and the options."""
        self.stop_webhook()
        self._clear()
        self.updates.reset()
        self.flood.reset()
        self.faults.clear()
        self.changed.notify()

    def close(self) -> None:
        """Releases every long poll (getUpdates and driver waits) so the server stops promptly."""
        self.closed = True
        self.stop_webhook()
        self.updates.close()
        self.changed.notify()

    def reopen(self) -> None:
        self.closed = False
        self.updates.reopen()

    def next_number(self) -> int:
        self._counter += 1
        return self._counter

    def bump(self) -> int:
        self.seq += 1
        self.changed.notify()
        return self.seq

    def deliver(self, body: Json, update_id: int | None = None) -> int:
        """The one way an update reaches the bot: queued for getUpdates, or for the webhook
        sender while a webhook is set."""
        return self.updates.push(body, update_id)

    def set_webhook(self, config: Json) -> None:
        """Store the webhook and deliver to it from now on (a previous one stops)."""
        self.stop_webhook()
        self.webhook = config
        allowed = config.get("allowed_updates")
        if isinstance(allowed, list):
            self.updates.allowed_updates = list(allowed)
        if config.get("url"):
            self.sender = WebhookSender(
                self.updates,
                self.options,
                self.webhook_stats,
                url=config["url"],
                secret=config.get("secret_token"),
                max_connections=int(config.get("max_connections") or 40),
            )
            self.sender.start()

    def stop_webhook(self) -> None:
        if self.sender is not None:
            self.sender.stop()
            self.sender = None

    # Users and chats

    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        self.chats.setdefault(user.id, Chat(user))
        self.chats[user.id].user = user
        return user

    def chat(self, chat_id: int | None) -> Chat:
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        return chat

    def writable_chat(self, chat_id: int | None) -> Chat:
        chat = self.chat(chat_id)
        if chat.user.blocked:
            raise ApiError(403, BLOCKED)
        if getattr(chat.user, "member", True) is False:  # a group the bot has left
            kind = getattr(chat.user, "kind", "group")
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return chat

    def add_message(self, chat: Chat, *, from_bot: bool, **fields: Any) -> Message:
        sender = self.bot.to_api() if from_bot else chat.user.to_api()
        message = Message(
            message_id=chat.next_message_id,
            chat=chat.user,
            sender=sender,
            from_bot=from_bot,
            date=self.now(),
            seq=self.bump(),
            **fields,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    def now(self) -> int:
        """The time to stamp on a message or an update, as Telegram's whole seconds."""
        return int(self.clock())

    def touch(self, message: Message) -> None:
        message.seq = self.bump()

    # Files

    def store_file(
        self,
        data: bytes,
        *,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        size: tuple[int, int] = (0, 0),
    ) -> StoredFile:
        number = self.next_number()
        folder, prefix = ("photos", "AgAC") if kind == "photo" else ("documents", "BQAC")
        ext = (file_name or "").rpartition(".")[2] if file_name and "." in file_name else ""
        if not ext and mime_type:
            ext = (mimetypes.guess_extension(mime_type) or ".bin").lstrip(".")
        path = f"{folder}/file_{number}.{ext or 'bin'}"
        stored = StoredFile(
            file_id=prefix + secrets.token_urlsafe(48),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            file_path=path,
            data=data,
            kind=kind,
            mime_type=mime_type,
            file_name=file_name,
            width=size[0],
            height=size[1],
        )
        self.files[stored.file_id] = stored
        self.files_by_path[path] = stored
        return stored

    # Commands

    @staticmethod
    def scope_key(scope: Json) -> str:
        kind = str(scope.get("type", "default"))
        ids = [str(scope[k]) for k in ("chat_id", "user_id") if scope.get(k) is not None]
        return ":".join([kind, *ids])

    def effective_commands(self, user: User) -> list[Json]:
        """The command menu this user sees in the private chat, by Telegram's scope order."""
        lang = user.language_code or ""
        for scope in (f"chat:{user.id}", "all_private_chats", "default"):
            for code in dict.fromkeys((lang, "")):
                found = self.commands.get((scope, code))
                if found is not None:
                    return found[1]
        return []
