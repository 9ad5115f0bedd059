"""One turn of a conversation: the event, who sent it, where they stand, and the reply so far.

A turn reaches the front desk (`flows.engine.FrontDesk`) only through `TurnDesk`, what it needs
of it, so the engine can build turns without the two modules importing each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from flows.callbacks import CallbackCodec
from flows.declarations import Flow, Step
from flows.events import Event, Sender
from flows.i18n import Catalog
from flows.programmes.model import Programme
from flows.reply import Anchor, Button, KeyButton, Outgoing, Reply
from flows.settings import Settings
from storage.tables import Conversation, Patient, Staff
from storage.uow import UnitOfWork


@dataclass(slots=True)
class Turn:
    desk: TurnDesk
    uow: UnitOfWork
    event: Event
    sender: Sender
    conversation: Conversation
    patient: Patient | None
    staff: Staff | None
    lang: str
    now: datetime
    # The menu message the person tapped, edited in place by the next screen.
    tapped_message_id: int | None = None
    reply: Reply = field(default_factory=Reply)
    # Set once a screen has been shown, so a later step does not show another one.
    screen_shown: bool = False
    # The current screen shown again as it is (on a tap of its own message): its buttons keep
    # the menu's nonce, so a double tap edits nothing and the current buttons keep working.
    redraw: bool = False
    # False when the sender was not acting for a patient as a caregiver as the turn began:
    # then that link need not be looked up.
    maybe_acting: bool = True

    @property
    def chat_id(self) -> int:
        return self.sender.chat_id

    def t(self, key: str, /, **params: Any) -> str:
        return self.desk.catalog.text(key, self.lang, **params)

    def own(self, key_or_words: str) -> str:
        """A catalog key's text, or the practice's own words (`Catalog.own`)."""
        return self.desk.catalog.own(key_or_words, self.lang)

    def button(self, label_key: str, code: str, **params: Any) -> Button:
        """A button of the current menu: bound to this chat and this menu's nonce."""
        data = self.desk.codec.encode(
            chat_id=self.chat_id, code=code, nonce=self.conversation.nonce
        )
        return Button(self.t(label_key, **params), data)

    def button_text(self, label: str, code: str) -> Button:
        """A menu button whose label is already text (a request number, a medicine)."""
        data = self.desk.codec.encode(
            chat_id=self.chat_id, code=code, nonce=self.conversation.nonce
        )
        return Button(label, data)

    def action_button(self, label: str, code: str, *, chat_id: int | None = None) -> Button:
        """A button that stays valid while menus change (a status card's Cancel, for one)."""
        data = self.desk.codec.encode(chat_id=chat_id or self.chat_id, code=code)
        return Button(label, data)

    def say(self, text: str, **extra: Any) -> None:
        """A plain message in this chat, below whatever is there."""
        self.reply.add(Outgoing(chat_id=self.chat_id, text=text, **extra))

    def show(
        self,
        text: str,
        buttons: tuple[tuple[Button, ...], ...] = (),
        *,
        keyboard: tuple[tuple[KeyButton, ...], ...] = (),
        remove_keyboard: bool = False,
    ) -> None:
        """The screen: edits the tapped menu in place, or sends a new menu message.

        Buttons must be made with `button()` after `new_menu()`, so they carry the new nonce.
        """
        edit = self.tapped_message_id if not keyboard and not remove_keyboard else None
        self.reply.add(
            Outgoing(
                chat_id=self.chat_id,
                text=text,
                buttons=buttons,
                keyboard=keyboard,
                remove_keyboard=remove_keyboard,
                edit_message_id=edit,
                anchor=Anchor("menu", self.chat_id),
            )
        )
        self.screen_shown = True

    def new_menu(self) -> None:
        """Start a new menu: older buttons in this chat stop working (unless redrawing)."""
        if self.redraw:
            return
        self.conversation.nonce += 1


# What a turn can run, registered by name (`flows.registry.Registry`):
Action = Callable[[Turn], Awaitable[None]]
# Options computed for this person: (value, label text) pairs; also the only values accepted.
Provider = Callable[[Turn, Step], Awaitable[list[tuple[str, str]]]]
# A prompt computed for this person, for steps whose prompt starts with "=".
Describer = Callable[[Turn], Awaitable[str]]
# A button that outlives menus (a status card's Cancel): prefix -> handler of the arguments.
Command = Callable[[Turn, list[str]], Awaitable[None]]
# Asked before a request flow starts: a refusal text (closed, limit reached), or None to go on.
Gate = Callable[[Turn, Flow], Awaitable[str | None]]


class Runnables(Protocol):
    """The registry as a turn uses it: flows by id, actions and option providers by name."""

    @property
    def flows(self) -> dict[str, Flow]: ...

    @property
    def actions(self) -> dict[str, Action]: ...

    @property
    def providers(self) -> dict[str, Provider]: ...

    @property
    def describers(self) -> dict[str, Describer]: ...

    @property
    def commands(self) -> dict[str, Command]: ...

    @property
    def request_gate(self) -> Gate | None: ...

    def flow(self, flow_id: str) -> Flow: ...

    def kinds(self) -> list[Flow]: ...

    def kind_names(self) -> list[str]: ...

    def kind(self, kind: str) -> Flow | None: ...

    def deep_links(self) -> dict[str, str]: ...


class TurnDesk(Protocol):
    """What a turn needs of the front desk: its texts, button codes, settings and what it runs."""

    @property
    def catalog(self) -> Catalog: ...

    @property
    def codec(self) -> CallbackCodec: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def registry(self) -> Runnables: ...

    # The follow-up programmes the practice declares (their funnels in /stats).
    @property
    def programmes(self) -> Sequence[Programme]: ...

    # Wakes the outbox's dispatcher once a turn has queued a message; None while none runs.
    wake_outbox: Callable[[], None] | None
