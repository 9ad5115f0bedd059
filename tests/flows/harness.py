"""Drive the engine like a person, without any network: a renderer that records what it shows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import count

from flows.engine import FrontDesk
from flows.events import CommandIn, ContactIn, Event, FileIn, Sender, TapIn, TextIn, parse_command
from flows.reply import Button, Delivered, Outgoing, Reply


@dataclass
class Shown:
    message_id: int
    chat_id: int
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple = ()
    protect: bool = False
    edits: int = 0


@dataclass
class RecordingRenderer:
    """Keeps each chat's messages like Telegram would: sent ones, and edits in place."""

    messages: dict[int, Shown] = field(default_factory=dict)
    ids: count = field(default_factory=lambda: count(1))

    async def render(self, reply: Reply) -> list[Delivered]:
        delivered = []
        for out in reply.messages:
            shown = self._apply(out)
            if out.anchor is not None:
                delivered.append(
                    Delivered(out.anchor, out.chat_id, shown.message_id, out.outbox_key)
                )
        return delivered

    def _apply(self, out: Outgoing) -> Shown:
        if out.edit_message_id is not None and out.edit_message_id in self.messages:
            shown = self.messages[out.edit_message_id]
            shown.text, shown.buttons, shown.edits = out.text, out.buttons, shown.edits + 1
            shown.protect = out.protect
            return shown
        shown = Shown(next(self.ids), out.chat_id, out.text, out.buttons, out.keyboard, out.protect)
        self.messages[shown.message_id] = shown
        return shown

    def chat(self, chat_id: int) -> list[Shown]:
        return [m for m in self.messages.values() if m.chat_id == chat_id]


class Person:
    def __init__(
        self,
        desk: FrontDesk,
        renderer: RecordingRenderer,
        user_id: int,
        *,
        after_turn: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.desk = desk
        self.renderer = renderer
        self.sender = Sender(user_id=user_id, chat_id=user_id, language_code="it")
        self.update_ids = count(user_id * 1000)
        # What the running bot does beside the turn: the outbox's dispatcher sending what the
        # turn queued (tests/flows/delivery.py).
        self.after_turn = after_turn

    async def send(self, event: Event) -> None:
        await self.desk.process(event, self.renderer, update_id=next(self.update_ids), raw={"x": 1})
        if self.after_turn is not None:
            await self.after_turn()

    async def text(self, text: str) -> None:
        command = parse_command(text)
        if command is not None:
            await self.send(CommandIn(self.sender, *command))
        else:
            await self.send(TextIn(self.sender, text))

    def last(self) -> Shown:
        return self.renderer.chat(self.sender.chat_id)[-1]

    def texts(self) -> list[str]:
        return [m.text for m in self.renderer.chat(self.sender.chat_id)]

    def find_button(self, label: str) -> tuple[Shown, Button]:
        for shown in reversed(self.renderer.chat(self.sender.chat_id)):
            for row in shown.buttons:
                for button in row:
                    if label in button.label:
                        return shown, button
        labels = [
            b.label for m in self.renderer.chat(self.sender.chat_id) for r in m.buttons for b in r
        ]
        raise AssertionError(f"no button {label!r}; buttons on screen: {labels}")

    async def tap(self, label: str) -> None:
        shown, button = self.find_button(label)
        assert button.data is not None
        await self.send(TapIn(self.sender, button.data, shown.message_id))

    async def press(self, label: str) -> None:
        """A reply-keyboard button: Telegram sends its label back as text."""
        for shown in reversed(self.renderer.chat(self.sender.chat_id)):
            for row in shown.keyboard:
                for key in row:
                    if label in key.label:
                        await self.send(TextIn(self.sender, key.label))
                        return
        raise AssertionError(f"no keyboard button {label!r}")

    async def tap_data(self, data: str, message_id: int | None = None) -> None:
        await self.send(TapIn(self.sender, data, message_id))

    async def file(self, *, kind: str = "photo", mime: str | None = None, size: int = 1000) -> None:
        fid = f"file-{next(self.update_ids)}"
        await self.send(FileIn(self.sender, fid, fid + "u", kind, mime, "x.pdf", size))

    async def contact(self, phone: str = "393331234567", user_id: int | None = None) -> None:
        await self.send(ContactIn(self.sender, phone, user_id or self.sender.user_id))
