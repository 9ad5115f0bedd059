"""What the front desk answers: messages, buttons, edits, files — framework-free.

An adapter's renderer turns a `Reply` into Bot API calls and reports back, through `Delivered`,
the ids of messages the engine asked to remember (the menu, a request's live status card).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: callback `data` (already encoded, at most 64 bytes) or a `url`."""

    label: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class KeyButton:
    """A reply-keyboard button; `contact` asks Telegram to share the person's phone number."""

    label: str
    contact: bool = False


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file to send: by Telegram file id, or uploaded from `data` (a chart) named `name`."""

    file_id: str | None
    kind: str  # photo | document
    data: bytes | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Anchor:
    """Remember the id of the message this produces: `menu` for a chat, `card` for a request."""

    kind: str
    key: int


@dataclass(frozen=True, slots=True)
class Outgoing:
    chat_id: int
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[KeyButton, ...], ...] = ()
    remove_keyboard: bool = False
    # Edit this message in place; the renderer sends a new one if the edit is impossible.
    edit_message_id: int | None = None
    anchor: Anchor | None = None
    protect: bool = False
    file: FileRef | None = None
    # The outbox row (its idempotency key) this message delivers: marked sent once it is shown,
    # handed to the outbox's dispatcher if it could not be. Needs an anchor.
    outbox_key: str | None = None


@dataclass(frozen=True, slots=True)
class CommandMenu:
    """The command list Telegram shows in one chat (`chat_id`), or to everyone (None).
    Empty `commands` for a chat removes its own list, so it falls back to the default one."""

    chat_id: int | None
    commands: tuple[tuple[str, str], ...]
    language: str | None = None


@dataclass(slots=True)
class Reply:
    messages: list[Outgoing] = field(default_factory=list)
    menus: list[CommandMenu] = field(default_factory=list)

    def add(self, message: Outgoing) -> None:
        self.messages.append(message)

    def extend(self, other: Reply) -> None:
        self.messages.extend(other.messages)
        self.menus.extend(other.menus)


@dataclass(frozen=True, slots=True)
class Delivered:
    anchor: Anchor
    chat_id: int
    message_id: int
    outbox_key: str | None = None
