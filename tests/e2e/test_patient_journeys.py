"""The patient journey end to end: the real bot polling the emulator over HTTP, a person tapping
and typing, the database checked afterwards. Every bad input gets a clear answer and loses
nothing; the bot keeps running through all of them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pytest
from sqlmodel import select

from bot.bootstrap import App, bootstrap
from bot.emulator import EmulatorClient
from flows.settings import Settings
from storage.tables import Attachment, Patient, Request
from tests import clocks
from tests.e2e.conftest import RunningBot, StartBot
from tests.e2e.people import Someone, onboard

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n% esami\n" + b"0" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"1" * 300


async def requests_of(app: App) -> list[Request]:
    async with app.database.uow() as uow:
        return list((await uow.session.exec(select(Request).order_by(Request.id))).all())


async def events_of(app: App, number: int) -> list[str]:
    async with app.database.uow() as uow:
        return [e.action for e in await uow.requests.events(request_id=number)]


async def begin(someone: Someone, kind: str) -> None:
    await someone.tap(kind)
    await someone.tap("No, non è urgente")


async def prescription(maria: Someone) -> None:
    await begin(maria, "Ricetta")
    await maria.tap("Un farmaco nuovo")
    await maria.say("Ramipril")
    await maria.say("5 mg")
    await maria.tap("2 scatole")
    await maria.tap("codice qui in chat")


async def certificate(maria: Someone) -> None:
    await begin(maria, "Certificato")
    await maria.tap("Malattia")
    await maria.tap("Oggi")
    await maria.tap("5 giorni")


async def reports(maria: Someone) -> None:
    await begin(maria, "Referti")
    await maria.document(PDF)
    await maria.photo(JPEG)
    await maria.tap("Fatto")
    await maria.tap("Esami del sangue")
    await maria.tap("Che il medico li guardi")
    await maria.tap("Salta")


async def question(maria: Someone) -> None:
    await begin(maria, "Domanda")
    await maria.tap("Terapia")
    await maria.say("Posso prendere il farmaco a stomaco vuoto?")


async def visit(maria: Someone) -> None:
    await begin(maria, "Visita")
    await maria.say("Controllo della pressione")
    await maria.tap("In studio")
    await maria.tap("Martedì")
    await maria.tap("Giovedì")
    await maria.tap("Fatto")
    await maria.tap("Mattina")


JOURNEYS: dict[str, Callable[[Someone], Awaitable[None]]] = {
    "prescription": prescription,
    "certificate": certificate,
    "reports": reports,
    "question": question,
    "visit": visit,
}


async def test_onboarding_stores_the_patient(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    maria = await Someone.join(tg, 7001)
    await maria.say("/start")
    welcome = await maria.last_text()
    for expected in ("Studio medico", "112", "116117", "giorni lavorativi", "Privacy"):
        assert expected in welcome
    await onboard_rest(maria)
    assert "Menu principale" in await maria.last_text()
    async with app.database.uow() as uow:
        patient = (await uow.session.exec(select(Patient))).one()
    assert (patient.first_name, patient.last_name) == ("Maria", "Bianchi")
    assert patient.fiscal_code == "BNCMRA80A41H501E"
    assert patient.verification == "pending"


async def onboard_rest(maria: Someone) -> None:
    await maria.tap("Accetto")
    await maria.say("Maria")
    await maria.say("Bianchi")
    await maria.say("01/01/1980")
    await maria.say("BNCMRA80A41H501E")
    await maria.press("Condividi il mio numero")
    await maria.tap("Conferma")


@pytest.mark.parametrize("kind", list(JOURNEYS))
async def test_each_kind_is_filed_with_its_event(
    tg: EmulatorClient, app: App, frontdesk: RunningBot, kind: str
) -> None:
    maria = await Someone.join(tg, 7100 + list(JOURNEYS).index(kind))
    await onboard(maria)
    await JOURNEYS[kind](maria)
    summary = await maria.last()
    assert "Invia" in str(summary.buttons)
    await maria.tap("Invia")
    card = next(m for m in await maria.bot_messages() if m.message_id == summary.message_id)
    assert "Richiesta n. 1" in card.content
    assert "ricevuta" in card.content
    (request,) = await requests_of(app)
    assert request.kind == kind
    assert request.status_message_id == summary.message_id
    assert await events_of(app, 1) == ["submit"]
    if kind == "reports":
        async with app.database.uow() as uow:
            files = (await uow.session.exec(select(Attachment))).all()
        assert sorted(f.kind for f in files) == ["document", "photo"]


async def test_urgent_creates_nothing(tg: EmulatorClient, app: App, frontdesk: RunningBot) -> None:
    maria = await Someone.join(tg, 7201)
    await onboard(maria)
    await maria.tap("Domanda")
    await maria.tap("Emergenza")
    assert "112" in await maria.last_text()
    assert await requests_of(app) == []


async def test_cancel_while_new(tg: EmulatorClient, app: App, frontdesk: RunningBot) -> None:
    maria = await Someone.join(tg, 7202)
    await onboard(maria)
    await question(maria)
    await maria.tap("Invia")
    await maria.tap("Annulla richiesta")
    await maria.tap("Sì, annulla")
    (request,) = await requests_of(app)
    assert request.state == "cancelled"
    assert await events_of(app, 1) == ["submit", "cancel"]


async def test_resume_after_a_restart_mid_flow(
    tg: EmulatorClient, settings: Settings, start_bot: StartBot
) -> None:
    first = await start_bot(await bootstrap(settings, clock=clocks.clock()))
    maria = await Someone.join(tg, 7203)
    await onboard(maria)
    await begin(maria, "Ricetta")
    await maria.tap("Un farmaco nuovo")
    await maria.say("Eutirox")
    await first.close()
    await first.app.close()
    second = await start_bot(await bootstrap(settings, clock=clocks.clock()))
    await maria.say("/start")
    assert "continuare" in await maria.last_text()
    await maria.tap("Continua")
    assert "dosaggio" in (await maria.last_text()).lower()
    await maria.tap("Salta")
    await maria.tap("1 scatola")
    await maria.tap("ritiro in studio")
    assert "Eutirox" in await maria.last_text()
    await maria.tap("Invia")
    (request,) = await requests_of(second.app)
    assert request.answers["medicine"] == "Eutirox"
    await second.app.close()


async def test_bad_inputs_get_a_clear_answer_and_lose_nothing(
    tg: EmulatorClient, app: App, frontdesk: RunningBot
) -> None:
    maria = await Someone.join(tg, 7204)
    await maria.say("/start")
    await maria.say("ciao, mi serve una ricetta")  # typed where a button is expected
    assert "usi i pulsanti" in await maria.last_text()
    await maria.tap("Accetto")
    await maria.say("Maria")
    await maria.say("Bianchi")
    await maria.say("31/02/1980")  # an impossible date
    assert "non esiste" in await maria.last_text()
    await maria.photo(JPEG)  # a photo where text is expected
    assert "Scriva la risposta" in await maria.last_text()
    await maria.say("01/01/1980")
    await maria.say("BNCMRA80A41H501X")  # wrong check character
    assert "errore di battitura" in await maria.last_text()
    await maria.say("BNCMRA80A41H501E")
    await maria.press("Salta")
    await maria.tap("Conferma")
    await begin(maria, "Domanda")
    await maria.tap("Terapia")
    old_menu = await maria.last()  # replaced by a new message once text is typed
    await maria.say("x" * 5000)  # far too long
    assert "troppo lungo" in await maria.last_text()
    await maria.say("\x00\x07\u200b")  # nothing but control characters
    assert "vuoto" in await maria.last_text()
    await maria.say("/inbox")  # a staff command from a patient: the menu, nothing revealed
    assert "Menu principale" in await maria.last_text()
    await begin(maria, "Referti")
    await maria.say("ecco i referti")  # text where a file is expected
    assert "foto o un PDF" in await maria.last_text()
    assert await requests_of(app) == []
    # A tap on an old menu, then callback data that was never sent.
    before = await tg.chat_seq(maria.id)
    await tg.tap(maria.id, old_menu.buttons[0], message_id=old_menu.message_id)
    await maria.settle(before)
    assert "non è più valido" in await maria.last_text()
    before = await tg.chat_seq(maria.id)
    await tg.inject_update(forged_tap(maria.id, old_menu.message_id, "1:v:prescription~AAAAAAAA"))
    await maria.settle(before)
    assert "non è più valido" in await maria.last_text()
    assert await requests_of(app) == []


def forged_tap(user_id: int, message_id: int, data: str) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Maria"}
    return {
        "callback_query": {
            "id": f"forged-{user_id}",
            "from": user,
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": 1_700_000_000,
                "chat": {"id": user_id, "type": "private"},
                "text": "menu",
            },
        }
    }


async def test_an_unexpected_error_gets_an_apology_and_the_menu(
    tg: EmulatorClient, app: App, frontdesk: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    maria = await Someone.join(tg, 7205)
    await onboard(maria)

    secret = "".join(["Bian", "chi ", "BNCMRA80", "A41H501E"])

    async def broken(_turn: object) -> None:
        raise RuntimeError(secret)  # personal data in an exception message

    app.desk.registry.actions["submit_request"] = broken  # type: ignore[assignment]
    caplog.set_level(logging.DEBUG)
    await question(maria)
    await maria.tap("Invia")
    texts = await maria.texts()
    assert any("Ci scusi" in t for t in texts[-3:])
    assert "Menu principale" in await maria.last_text()
    assert await requests_of(app) == []
    assert "RuntimeError" in caplog.text
    assert secret not in caplog.text
