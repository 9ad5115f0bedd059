"""Random update sequences through `FrontDesk.process`, in process, with a recording renderer.

A sequence is a few new people (some onboarded first, as a patient would) and the doctor, each
doing random things in turn. After every update: the person got some reply in their chat (a new
message or an edit), nothing internal was shown, and nobody saw another patient's data. The logs
are checked afterwards (`LogTrap`). Used by the pytest suite and by `python -m tests.fuzz`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

from bot.bootstrap import App, bootstrap
from bot.runtime import quiet_loggers
from flows.clock import FixedClock
from flows.events import (
    CommandIn,
    ContactIn,
    Event,
    FileIn,
    OtherIn,
    Sender,
    TapIn,
    TextIn,
    parse_command,
)
from flows.reply import Delivered, Outgoing, Reply
from flows.settings import Settings
from tests.fuzz.world import Action, Findings, LogTrap, Persona, check_shown, random_action

DOCTOR = 1000
# A Tuesday morning, the practice open; the fuzz never reads the wall clock.
TUESDAY_10 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class FuzzRenderer:
    """Keeps every chat as Telegram would (messages, edits in place) and counts changes."""

    def __init__(self) -> None:
        self.ids = count(1)
        self.messages: dict[int, Outgoing] = {}
        self.changes: dict[int, int] = {}
        self.latest: list[Outgoing] = []

    async def render(self, reply: Reply) -> list[Delivered]:
        delivered = []
        for out in reply.messages:
            if out.edit_message_id is not None and out.edit_message_id in self.messages:
                message_id = out.edit_message_id
            else:
                message_id = next(self.ids)
            self.messages[message_id] = out
            self.latest.append(out)
            self.changes[out.chat_id] = self.changes.get(out.chat_id, 0) + 1
            if out.anchor is not None:
                delivered.append(Delivered(out.anchor, out.chat_id, message_id))
        return delivered

    def buttons(self, chat_id: int) -> list[tuple[int, str]]:
        return [
            (message_id, button.data)
            for message_id, out in self.messages.items()
            if out.chat_id == chat_id
            for row in out.buttons
            for button in row
            if button.data
        ]

    def keyboard(self, chat_id: int) -> list[str]:
        mine = [out for out in self.messages.values() if out.chat_id == chat_id and out.keyboard]
        return [key.label for row in mine[-1].keyboard for key in row] if mine else []


@asynccontextmanager
async def fuzz_app(directory: Path) -> AsyncIterator[App]:
    """The real front desk on a fresh SQLite database, the doctor already staff."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{directory / 'fuzz.db'}",
        practice_name="Studio Rossi",
        practice_phone="06 1234567",
    )
    app = await bootstrap(settings, clock=FixedClock(TUESDAY_10))
    async with app.database.uow() as uow:
        await uow.staff.upsert(telegram_id=DOCTOR, name="Dott. Rossi", role="doctor")
        await uow.commit()
    try:
        yield app
    finally:
        await app.close()


def event_of(action: Action, sender: Sender) -> Event:
    if action.kind in ("text", "command", "press"):
        command = parse_command(action.text)
        if command is not None:
            return CommandIn(sender, *command)
        return TextIn(sender, action.text)
    if action.kind == "tap":
        return TapIn(sender, action.data, action.message_id)
    if action.kind == "file":
        unique = f"f{abs(hash(action))}"
        return FileIn(
            sender,
            file_id=unique,
            file_unique_id=unique + "u",
            kind=action.what,
            mime_type=action.mime_type,
            file_name=action.file_name,
            size=action.size,
            caption=action.text or None,
        )
    if action.kind == "contact":
        return ContactIn(sender, action.text, action.contact_user_id or sender.user_id)
    return OtherIn(sender, what=action.what)


class EngineFuzz:
    """Sequences against one app: each sequence brings new people (fresh user ids)."""

    def __init__(self, app: App, rng: random.Random) -> None:
        self.app = app
        self.rng = rng
        self.renderer = FuzzRenderer()
        self.user_ids = count(200_000)
        self.update_ids = count(1)
        self.people: list[Persona] = []
        self.keys = {
            key for lang in app.desk.catalog.languages() for key in app.desk.catalog.keys(lang)
        }
        self.trap = LogTrap()

    async def sequence(self, findings: Findings, *, steps: int) -> None:
        rng = self.rng
        self.renderer = FuzzRenderer()  # a sequence sees only its own chats' buttons
        newcomers = [Persona.make(next(self.user_ids)) for _ in range(rng.randint(1, 3))]
        self.people = [*self.people[-6:], *newcomers]
        for persona in newcomers:
            if rng.random() < 0.5:
                await self.onboard(findings, persona)
        actors = [*newcomers, None]  # None: the doctor
        for _ in range(steps):
            persona = rng.choice(actors)
            await self.step(findings, persona, newcomers)
        findings.sequences += 1

    async def onboard(self, findings: Findings, persona: Persona) -> None:
        script = [
            Action("command", text="/start"),
            "Accetto",
            Action("text", text=persona.first_name),
            Action("text", text=persona.last_name),
            Action("text", text="01/01/1980"),
            Action("text", text=persona.cf),
            "Salta",
            "Conferma",
        ]
        for item in script:
            if isinstance(item, str):
                action = self._labelled(persona.user_id, item)
                if action is None:
                    return  # the flow went elsewhere: the fuzz goes on from there
            else:
                action = item
            await self.send(findings, persona.user_id, action)

    def _labelled(self, chat_id: int, label: str) -> Action | None:
        for message_id, out in reversed(self.renderer.messages.items()):
            if out.chat_id != chat_id:
                continue
            for row in out.buttons:
                for button in row:
                    if label in button.label and button.data:
                        return Action("tap", data=button.data, message_id=message_id)
            for row in out.keyboard:
                for key in row:
                    if label in key.label:
                        return Action("press", text=key.label)
        return None

    async def step(self, findings: Findings, persona: Persona | None, group: list[Persona]) -> None:
        chat_id = persona.user_id if persona is not None else DOCTOR
        others = [someone for someone in self.people[-3:] if someone is not persona]
        foreign = [b for other in others[-6:] for b in self.renderer.buttons(other.user_id)]
        me = persona or Persona(DOCTOR, "Dott.", "Rossi", "", "zqdoctor")
        action = random_action(
            self.rng,
            me,
            self.renderer.buttons(chat_id),
            foreign,
            self.renderer.keyboard(chat_id),
            others,
        )
        await self.send(findings, chat_id, action)

    async def send(self, findings: Findings, chat_id: int, action: Action) -> None:
        sender = Sender(user_id=chat_id, chat_id=chat_id, language_code="it", first_name="x")
        before = self.renderer.changes.get(chat_id, 0)
        self.renderer.latest.clear()
        update_id = next(self.update_ids)
        findings.updates += 1
        try:
            await self.app.desk.process(
                event_of(action, sender), self.renderer, update_id=update_id
            )
        except Exception as exc:
            findings.crashes.append(f"{type(exc).__name__} on a {action.kind}")
            return
        if self.renderer.changes.get(chat_id, 0) == before:
            findings.unanswered.append(f"a {action.kind} got no reply")
        for out in self.renderer.latest:
            labels = " ".join(button.label for row in out.buttons for button in row)
            check_shown(
                findings, out.chat_id, f"{out.text} {labels}", self.people, {DOCTOR}, self.keys
            )


async def fuzz_engine(
    directory: Path, *, sequences: int, seed: int, steps: tuple[int, int] = (2, 8)
) -> Findings:
    """`sequences` random sequences on a fresh app; logs trapped and searched at the end."""
    findings = Findings()
    root = logging.getLogger()
    quiet_loggers()  # as the bot runs: never DEBUG for the database driver or HTTP
    async with fuzz_app(directory) as app:
        fuzz = EngineFuzz(app, random.Random(seed))
        root.addHandler(fuzz.trap)
        previous = root.level
        root.setLevel(logging.DEBUG)
        try:
            for _ in range(sequences):
                await fuzz.sequence(findings, steps=fuzz.rng.randint(*steps))
                fuzz.trap.check(findings, fuzz.people)
        finally:
            root.setLevel(previous)
            root.removeHandler(fuzz.trap)
    return findings
