"""What a patient can do in a chat: type, tap, press keyboard buttons, share contacts and files.

Each action records the user's side in the transcript (when it is a message) and delivers the
update the bot would get from Telegram. Errors are `DriverError`s meant for the test author.
"""

from __future__ import annotations

import time
from typing import Any

from bot.emulator.formatting import utf16_len
from bot.emulator.markup import inline_buttons, is_inline, reply_buttons
from bot.emulator.media import document_object, store_document, store_photo
from bot.emulator.models import CallbackQuery, Json, Message, User
from bot.emulator.state import Chat, EmulatorState

FIRST_USER_ID = 100_000_001
# The practice's patients are Italian; a test that cares sets its own.
DEFAULT_FIRST_NAME = "Maria"
DEFAULT_LANGUAGE = "it"
_CALLBACK_ID_BASE = 4_400_000_000_000_000_000


class DriverError(Exception):
    """A driver request that cannot be carried out; `status` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def upsert_user(state: EmulatorState, data: Json) -> User:
    user_id = data.get("id")
    if user_id is None:
        user_id = max([FIRST_USER_ID - 1, *state.users]) + 1
    if not isinstance(user_id, int) or user_id <= 0:
        raise DriverError(400, "id must be a positive integer")
    existing = state.users.get(user_id)
    known = ("first_name", "last_name", "username", "language_code", "phone_number")
    values: dict[str, Any] = {k: data[k] for k in known if k in data}
    if existing is not None:
        for key, value in values.items():
            setattr(existing, key, value)
        return existing
    values.setdefault("first_name", DEFAULT_FIRST_NAME)
    values.setdefault("language_code", DEFAULT_LANGUAGE)
    if not values["first_name"]:
        raise DriverError(400, "first_name must be non-empty")
    return state.add_user(User(id=user_id, **values))


def user(state: EmulatorState, user_id: int) -> User:
    found = state.users.get(user_id)
    if found is None:
        raise DriverError(404, f"no user {user_id}; create it first")
    return found


def chat(state: EmulatorState, chat_id: int) -> Chat:
    found = state.chats.get(chat_id)
    if found is None:
        raise DriverError(404, f"no chat {chat_id}; create the user first")
    return found


def _sending_chat(state: EmulatorState, user_id: int) -> Chat:
    sender = user(state, user_id)
    if sender.blocked:
        raise DriverError(409, f"user {user_id} has blocked the bot; unblock first")
    return state.chats[user_id]


def _post(state: EmulatorState, chat: Chat, kind: str, **fields: Any) -> tuple[Message, int]:
    message = state.add_message(chat, from_bot=False, kind=kind, **fields)
    return message, state.deliver({"message": message.to_api()})


def _reply_to(chat: Chat, message_id: int | None) -> Message | None:
    if message_id is None:
        return None
    target = chat.messages.get(message_id)
    if target is None or target.deleted:
        raise DriverError(404, f"no message {message_id} in chat {chat.user.id}")
    return target


def send_text(
    state: EmulatorState, user_id: int, text: str, reply_to_message_id: int | None = None
) -> tuple[Message, int]:
    chat = _sending_chat(state, user_id)
    if not text.strip():
        raise DriverError(400, "text must be non-empty")
    entities: list[Json] = []
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
    reply_to = _reply_to(chat, reply_to_message_id)
    return _post(state, chat, "text", text=text, entities=entities, reply_to=reply_to)


def _match(labels: list[str], label: str) -> list[int]:
    exact = [i for i, text in enumerate(labels) if text == label]
    if exact:
        return exact[:1]
    return [i for i, text in enumerate(labels) if label.casefold() in text.casefold()]


def tap(
    state: EmulatorState, user_id: int, label: str, message_id: int | None = None
) -> tuple[CallbackQuery, int]:
    """Taps an inline button by label on the newest bot message that shows it."""
    chat = _sending_chat(state, user_id)
    shown = [
        m
        for m in reversed(chat.messages.values())
        if m.from_bot and not m.deleted and is_inline(m.reply_markup)
    ]
    if message_id is not None:
        shown = [m for m in shown if m.message_id == message_id]
        if not shown:
            raise DriverError(404, f"message {message_id} has no inline keyboard")
    # Exact labels anywhere win over partial matches on newer messages.
    for exact in (True, False):
        for message in shown:
            buttons = inline_buttons(message.reply_markup)
            labels = [b["text"] for b in buttons]
            hits = [i for i in _match(labels, label) if not exact or labels[i] == label]
            if len(hits) > 1:
                found = [labels[i] for i in hits]
                raise DriverError(409, f"label {label!r} is ambiguous: {found}")
            if hits:
                return _press_inline(state, chat, message, buttons[hits[0]])
    latest = [b["text"] for b in inline_buttons(shown[0].reply_markup)] if shown else []
    raise DriverError(404, f"no inline button {label!r}; newest inline keyboard shows {latest}")


def _press_inline(
    state: EmulatorState, chat: Chat, message: Message, button: Json
) -> tuple[CallbackQuery, int]:
    data = button.get("callback_data")
    if data is None:
        raise DriverError(409, f"button {button['text']!r} is not a callback button")
    query = CallbackQuery(
        id=str(_CALLBACK_ID_BASE + state.next_number()),
        user_id=chat.user.id,
        chat_id=chat.user.id,
        message_id=message.message_id,
        data=data,
        created=time.monotonic(),
    )
    state.callbacks[query.id] = query
    update_id = state.deliver(
        {
            "callback_query": {
                "id": query.id,
                "from": chat.user.to_api(),
                "message": message.to_api(),
                "chat_instance": str((chat.user.id * 2654435761) % 2**63),
                "data": data,
            }
        }
    )
    return query, update_id


def press_reply_button(
    state: EmulatorState, user_id: int, label: str, phone_number: str | None = None
) -> tuple[Message, int]:
    chat = _sending_chat(state, user_id)
    buttons = reply_buttons(chat.reply_keyboard)
    if not buttons:
        raise DriverError(409, f"no reply keyboard is shown in chat {user_id}")
    labels = [b["text"] for b in buttons]
    hits = _match(labels, label)
    if len(hits) != 1:
        problem = "is ambiguous" if hits else "matches no button"
        raise DriverError(404 if not hits else 409, f"label {label!r} {problem}: {labels}")
    button = buttons[hits[0]]
    if button.get("request_contact"):
        phone = phone_number or chat.user.phone_number
        if not phone:
            raise DriverError(400, "this button shares a contact: give phone_number")
        return share_contact(state, user_id, phone)
    unsupported = [k for k in button if k.startswith("request_") or k == "web_app"]
    if unsupported:
        raise DriverError(400, f"button {button['text']!r} needs {unsupported[0]}, not supported")
    return send_text(state, user_id, button["text"])


def share_contact(
    state: EmulatorState,
    user_id: int,
    phone_number: str,
    first_name: str | None = None,
    last_name: str | None = None,
    contact_user_id: int | None = None,
    own: bool = True,
) -> tuple[Message, int]:
    chat = _sending_chat(state, user_id)
    sender = chat.user
    contact: Json = {"phone_number": phone_number, "first_name": first_name or sender.first_name}
    last = last_name if last_name is not None else (sender.last_name if own else None)
    if last:
        contact["last_name"] = last
    owner = contact_user_id if contact_user_id is not None else (sender.id if own else None)
    if owner is not None:
        contact["user_id"] = owner
    return _post(state, chat, "contact", media={"contact": contact})


def send_photo(
    state: EmulatorState,
    user_id: int,
    data: bytes,
    caption: str | None = None,
    size: tuple[int, int] | None = None,
) -> tuple[Message, int]:
    chat = _sending_chat(state, user_id)
    if not data:
        raise DriverError(400, "photo data must be non-empty")
    sizes = store_photo(state, data, size)
    return _post(state, chat, "photo", caption=caption or None, media={"photo": sizes})


def send_document(
    state: EmulatorState,
    user_id: int,
    data: bytes,
    file_name: str | None,
    mime_type: str | None,
    caption: str | None = None,
) -> tuple[Message, int]:
    chat = _sending_chat(state, user_id)
    if not data:
        raise DriverError(400, "document data must be non-empty")
    stored = store_document(state, data, file_name, mime_type)
    media = {"document": document_object(stored)}
    return _post(state, chat, "document", caption=caption or None, media=media)


def inject(state: EmulatorState, update: Json) -> int:
    update_id = update.get("update_id")
    if update_id is not None and not isinstance(update_id, int):
        raise DriverError(400, "update_id must be an integer")
    if not any(k != "update_id" for k in update):
        raise DriverError(400, "an update needs a field such as message or callback_query")
    return state.deliver(update, update_id)


def set_blocked(state: EmulatorState, user_id: int, blocked: bool) -> int | None:
    """Blocks or unblocks the bot; Telegram tells the bot with a my_chat_member update."""
    target = user(state, user_id)
    if target.blocked == blocked:
        return None
    target.blocked = blocked
    bot = state.bot.to_api()
    member: Json = {"status": "member", "user": bot}
    kicked: Json = {"status": "kicked", "user": bot, "until_date": 0}
    old, new = (member, kicked) if blocked else (kicked, member)
    return state.deliver(
        {
            "my_chat_member": {
                "chat": target.to_chat(),
                "from": target.to_api(),
                "date": state.now(),
                "old_chat_member": old,
                "new_chat_member": new,
            }
        }
    )
