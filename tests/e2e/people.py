"""A person in front of the emulator: types, taps buttons by (part of) their label, sends files,
and waits until the bot has finished answering."""

from __future__ import annotations

from bot.emulator import ChatMessage, EmulatorClient

# The bot sends one answer's messages back to back: this much silence means it has finished.
QUIET_SECONDS = 0.05
FIRST_ANSWER_SECONDS = 10.0


class Someone:
    def __init__(self, tg: EmulatorClient, user_id: int) -> None:
        self.tg = tg
        self.id = user_id

    @classmethod
    async def join(cls, tg: EmulatorClient, user_id: int, first_name: str = "Maria") -> Someone:
        await tg.create_user(user_id=user_id, first_name=first_name, language_code="it")
        return cls(tg, user_id)

    async def settle(self, after_seq: int) -> None:
        """Wait for the bot's answer, then until it makes no more calls (answers span messages)."""
        first = await self.tg.wait_for(self.id, after_seq, timeout=FIRST_ANSWER_SECONDS)
        if not first.changed:
            raise AssertionError(f"no answer from the bot; chat shows:\n{await self.describe()}")
        await self.tg.wait_idle(QUIET_SECONDS)

    async def say(self, text: str) -> None:
        sent = await self.tg.send_text(self.id, text)
        await self.settle(sent.seq)

    async def tap(self, part: str) -> None:
        message, label = await self.find(part)
        before = await self.tg.chat_seq(self.id)
        await self.tg.tap(self.id, label, message_id=message.message_id)
        await self.settle(before)

    async def press(self, part: str) -> None:
        """A reply-keyboard button (share my number, skip)."""
        _, label = await self.find(part)
        sent = await self.tg.press_reply_button(self.id, label, phone_number="+393331234567")
        await self.settle(sent.seq)

    async def photo(self, data: bytes) -> None:
        sent = await self.tg.send_photo(self.id, data)
        await self.settle(sent.seq)

    async def document(self, data: bytes, name: str = "esami.pdf") -> None:
        sent = await self.tg.send_document(
            self.id, data, file_name=name, mime_type="application/pdf"
        )
        await self.settle(sent.seq)

    async def find(self, part: str) -> tuple[ChatMessage, str]:
        for message in reversed(await self.tg.transcript(self.id)):
            if not message.from_bot:
                continue
            for label in message.buttons:
                if part in label:
                    return message, label
        raise AssertionError(f"no button {part!r}; chat shows:\n{await self.describe()}")

    async def bot_messages(self) -> list[ChatMessage]:
        return [m for m in await self.tg.transcript(self.id) if m.from_bot and not m.deleted]

    async def last(self) -> ChatMessage:
        return (await self.bot_messages())[-1]

    async def last_text(self) -> str:
        return (await self.last()).content

    async def texts(self) -> list[str]:
        return [m.content for m in await self.bot_messages()]

    async def describe(self) -> str:
        return "\n".join(m.describe() for m in (await self.tg.transcript(self.id))[-10:])


async def onboard(someone: Someone, *, code: str = "BNCMRA80A41H501E") -> None:
    await someone.say("/start")
    await someone.tap("Accetto")
    await someone.say("Maria")
    await someone.say("Bianchi")
    await someone.say("01/01/1980")
    await someone.say(code)
    await someone.press("Salta")
    await someone.tap("Conferma")
