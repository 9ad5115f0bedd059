"""A filed request's confirmation is an outbox row held for the turn's own reply: marked sent
when the reply shows the card, handed to the dispatcher when it could not. And a tap on the
current menu's message after it moved on redraws it, applying nothing twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel import select

from bot.bootstrap import App
from flows.clock import FixedClock
from flows.reply import Delivered, Reply
from storage.tables import OutboundMessage, Request
from tests.flows.harness import Person, RecordingRenderer

Registered = Callable[..., Awaitable[Person]]


async def file_question(maria: Person) -> None:
    await maria.tap("Domanda")
    await maria.tap("No, non è urgente")
    await maria.tap("Terapia")
    await maria.text("Posso prendere il farmaco a stomaco vuoto?")
    await maria.tap("Invia")


async def confirmations(app: App) -> list[OutboundMessage]:
    async with app.database.uow() as uow:
        rows = (await uow.session.exec(select(OutboundMessage))).all()
        return [row for row in rows if row.kind == "request_confirmation"]


async def test_the_card_shown_by_the_reply_marks_its_outbox_row_sent(
    app: App, registered: Registered
) -> None:
    maria = await registered()
    await file_question(maria)
    [row] = await confirmations(app)
    async with app.database.uow() as uow:
        [request] = (await uow.session.exec(select(Request))).all()
    assert row.idempotency_key == f"confirmation:{request.id}"
    assert row.status == "sent"
    assert row.telegram_message_id == request.status_message_id is not None
    assert row.payload == {}


class LosesCards(RecordingRenderer):
    """Telegram failing every attempt at the card."""

    async def render(self, reply: Reply) -> list[Delivered]:
        kept = Reply([m for m in reply.messages if m.outbox_key is None], reply.menus)
        return await super().render(kept)


async def test_a_card_the_reply_could_not_show_goes_to_the_dispatcher_at_once(
    app: App, clock: FixedClock, registered: Registered
) -> None:
    maria = await registered()
    woken: list[bool] = []
    app.desk.wake_outbox = lambda: woken.append(True)
    maria.renderer = LosesCards(maria.renderer.messages, maria.renderer.ids)
    await file_question(maria)
    [row] = await confirmations(app)
    assert row.status == "pending"
    assert row.not_before == clock.now()  # due now, no longer held
    assert "Richiesta n." in row.payload["text"]
    assert "edit" not in row.payload  # a new message, below whatever is there
    assert woken == [True]


async def test_a_double_tap_on_the_current_menu_redraws_it_and_applies_nothing_twice(
    app: App, registered: Registered
) -> None:
    maria = await registered()
    menu, button = maria.find_button("Domanda")
    assert button.data is not None
    await maria.tap_data(button.data, menu.message_id)
    shown = [(m.message_id, m.text, m.buttons) for m in maria.renderer.chat(maria.sender.chat_id)]
    await maria.tap_data(button.data, menu.message_id)  # the same tap, late
    again = [(m.message_id, m.text, m.buttons) for m in maria.renderer.chat(maria.sender.chat_id)]
    assert again == shown  # the same step, the same buttons, no new message
    async with app.database.uow() as uow:
        conversation = await uow.conversations.get(chat_id=maria.sender.chat_id)
    assert conversation is not None
    assert conversation.trail == []  # still the first step of the Domanda: not entered twice
