"""The request kinds walked like a patient would, without network: Ricetta, Certificato, Referti,
Visita — each filed with its event and summary, and each way of going wrong on the way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from bot.bootstrap import App
from storage.tables import Attachment, Conversation, Request, RequestEvent, Therapy
from tests.flows.harness import Person

Registered = Callable[[int], Awaitable[Person]]


async def begin(someone: Person, menu_label: str) -> None:
    await someone.tap(menu_label)
    await someone.tap("non è urgente")


async def filed(app: App) -> list[Request]:
    async with app.database.uow() as uow:
        return list((await uow.session.exec(select(Request))).all())


async def answers_so_far(app: App, someone: Person) -> dict[str, Any]:
    async with app.database.uow() as uow:
        conversation = await uow.session.get(Conversation, someone.sender.chat_id)
    assert conversation is not None
    return dict(conversation.answers or {})


async def send_and_check(app: App, someone: Person) -> Request:
    """Tap Send on the summary: one request, its submit event, and the summary as its card."""
    summary_id = someone.last().message_id
    await someone.tap("Invia")
    assert "ricevuta" in someone.renderer.messages[summary_id].text
    (request,) = await filed(app)
    async with app.database.uow() as uow:
        events = (await uow.session.exec(select(RequestEvent))).all()
    assert [(e.request_id, e.action) for e in events] == [(request.id, "submit")]
    return request


async def save_therapy(app: App, telegram_id: int) -> Therapy:
    async with app.database.uow() as uow:
        patient = await uow.patients.by_telegram_id(telegram_id=telegram_id)
        assert patient is not None
        assert patient.id is not None
        therapy = Therapy(
            patient_id=patient.id, medicine="Ramipril", dose="5 mg", start_date=date(2026, 1, 1)
        )
        uow.session.add(therapy)
        await uow.commit()
    return therapy


def lines(request: Request) -> dict[str, Any]:
    return {
        line["label"]: line.get("value", line.get("value_key", line.get("files")))
        for line in request.answers["_lines"]
    }


# --- Ricetta ------------------------------------------------------------------------------


async def test_prescription_new_medicine_to_pharmacy(app: App, registered: Registered) -> None:
    maria = await registered(601)
    await begin(maria, "Ricetta")
    await maria.tap("Un farmaco nuovo")
    await maria.text("Tachipirina")
    await maria.text("1000 mg")
    await maria.text("4")
    await maria.tap("Inviata alla mia farmacia")
    await maria.text("Farmacia Centrale, Frascati")
    summary = maria.last().text
    for expected in ("Farmaco: Tachipirina", "Dosaggio: 1000 mg", "Scatole: 4", "Frascati"):
        assert expected in summary
    request = await send_and_check(app, maria)
    assert request.kind == "prescription"
    assert request.answers["medicine"] == "Tachipirina"
    assert request.answers["boxes"] == 4
    assert request.answers["delivery"] == "pharmacy"
    assert lines(request) == {
        "prescription.label.what": "prescription.what.new",
        "prescription.label.medicine": "Tachipirina",
        "prescription.label.dose": "1000 mg",
        "prescription.label.boxes": "4",
        "prescription.label.delivery": "prescription.delivery.pharmacy",
        "prescription.label.pharmacy": "Farmacia Centrale, Frascati",
    }


async def test_prescription_repeats_a_saved_therapy(app: App, registered: Registered) -> None:
    maria = await registered(602)
    therapy = await save_therapy(app, 602)
    await begin(maria, "Ricetta")
    await maria.tap("Ripetere")
    assert "Quale farmaco" in maria.last().text
    await maria.tap("Ramipril 5 mg")
    await maria.tap("2 scatole")
    await maria.tap("codice qui in chat")
    assert "Farmaco: Ramipril 5 mg" in maria.last().text
    request = await send_and_check(app, maria)
    assert request.answers["saved"] == f"t{therapy.id}"
    assert "medicine" not in request.answers
    assert lines(request)["prescription.label.medicine"] == "Ramipril 5 mg"
    assert request.answers["delivery"] == "nre"


async def test_prescription_repeat_with_nothing_saved(app: App, registered: Registered) -> None:
    maria = await registered(603)
    await begin(maria, "Ricetta")
    await maria.tap("Ripetere")
    assert "Non trovo farmaci salvati" in maria.last().text
    assert maria.last().text.count("nome del farmaco") == 1
    await maria.text("Eutirox")
    await maria.tap("Salta")
    await maria.tap("1 scatola")
    await maria.tap("ritiro in studio")
    assert "Tipo: 🔁 Ripetizione" in maria.last().text  # what she chose, not "a new medicine"
    request = await send_and_check(app, maria)
    assert request.answers["what"] == "repeat"
    assert lines(request)["prescription.label.what"] == "prescription.what.repeated"
    assert request.answers["dose"] is None
    # The next time, the medicine of that request is offered to repeat.
    await begin(maria, "Ricetta")
    await maria.tap("Ripetere")
    await maria.tap("Eutirox")
    assert "Quante scatole" in maria.last().text


async def test_prescription_left_branch_is_not_filed(app: App, registered: Registered) -> None:
    maria = await registered(604)
    await save_therapy(app, 604)
    await begin(maria, "Ricetta")
    await maria.tap("Un farmaco nuovo")
    await maria.text("Aspirina")
    await maria.tap("Indietro")
    assert "nome del farmaco" in maria.last().text
    assert (await answers_so_far(app, maria))["medicine"] == "Aspirina"
    await maria.tap("Indietro")
    await maria.tap("Ripetere")
    await maria.tap("Ramipril")
    await maria.tap("1 scatola")
    await maria.tap("ritiro in studio")
    assert "Aspirina" not in maria.last().text
    request = await send_and_check(app, maria)
    assert "medicine" not in request.answers
    assert lines(request)["prescription.label.medicine"] == "Ramipril 5 mg"
    assert len(request.answers["_lines"]) == 4


async def test_prescription_bad_values_and_photo(app: App, registered: Registered) -> None:
    maria = await registered(605)
    await begin(maria, "Ricetta")
    await maria.tap("Un farmaco nuovo")
    await maria.file()
    assert "Scriva la risposta in un messaggio" in maria.last().text
    assert "nome del farmaco" in maria.last().text
    await maria.text("x" * 81)
    assert "troppo lungo (81 caratteri, massimo 80)" in maria.last().text
    await maria.text("Tachipirina")
    await maria.tap("Salta")
    await maria.text("9")
    assert "⚠️ Scriva un numero da 1 a 6." in maria.last().text
    assert "Quante scatole" in maria.last().text
    await maria.text("due")
    assert "Scriva solo un numero" in maria.last().text
    await maria.tap("Annulla")
    assert "Non è stato inviato nulla" in maria.last().text
    assert await filed(app) == []


async def test_prescription_deep_link(registered: Registered) -> None:
    maria = await registered(606)
    await maria.text("/start ricetta")
    assert "urgente" in maria.last().text
    await maria.tap("non è urgente")
    assert "ripetere un farmaco" in maria.last().text


# --- Certificato --------------------------------------------------------------------------


async def test_certificate_sick_leave(app: App, registered: Registered) -> None:
    maria = await registered(611)
    await begin(maria, "Certificato")
    await maria.tap("Malattia")
    await maria.text("domani")
    assert "La data è nel futuro" in maria.last().text
    assert "Da che giorno" in maria.last().text
    await maria.tap("Ieri")
    await maria.text("40")
    assert "Scriva un numero da 1 a 30." in maria.last().text
    await maria.tap("Indietro")
    assert "Da che giorno" in maria.last().text
    assert (await answers_so_far(app, maria))["sick_from"] == "2026-11-23"
    await maria.tap("Oggi")
    await maria.tap("5 giorni")
    summary = maria.last().text
    assert "Inizio malattia: 24/11/2026" in summary
    assert "Serve entro" not in summary
    request = await send_and_check(app, maria)
    assert request.kind == "certificate"
    assert request.answers["sick_days"] == 5
    assert lines(request) == {
        "certificate.label.which": "certificate.which.sick",
        "certificate.label.sick_from": "24/11/2026",
        "certificate.label.sick_days": "5",
    }


@pytest.mark.parametrize(
    ("which", "typed", "needed_by"),
    [("Sport", None, "2026-12-15"), ("Scuola", None, "2026-12-15"), ("Altro", "Idoneità", None)],
)
async def test_certificate_needed_by_a_date(
    app: App, registered: Registered, which: str, typed: str | None, needed_by: str | None
) -> None:
    maria = await registered(612)
    await begin(maria, "Certificato")
    await maria.tap(which)
    if typed is not None:
        await maria.text(typed)
    await maria.text("ieri")
    assert "La data è già passata" in maria.last().text
    if needed_by is None:
        await maria.tap("Domani")
        needed_by = "2026-11-25"
    else:
        await maria.text("15/12")
    request = await send_and_check(app, maria)
    assert request.answers["needed_by"] == needed_by
    assert request.answers.get("description") == typed
    assert "sick_from" not in request.answers


async def test_certificate_photo_and_cancel(app: App, registered: Registered) -> None:
    maria = await registered(613)
    await begin(maria, "Certificato")
    await maria.tap("Altro")
    await maria.file(kind="document", mime="application/pdf")
    assert "Scriva la risposta in un messaggio" in maria.last().text
    await maria.tap("Annulla")
    assert await filed(app) == []


# --- Referti ------------------------------------------------------------------------------


async def test_reports_with_files(app: App, registered: Registered) -> None:
    maria = await registered(621)
    await begin(maria, "Referti")
    assert "Fatto" not in str(maria.last().buttons)
    await maria.text("ecco")
    assert "Invii una foto o un PDF" in maria.last().text
    await maria.file()
    await maria.file(kind="document", mime="application/zip")
    assert "tipo di file non va bene" in maria.last().text
    await maria.file(kind="document", mime="application/pdf")
    assert "File ricevuti: 2" in maria.last().text
    await maria.tap("Fatto")
    await maria.tap("Indietro")
    assert "File ricevuti: 2" in maria.last().text
    await maria.tap("Fatto")
    await maria.tap("Esami del sangue")
    await maria.tap("Che il medico li guardi")
    await maria.file()
    assert "Scriva la risposta in un messaggio" in maria.last().text
    await maria.text("y" * 301)
    assert "troppo lungo" in maria.last().text
    await maria.text("Colesterolo alto?")
    assert "Documenti: 2 file" in maria.last().text
    request = await send_and_check(app, maria)
    assert lines(request) == {
        "reports.label.files": 2,
        "reports.label.exam": "reports.exam.blood",
        "reports.label.wanted": "reports.wanted.review",
        "reports.label.note": "Colesterolo alto?",
    }
    async with app.database.uow() as uow:
        stored = (await uow.session.exec(select(Attachment))).all()
    assert [(a.request_id, a.kind, a.mime_type) for a in stored] == [
        (request.id, "photo", "image/jpeg"),
        (request.id, "document", "application/pdf"),
    ]


async def test_reports_too_many_files_skip_note_and_cancel(
    app: App, registered: Registered
) -> None:
    maria = await registered(622)
    await begin(maria, "Referti")
    for _ in range(6):
        await maria.file()
    assert "al massimo 5 file" in maria.last().text
    await maria.tap("Fatto")
    await maria.tap("Altro")
    await maria.tap("Solo aggiungerli")
    await maria.tap("Salta")
    assert "Nota: —" in maria.last().text
    await maria.tap("Annulla")
    assert await filed(app) == []
    async with app.database.uow() as uow:
        assert (await uow.session.exec(select(Attachment))).all() == []


# --- Visita -------------------------------------------------------------------------------


async def test_visit_picks_several_days(app: App, registered: Registered) -> None:
    maria = await registered(631)
    await begin(maria, "Visita")
    await maria.file()
    assert "Scriva la risposta in un messaggio" in maria.last().text
    await maria.text("z" * 201)
    assert "massimo 200" in maria.last().text
    await maria.text("Controllo della pressione")
    await maria.tap("Al telefono")
    menu = maria.last()
    assert "Fatto" not in str(menu.buttons)
    await maria.tap("Lunedì")
    await maria.tap("Venerdì")
    await maria.tap("Mercoledì")
    labels = [b.label for row in maria.last().buttons for b in row]
    assert {"✓ Lunedì", "✓ Mercoledì", "✓ Venerdì", "Martedì", "✅ Fatto"} <= set(labels)
    await maria.tap("Venerdì")
    assert "Venerdì" in [b.label for row in maria.last().buttons for b in row]
    assert maria.last().message_id == menu.message_id  # the same menu, edited in place
    await maria.tap("Fatto")
    await maria.tap("Indietro")
    assert "✓ Mercoledì" in str(maria.last().buttons)
    await maria.tap("Fatto")
    await maria.tap("Mattina")
    assert "Giorni: Lunedì, Mercoledì" in maria.last().text
    request = await send_and_check(app, maria)
    assert request.kind == "visit"
    assert request.answers["days"] == ["mon", "wed"]
    assert lines(request) == {
        "visit.label.reason": "Controllo della pressione",
        "visit.label.modality": "visit.modality.phone",
        "visit.label.days": "Lunedì, Mercoledì",
        "visit.label.time": "visit.time.morning",
    }


async def test_visit_any_day_stands_alone(app: App, registered: Registered) -> None:
    maria = await registered(632)
    await begin(maria, "Visita")
    await maria.text("Certificato per la patente")
    await maria.tap("In studio")
    await maria.tap("Martedì")
    await maria.tap("Qualsiasi giorno")
    assert "mattina o di pomeriggio" in maria.last().text
    await maria.tap("Indietro")
    labels = [b.label for row in maria.last().buttons for b in row]
    assert "✓ Qualsiasi giorno" in labels
    assert "Martedì" in labels
    await maria.tap("Giovedì")
    assert "✓ Qualsiasi giorno" not in str(maria.last().buttons)
    await maria.tap("Annulla")
    assert await filed(app) == []
