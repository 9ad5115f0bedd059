"""The real bot fuzzed over the Bot API emulator: people typing, tapping and sending files, and
raw updates no person sends (malformed shapes, edited messages, groups, channels, other people's
buttons), injected with the driver's `POST /updates`.

After every person's message or tap: some reply in their chat (or the tap answered). Every so
often, and at the end, a new patient's /start must be answered: if not, polling is wedged.
At the end: every transcript is searched for internal text and for other patients' data, each
group heard the bot at most once, and the trapped logs for personal data and errors.
"""

from __future__ import annotations

import asyncio
import logging
import random
from contextlib import suppress
from itertools import count
from pathlib import Path
from typing import Any

from bot.bootstrap import bootstrap
from bot.emulator import Emulator, EmulatorClient
from bot.emulator.client import EmulatorError
from flows.settings import Settings
from tests.e2e.conftest import ALWAYS_OPEN, TOKEN, raw_message, run_of
from tests.fuzz.engine_run import DOCTOR
from tests.fuzz.shapes import SHAPES, message_of
from tests.fuzz.world import COMMANDS, Findings, LogTrap, Persona, check_shown, odd_text

ANSWER_SECONDS = 10.0
CANARY_EVERY = 250
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000010000000100802000000") + b"\0" * 32


class BotFuzz:
    def __init__(self, tg: EmulatorClient, rng: random.Random, keys: set[str]) -> None:
        self.tg = tg
        self.rng = rng
        self.keys = keys
        self.people: list[Persona] = []
        self.groups: list[int] = []
        self.update_ids = count(5_000_000)
        self.user_ids = count(300_000)

    async def newcomer(self) -> Persona:
        persona = Persona.make(next(self.user_ids))
        await self.tg.create_user(
            user_id=persona.user_id, first_name=persona.first_name, language_code="it"
        )
        self.people.append(persona)
        return persona

    async def step(self, findings: Findings) -> None:
        rng = self.rng
        if not self.people or rng.random() < 0.05:
            await self.newcomer()
        persona = rng.choice(self.people[-8:])
        findings.updates += 1
        roll = rng.random()
        if roll < 0.55:
            await self.person_acts(findings, persona)
        else:
            await self.inject(persona)

    async def person_acts(self, findings: Findings, persona: Persona) -> None:
        tg, rng = self.tg, self.rng
        before = await tg.chat_seq(persona.user_id)
        last = await tg.last_bot_message(persona.user_id)
        roll = rng.random()
        try:
            if roll < 0.35 and last is not None and last.inline_keyboard:
                label = rng.choice([b["text"] for row in last.inline_keyboard for b in row])
                callback = await tg.tap(persona.user_id, label, message_id=last.message_id)
                await self._answered(findings, persona, before, callback, "tap")
                return
            if roll < 0.45 and last is not None and last.buttons and not last.inline_keyboard:
                await tg.press_reply_button(
                    persona.user_id, rng.choice(last.buttons), "+393331234567"
                )
            elif roll < 0.65:
                await tg.send_text(persona.user_id, rng.choice(COMMANDS))
            elif roll < 0.85:
                await tg.send_text(persona.user_id, odd_text(rng, persona)[:4096] or ".")
            elif roll < 0.93:
                await tg.send_document(
                    persona.user_id,
                    b"%PDF-1.4 " + bytes(rng.randrange(256) for _ in range(64)),
                    file_name=rng.choice(("referto.pdf", "x.exe", "ﬁ.pdf", "a" * 200)),
                    caption=odd_text(rng, persona)[:1000] if rng.random() < 0.5 else None,
                )
            elif roll < 0.97:
                await tg.send_photo(persona.user_id, PNG, caption=persona.marker)
            else:
                other = rng.choice(self.people)
                await tg.share_contact(
                    persona.user_id, "+39333" + str(rng.randrange(10**7)),
                    first_name=other.first_name, contact_user_id=other.user_id, own=False,
                )  # fmt: skip
        except EmulatorError:
            findings.updates -= 1  # the emulator refused it, as Telegram's app would
            return
        await self._answered(findings, persona, before, None, "message")

    async def _answered(
        self, findings: Findings, persona: Persona, before: int, callback: str | None, what: str
    ) -> None:
        changed = (await self.tg.wait_for(persona.user_id, before, timeout=ANSWER_SECONDS)).changed
        if callback is not None and not changed:
            changed = (await self.tg.callback_answer(callback)).answered
        if not changed:
            findings.unanswered.append(f"a {what} from {persona.user_id} got no reply")
        await self.tg.wait_idle(0.02)

    async def inject(self, persona: Persona) -> None:
        """An update no person's app sends: malformed, edited, in a group or a channel, or a
        tap on someone else's button."""
        rng, uid = self.rng, persona.user_id
        roll = rng.random()
        if roll < 0.35:
            update = rng.choice(list(SHAPES.values()))(uid)
        elif roll < 0.45:
            update = {"edited_message": {**message_of(uid), "edit_date": 1_700_000_100}}
        elif roll < 0.65:
            if not self.groups or rng.random() < 0.3:
                group, _ = await self.tg.create_group(
                    kind=rng.choice(("group", "supergroup")), title="Famiglia", added_by=uid
                )
                self.groups.append(group["id"])
            text = rng.choice(COMMANDS) + " " + persona.marker
            update = raw_message(uid, text, group_id=rng.choice(self.groups))
        elif roll < 0.75:
            channel = {
                "id": -1_000_000_000_000 - rng.randrange(10**6),
                "type": "channel",
                "title": "N",
            }
            post = {"message_id": 1, "date": 1_700_000_000, "chat": channel, "text": persona.marker}
            update = {"channel_post": post}
        else:
            update = await self._foreign_tap(persona)
        with suppress(EmulatorError):
            await self.tg.inject_update(update)  # the emulator numbers it after its own

    async def _foreign_tap(self, persona: Persona) -> dict[str, Any]:
        other = self.rng.choice(self.people)
        last = await self.tg.last_bot_message(other.user_id)
        datas = [
            b.get("callback_data") for row in (last.inline_keyboard if last else []) for b in row
        ]
        data = self.rng.choice([d for d in datas if d] or ["forged~AAAAAAAA"])
        if self.rng.random() < 0.3:
            data = data[: self.rng.randrange(len(data) or 1)]
        query = {
            "id": f"fuzz-{next(self.update_ids)}",
            "from": {"id": persona.user_id, "is_bot": False, "first_name": persona.first_name},
            "chat_instance": "1",
            "data": data,
            "message": {**message_of(persona.user_id), "message_id": 1},
        }
        return {"callback_query": query}

    async def canary(self, findings: Findings) -> None:
        """A new patient's /start: answered unless polling is stuck."""
        persona = await self.newcomer()
        sent = await self.tg.send_text(persona.user_id, "/start")
        if not (await self.tg.wait_for(persona.user_id, sent.seq, timeout=ANSWER_SECONDS)).changed:
            findings.wedges.append(f"polling stuck after {findings.updates} updates")

    async def check(self, findings: Findings) -> None:
        for persona in self.people:
            for message in await self.tg.transcript(persona.user_id):
                if message.from_bot:
                    text = f"{message.content} {' '.join(message.buttons)}"
                    check_shown(findings, persona.user_id, text, self.people, {DOCTOR}, self.keys)
        for group in self.groups:
            said = [m for m in await self.tg.transcript(group) if m.from_bot]
            if len(said) > 1:
                findings.leaks.append(f"group {group} heard the bot {len(said)} times")


async def fuzz_bot(adapter: str, directory: Path, *, updates: int, seed: int) -> Findings:
    """`updates` random updates to the real bot on `adapter`, polling a fresh emulator."""
    findings = Findings()
    trap = LogTrap()
    root = logging.getLogger()
    async with (
        Emulator(token=TOKEN, port=0, latency_ms=0) as emulator,
        EmulatorClient(emulator.base_url) as tg,
    ):
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=TOKEN,  # type: ignore[arg-type]
            telegram_api_base_url=emulator.base_url,
            telegram_framework=adapter,  # type: ignore[arg-type]
            database_url=f"sqlite+aiosqlite:///{directory / f'bot-{adapter}.db'}",
            opening_hours=ALWAYS_OPEN,
        )
        app = await bootstrap(settings)
        async with app.database.uow() as uow:
            await uow.staff.upsert(telegram_id=DOCTOR, name="Dott. Rossi", role="doctor")
            await uow.commit()
        stop = asyncio.Event()
        root.addHandler(trap)
        previous, root.level = root.level, logging.DEBUG
        task = asyncio.create_task(run_of(adapter)(app, stop=stop))
        try:
            keys = {
                key for lang in app.desk.catalog.languages() for key in app.desk.catalog.keys(lang)
            }
            fuzz = BotFuzz(tg, random.Random(seed), keys)
            await tg.create_user(user_id=DOCTOR, first_name="Rossi", language_code="it")
            await fuzz.canary(findings)
            for number in range(updates):
                await fuzz.step(findings)
                if number % CANARY_EVERY == CANARY_EVERY - 1:
                    await fuzz.canary(findings)
            await fuzz.canary(findings)
            await fuzz.check(findings)
            findings.sequences += 1
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
            root.removeHandler(trap)
            root.setLevel(previous)
            await app.close()
        trap.check(findings, fuzz.people)
    return findings
