"""What the bot says reaches the patient when Telegram fails: 500s, timeouts that changed
nothing and timeouts whose call went through, on sends, edits and callback answers; a tap on
an old menu always answered; the confirmation of a filed request delivered once, even when the
bot dies between saving the request and replying. Both adapters, over the emulator."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlmodel import select

from bench.faults import Counts, Patient, faults
from bench.flow import Driver, Person, Tally, patient_steps
from bot.bootstrap import App
from bot.emulator import Emulator, EmulatorClient
from storage.tables import OutboundMessage
from tests.e2e.conftest import READY_SECONDS, BotProcess, RunningBot, calls, wait_until
from tests.e2e.people import Someone, onboard
from tests.e2e.test_patient_journeys import begin, forged_tap, requests_of

pytestmark = pytest.mark.e2e

RECEIVED = "Ricevuta. La avviseremo"
EXPIRED = "Questo menu non è più valido"
QUESTION = "Posso prendere il farmaco a stomaco vuoto?"
PATIENT_SECONDS = 20.0  # retries wait, so answers take longer than people.py expects


async def until(what: str, check: Callable[[], Awaitable[bool]]) -> None:
    await wait_until(check, PATIENT_SECONDS, what)


async def shows(maria: Someone, part: str) -> bool:
    return any(part in label for m in await maria.bot_messages() for label in m.buttons)


async def act_and_wait(maria: Someone, part: str, action: Callable[[], Awaitable[object]]) -> None:
    """Do `action`, then wait (patiently) until a button with `part` shows and the bot is done."""
    await action()
    await until(f"a button {part!r}", lambda: shows(maria, part))
    await maria.tg.wait_idle(0.6)  # longer than a retry's pause


async def tap(maria: Someone, label: str, wants: str) -> None:
    message, full = await maria.find(label)
    await act_and_wait(maria, wants, lambda: maria.tg.tap(maria.id, full, message.message_id))


async def say(maria: Someone, text: str, wants: str) -> None:
    await act_and_wait(maria, wants, lambda: maria.tg.send_text(maria.id, text))


async def received(maria: Someone) -> int:
    return sum(RECEIVED in text for text in await maria.texts())


async def outbox_statuses(app: App) -> list[str]:
    async with app.database.uow() as uow:
        rows = (await uow.session.exec(select(OutboundMessage))).all()
        return [row.status for row in rows if row.kind == "request_confirmation"]


@pytest.mark.parametrize("fault", [500, "drop", "drop_after_apply"])
async def test_failing_sends_and_edits_while_filing_end_with_the_confirmation(
    tg: EmulatorClient, app: App, frontdesk: RunningBot, fault: int | str
) -> None:
    maria = await Someone.join(tg, 9301)
    await onboard(maria)
    await tg.fail_next("editMessageText", fault, count=2)
    await tg.fail_next("sendMessage", fault, count=2)
    await tap(maria, "Domanda", "No, non è urgente")
    await tap(maria, "No, non è urgente", "Terapia")
    await tap(maria, "Terapia", "Annulla")
    await say(maria, QUESTION, "Invia")
    await tg.fail_next("editMessageText", fault, count=2)
    await tg.fail_next("sendMessage", fault, count=2)
    await tap(maria, "Invia", "Domanda")  # the main menu again, below the card
    await until("the confirmation", lambda: received(maria))
    shown = await received(maria)
    # A timeout whose send went through may show the card twice; never zero times.
    assert shown == 1 if fault != "drop_after_apply" else shown in (1, 2)
    [request] = await requests_of(app)
    assert request.status_message_id is not None
    assert await outbox_statuses(app) == ["sent"]


async def test_a_menu_left_behind_by_a_failed_edit_answers_with_the_current_step(
    tg: EmulatorClient, frontdesk: RunningBot
) -> None:
    maria = await Someone.join(tg, 9302)
    await onboard(maria)
    home, label = await maria.find("Domanda")
    await tg.fail_next("editMessageText", 500, count=4)  # more than the renderer tries
    await tap(maria, "Domanda", "No, non è urgente")
    left = next(m for m in await maria.bot_messages() if m.message_id == home.message_id)
    assert label in left.buttons  # the edit never happened: the old step is still there
    before = len(await maria.bot_messages())
    await tg.tap(maria.id, label, message_id=home.message_id)
    await until("an answer to the old menu", lambda: _more(maria, before))
    last = await maria.last()
    assert EXPIRED in last.content
    assert any("non è urgente" in b for b in last.buttons)  # where she stands, not a restart


async def test_a_menu_whose_edit_and_new_message_both_failed_is_repaired_in_place(
    tg: EmulatorClient, frontdesk: RunningBot
) -> None:
    maria = await Someone.join(tg, 9303)
    await onboard(maria)
    home, label = await maria.find("Domanda")
    await tg.fail_next("editMessageText", 400)  # refusals: not retried, quick to run out
    await tg.fail_next("sendMessage", 400)
    seq = await tg.chat_seq(maria.id)
    await tg.tap(maria.id, label, message_id=home.message_id)
    await tg.wait_for(maria.id, seq, timeout=2)
    await tg.wait_idle(0.3)
    assert (await maria.last()).message_id == home.message_id
    assert label in (await maria.last()).buttons  # nothing changed on screen
    count = len(await maria.bot_messages())
    await tap(maria, "Domanda", "No, non è urgente")  # her tap again, on the same menu
    messages = await maria.bot_messages()
    assert len(messages) == count  # repaired in place
    assert any("non è urgente" in b for b in messages[-1].buttons)


async def test_a_double_tap_is_answered_and_applied_once(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    maria = await Someone.join(tg, 9304)
    await onboard(maria)
    home, label = await maria.find("Domanda")
    data = home.callback_data(label)
    assert data is not None
    await tap(maria, "Domanda", "No, non è urgente")
    count = len(await maria.bot_messages())
    edits = (await maria.last()).edit_count
    # The same button once more, arriving after the first tap moved the menu on.
    await tg.inject_update({"update_id": 930_401, **forged_tap(maria.id, home.message_id, data)})
    await wait_until(lambda: _updates_done(app, 930_401), PATIENT_SECONDS, "the second tap")
    await tg.wait_idle(0.3)
    assert len(await maria.bot_messages()) == count
    assert (await maria.last()).edit_count == edits  # "message is not modified": nothing twice
    assert (await tg.stats())["errors"].get("400", 0) >= 1
    await tap(maria, "No, non è urgente", "Terapia")  # and the menu still works


@pytest.mark.parametrize("fault", [500, "drop", 429])
async def test_a_failed_callback_answer_is_tried_again(
    tg: EmulatorClient, frontdesk: RunningBot, fault: int | str
) -> None:
    maria = await Someone.join(tg, 9305)
    await onboard(maria)
    await tg.fail_next("answerCallbackQuery", fault)
    message, label = await maria.find("Domanda")
    callback = await tg.tap(maria.id, label, message_id=message.message_id)

    async def answered() -> bool:
        return (await tg.callback_answer(callback)).answered

    await until("the spinner to stop", answered)
    assert await calls(tg, "answerCallbackQuery") >= 2


async def _more(maria: Someone, count: int) -> bool:
    return len(await maria.bot_messages()) > count


async def _updates_done(app: App, update_id: int) -> bool:
    async with app.database.uow() as uow:
        row = await uow.updates.get(update_id=update_id)
        return row is not None and row.status == "done"


# --- killed between saving the request and replying -------------------------------------

# `frontdesk run`, except that it dies (SIGKILL) right after the turn that filed a request
# committed, before its reply went out.
DIES_AFTER_FILING = """
import os, signal
from flows import engine
handle = engine.FrontDesk.handle
async def dying(self, event, **kwargs):
    reply = await handle(self, event, **kwargs)
    if any(m.outbox_key for m in reply.messages):
        os.kill(os.getpid(), signal.SIGKILL)
    return reply
engine.FrontDesk.handle = dying
from bot.cli import main
main()
"""


class DiesAfterFiling(BotProcess):
    async def start(self, tg: EmulatorClient) -> None:
        polls = await calls(tg, "getUpdates")
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                # On the test's clock like every bot it starts: the bot that replaces this one
                # compares what this one wrote with its own "now".
                sys.executable, "-c", DIES_AFTER_FILING, "run", env=self.environment(),
                cwd=self.workdir,
                stdout=log, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip

        async def polling() -> bool:
            return await calls(tg, "getUpdates") > polls

        await wait_until(polling, READY_SECONDS * 2, "the dying bot to poll")


async def test_killed_after_saving_the_request_the_confirmation_comes_once_after_restart(
    tg: EmulatorClient, bot_env: dict[str, str], tmp_path: Path
) -> None:
    dying = DiesAfterFiling(bot_env, tmp_path)
    await dying.start(tg)
    maria = await Someone.join(tg, 9306)
    await onboard(maria)
    await begin(maria, "Domanda")
    await maria.tap("Terapia")
    await maria.say(QUESTION)
    _, label = await maria.find("Invia")
    await tg.tap(maria.id, label)
    assert await asyncio.wait_for(dying.process.wait(), 20) < 0  # type: ignore[union-attr]
    assert await received(maria) == 0
    database = tmp_path / "frontdesk.db"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM requests").fetchone() == (1,)
    again = BotProcess(bot_env, tmp_path)
    await again.start(tg)
    await until("the confirmation after the restart", lambda: received(maria))
    await asyncio.sleep(1.0)  # time enough for a second one to show, were there one
    assert await received(maria) == 1
    assert await again.terminate() == 0
    with sqlite3.connect(database) as db:
        statuses = db.execute(
            "SELECT status FROM outbound_messages WHERE kind = 'request_confirmation'"
        ).fetchall()
        assert statuses == [("sent",)]
        card = db.execute("SELECT status_message_id FROM requests").fetchone()
        assert card[0] is not None  # the live card is remembered: it is edited later


# --- many patients, a share of every call failing -----------------------------------------


async def test_patients_filing_while_a_tenth_of_calls_fail_all_get_their_confirmation(
    tg: EmulatorClient, emulator: Emulator, app: App, frontdesk: RunningBot
) -> None:
    people = [await Someone.join(tg, 9400 + n) for n in range(6)]
    driver = Driver(emulator.base_url)
    tally = Tally()
    walkers = [Person(driver, p.id, tally, 0.05) for p in people]
    await asyncio.gather(
        *(w.walk(patient_steps(n)[:8], lambda *_: None) for n, w in enumerate(walkers))
    )
    assert tally.failures == []  # onboarded with no faults
    for fault in faults(0.1, seed=5):
        await tg.fail_next(
            fault["method"], fault["status"], count=None, rate=fault["rate"], seed=fault["seed"]
        )
    counts = Counts()
    try:
        patients = [Patient(driver, p.id, n, counts, spinners=False) for n, p in enumerate(people)]
        await asyncio.gather(*(p.file() for p in patients))
    finally:
        await tg.clear_faults()
        await driver.close()
    assert counts.gave_up == []
    for someone in people:
        assert await received(someone) >= 1
    assert len(await requests_of(app)) == len(people)
    assert counts.menu_restarts == 0  # nobody had to type /menu to get going again
