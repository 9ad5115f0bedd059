"""Patients' data rights through the engine, without network: a copy of their data, erasure,
consent withdrawal, and the retention purge with a moved clock."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import SQLModel, select

import storage.tables  # noqa: F401 - every table on the metadata
from bot.bootstrap import App
from flows.clock import FixedClock
from flows.errors import PermissionDenied
from flows.events import Sender, TextIn
from flows.housekeeping import tick
from flows.privacy.erasure import erase_patient
from flows.privacy.export import COVERED_TABLES, export
from flows.privacy.retention import LAST_RUN_SETTING, purge_expired
from flows.privacy.screens import after_withdrawal, erase_data, export_data
from flows.reply import Delivered, Outgoing, Reply
from flows.stats import Stats, compute
from flows.turn import Turn
from storage.tables import (
    Appointment,
    Attachment,
    Caregiver,
    Completion,
    Contact,
    Conversation,
    Enrolment,
    OutboundMessage,
    Patient,
    PatientTag,
    PreventionConsent,
    ProgrammeCall,
    ProgrammeCycle,
    ProgrammeOptOut,
    Rating,
    Reminder,
    Request,
    RequestEvent,
    SatisfactionAnswer,
    Therapy,
)
from storage.uow import Database, UnitOfWork
from tests.flows.harness import Person, RecordingRenderer
from tests.flows.test_staff_desk import add_staff, file_question

QUESTION = "Posso prendere la Tachipirina con il Brufen?"
SECOND = "Serve anche la ricetta per il ginocchio gonfio?"
ASKED = "Da quanti giorni ha la febbre?"
ANSWERED = "Da tre giorni, trentotto e mezzo"
READY_NOTE = "NRE 1234ABCD5678"
MEDICINE = "Metformina 500"
CAREGIVER = "Giulia Verdi"
COMMENT = "La segretaria Anna è stata gentilissima"
FILE_ID = "AgACAgQAAxkBAAIBsegreto"
PERSONAL = ("Maria", "Bianchi", "BNCMRA80A41H501E", "3331234567", "1980-01-01")
TYPED = (QUESTION, SECOND, ASKED, ANSWERED, READY_NOTE, MEDICINE, FILE_ID, CAREGIVER, COMMENT)
# Tables that reference the patient (directly or through another), where their rows show up.
SECTIONS: dict[str, Callable[[dict[str, Any]], list[Any]]] = {
    "patients": lambda data: [data["patient"]],
    "requests": lambda data: data["requests"],
    "request_events": lambda data: [e for r in data["requests"] for e in r["events"]],
    "attachments": lambda data: [a for r in data["requests"] for a in r["attachments"]],
    "therapies": lambda data: data["therapies"],
    "reminders": lambda data: data["reminders"],
    "appointments": lambda data: data["appointments"],
    "ratings": lambda data: data["ratings"],
    "satisfaction_answers": lambda data: data["satisfaction"],
    "conversations": lambda data: [data["conversation"]] if data["conversation"] else [],
    "outbound_messages": lambda data: data["messages"],
    "caregivers": lambda data: data["caregivers"],
    "patient_tags": lambda data: data["tags"],
    "prevention_consents": lambda data: (
        [data["prevention_consent"]] if data["prevention_consent"] else []
    ),
    "programme_enrolments": lambda data: data["enrolments"],
    "programme_contacts": lambda data: [c for e in data["enrolments"] for c in e["contacts"]],
    "programme_calls": lambda data: [c for e in data["enrolments"] for c in e["calls"]],
    "programme_opt_outs": lambda data: data["opt_outs"],
    "programme_completions": lambda data: data["completions"],
}
# The patient's rows in each programme table, for erasure to leave none behind.
PROGRAMME_ROWS = (PatientTag, PreventionConsent, Enrolment, Contact, ProgrammeCall,
                  ProgrammeOptOut, Completion)  # fmt: skip


@dataclass
class FileRenderer(RecordingRenderer):
    """Also keeps the files sent, which the recording renderer does not show."""

    files: list[Outgoing] = field(default_factory=list)

    async def render(self, reply: Reply) -> list[Delivered]:
        self.files.extend(out for out in reply.messages if out.file is not None)
        return await super().render(reply)


@pytest.fixture
def renderer() -> FileRenderer:
    return FileRenderer()


async def onboard_with_phone(someone: Person) -> None:
    await someone.text("/start")
    await someone.tap("Accetto")
    await someone.text("Maria")
    await someone.text("Bianchi")
    await someone.text("01/01/1980")
    await someone.text("BNCMRA80A41H501E")
    await someone.contact("393331234567")
    await someone.tap("Conferma")


async def open_privacy(someone: Person) -> None:
    await someone.tap("Impostazioni")
    await someone.tap("Privacy")


async def busy_patient(app: App, person: Callable[[int], Person]) -> tuple[Person, Person]:
    """A patient with a closed request (question, answer, note, file, rating), an open one, a
    therapy with reminders and two appointments; and the doctor who handled them."""
    await add_staff(app, 900, "Dott. Rossi")
    maria, doctor = person(501), person(900)
    await onboard_with_phone(maria)
    await file_question(maria, QUESTION)
    await doctor.text("/take 1")
    await doctor.text(f"/ask 1 {ASKED}")
    await maria.tap("Rispondi")
    await maria.text(ANSWERED)
    await doctor.text(f"/ready 1 {READY_NOTE}")
    await doctor.text("/close 1")
    await file_question(maria, SECOND)
    await add_records(app)
    return maria, doctor


async def add_records(app: App) -> None:
    now = app.clock.now()
    async with app.database.uow() as uow:
        patient = await uow.patients.by_telegram_id(telegram_id=501)
        assert patient is not None
        assert patient.id is not None
        pid = patient.id
        uow.session.add(
            Attachment(
                request_id=1, telegram_file_id=FILE_ID, kind="document", file_name="Bianchi.pdf"
            )
        )
        therapy = Therapy(
            patient_id=pid, medicine=MEDICINE, times=["08:00"], start_date=date(2026, 11, 1)
        )
        uow.session.add(therapy)
        past = Appointment(patient_id=pid, starts_at=now - timedelta(days=3), status="attended")
        coming = Appointment(patient_id=pid, starts_at=now + timedelta(days=2), status="confirmed")
        uow.session.add_all([past, coming])
        uow.session.add(Rating(request_id=1, patient_id=pid, score=4, created_at=now))
        uow.session.add(
            SatisfactionAnswer(
                patient_id=pid, touchpoint="question", request_id=1, answer="very_good",
                comment=COMMENT, recommend=9, asked_at=now, answered_at=now,
            )
        )  # fmt: skip
        uow.session.add(
            OutboundMessage(
                idempotency_key="test:dose",
                chat_id=501,
                payload={"text": f"Ora di prendere {MEDICINE}"},
                not_before=now + timedelta(hours=3),
            )
        )
        await uow.session.flush()
        reminders = [
            ("therapy_dose", "answered", now - timedelta(days=1), therapy.id, None, None),
            ("therapy_dose", "scheduled", now + timedelta(hours=3), therapy.id, None, None),
            ("appointment", "scheduled", now + timedelta(days=1), None, coming.id, None),
            ("request_expiry", "scheduled", now + timedelta(days=7), None, None, 2),
        ]
        made = []
        for n, (kind, status, due, therapy_id, appointment_id, request_id) in enumerate(reminders):
            reminder = Reminder(
                kind=kind,
                idempotency_key=f"test:{n}",
                patient_id=pid,
                therapy_id=therapy_id,
                appointment_id=appointment_id,
                request_id=request_id,
                due_at=due,
                status=status,
            )
            uow.session.add(reminder)
            made.append(reminder)
        await uow.session.flush()
        uow.session.add(
            Caregiver(
                patient_id=pid,
                token="t0k3n",
                caregiver_user_id=777,
                caregiver_chat_id=777,
                name=CAREGIVER,
                status="active",
                expires_at=now + timedelta(days=7),
            )
        )
        uow.session.add(
            OutboundMessage(
                idempotency_key="test:alert",
                chat_id=777,
                payload={"text": f"Maria non ha preso {MEDICINE}"},
                reminder_id=made[1].id,  # the dose due in three hours
                kind="caregiver_alert",
            )
        )
        await add_programme_records(uow, pid, chat=501, now=now)
        await uow.commit()


async def add_programme_records(uow: UnitOfWork, pid: int, *, chat: int, now: datetime) -> None:
    """Tags, consent to prevention reminders, a diabetes review not answered (two messages, the
    second still waiting in the outbox, a staff call), a flu vaccination done, and a programme
    left."""
    programmes = uow.programmes
    await programmes.add_tags(pairs=[(pid, "diabete"), (pid, "ipertensione")], now=now)
    await programmes.give_prevention_consent(patient_id=pid, version="2026-10", now=now)
    cycle = await programmes.open_cycle(
        programme_id="diabetes", started_at=now - timedelta(days=20), ends_at=None
    )
    await programmes.record_planning(cycle=cycle, eligible=1, excluded={}, now=now)
    review = Enrolment(
        patient_id=pid, programme_id="diabetes", cycle=cycle.cycle, state="non_responder",
        next_step=2, planned_at=now - timedelta(days=20), invited_at=now - timedelta(days=20),
        non_responder_at=now - timedelta(days=1),
    )  # fmt: skip
    flu = Enrolment(
        patient_id=pid, programme_id="flu", cycle=1, state="already_done", next_step=1,
        planned_at=now - timedelta(days=10), answered_at=now - timedelta(days=9), answer="done",
    )  # fmt: skip
    waiting = OutboundMessage(
        idempotency_key="test:programme", chat_id=chat, payload={"text": "Controllo diabete"},
        not_before=now + timedelta(days=1), kind="programme", queued=False,
    )  # fmt: skip
    uow.session.add_all([review, flu, waiting])
    await uow.session.flush()
    assert review.id is not None
    assert flu.id is not None
    uow.session.add_all(
        [
            Contact(enrolment_id=review.id, patient_id=pid, programme_id="diabetes",
                    cycle=cycle.cycle, step=0, queued_at=now - timedelta(days=20),
                    delivered_at=now - timedelta(days=20)),
            Contact(enrolment_id=review.id, patient_id=pid, programme_id="diabetes",
                    cycle=cycle.cycle, step=1, queued_at=now, outbox_id=waiting.id),
        ]
    )  # fmt: skip
    await programmes.add_call(enrolment_id=review.id, outcome="no_answer", staff_id=None, now=now)
    await programmes.add_completion(
        patient_id=pid, programme_id="flu", done_on=now.date() - timedelta(days=12),
        source="patient", now=now, enrolment_id=flu.id,
    )  # fmt: skip
    await programmes.opt_out(patient_id=pid, programme_id="hypertension", now=now,
                             enrolment_id=None)  # fmt: skip


async def programme_rows(database: Database) -> dict[str, int]:
    """How many rows each programme table holds that belong to a patient."""
    async with database.uow() as uow:
        return {
            table.__tablename__: len((await uow.session.exec(select(table))).all())  # type: ignore[attr-defined]
            for table in PROGRAMME_ROWS
        }


def totals(stats: Stats) -> tuple[object, ...]:
    return (
        stats.total,
        dict(stats.by_kind),
        dict(stats.by_state),
        sorted(stats.first_response_hours),
        sorted(stats.close_hours),
        stats.responded_in_time,
        stats.closed_in_time,
        stats.overdue_open,
        sorted(stats.ratings),
        dict(stats.answers.counts),
        sorted(stats.answers.recommend_scores),
    )


async def stats_now(app: App, days: int = 30) -> tuple[object, ...]:
    async with app.database.uow() as uow:
        return totals(await compute(uow, now=app.clock.now(), days=days))


async def scan(app: App, needles: tuple[str, ...]) -> list[str]:
    """Every column of every table, searched for each needle."""
    found = []
    async with app.database.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in (await connection.execute(table.select())).all():
                for column, value in zip(table.columns, row, strict=True):
                    text = json.dumps(value, ensure_ascii=False, default=str).lower()
                    found += [
                        f"{table.name}.{column.name}: {needle}"
                        for needle in needles
                        if needle.lower() in text
                    ]
    return found


def referencing_tables() -> set[str]:
    """Tables whose rows belong to a patient: a foreign key to patients, or to such a table."""
    tables = SQLModel.metadata.tables
    found = {"patients"}
    grew = True
    while grew:
        grew = False
        for name, table in tables.items():
            targets = {fk.column.table.name for fk in table.foreign_keys}
            if name not in found and targets & found:
                found.add(name)
                grew = True
    return found


# --- export -------------------------------------------------------------------------------


def test_export_covers_every_table_that_references_the_patient() -> None:
    referencing = referencing_tables()
    assert {"requests", "request_events", "attachments", "reminders", "ratings"} <= referencing
    assert referencing <= COVERED_TABLES, f"not in the export: {referencing - COVERED_TABLES}"
    assert set(COVERED_TABLES) <= set(SQLModel.metadata.tables)
    assert set(COVERED_TABLES) == set(SECTIONS)


async def test_export_sends_everything_as_two_protected_documents(
    app: App, person: Callable[[int], Person], renderer: FileRenderer
) -> None:
    maria, _ = await busy_patient(app, person)
    await open_privacy(maria)
    await maria.tap("Copia dei miei dati")
    assert len(renderer.files) == 2
    assert all(out.protect and out.chat_id == 501 for out in renderer.files)
    by_name = {out.file.name: out.file.data for out in renderer.files if out.file is not None}
    assert set(by_name) == {"dati-20261124.json", "dati-20261124.txt"}
    assert "copia dei dati" in maria.last().text
    assert "Menu principale" in maria.last().text

    data = json.loads(by_name["dati-20261124.json"] or b"")
    for table, section in SECTIONS.items():
        assert section(data), f"{table}: nothing in the export"
    assert data["patient"]["fiscal_code"] == "BNCMRA80A41H501E"
    assert data["patient"]["phone"].endswith("3331234567")
    first, second = data["requests"]
    assert first["answers"]["text"] == QUESTION
    assert [e["action"] for e in first["events"]] == [
        "submit", "take", "ask", "answer", "ready", "close"
    ]  # fmt: skip
    assert {ASKED, ANSWERED, READY_NOTE} <= {e["note"] for e in first["events"]}
    assert first["attachments"][0]["file_name"] == "Bianchi.pdf"
    assert "telegram_file_id" not in first["attachments"][0]
    assert second["answers"]["text"] == SECOND
    assert data["therapies"][0]["medicine"] == MEDICINE
    assert sorted(r["status"] for r in data["reminders"]) == [
        "answered", "scheduled", "scheduled", "scheduled"
    ]  # fmt: skip
    assert data["ratings"][0]["score"] == 4
    [felt] = data["satisfaction"]
    assert (felt["answer"], felt["comment"], felt["recommend"]) == ("very_good", COMMENT, 9)
    assert data["caregivers"][0]["name"] == CAREGIVER
    assert "token" not in data["caregivers"][0]
    assert data["conversation"]["flow"] == "settings"
    assert [t["tag"] for t in data["tags"]] == ["diabete", "ipertensione"]
    assert data["prevention_consent"]["consent_version"] == "2026-10"
    review, flu = data["enrolments"]
    assert (review["programme_id"], review["state"]) == ("diabetes", "non_responder")
    assert [c["step"] for c in review["contacts"]] == [0, 1]
    assert [c["outcome"] for c in review["calls"]] == ["no_answer"]
    assert flu["state"] == "already_done"
    assert data["opt_outs"][0]["programme_id"] == "hypertension"
    assert data["completions"][0]["source"] == "patient"

    summary = (by_name["dati-20261124.txt"] or b"").decode()
    for expected in ("Maria Bianchi", "BNCMRA80A41H501E", QUESTION, ASKED, MEDICINE, CAREGIVER):
        assert expected in summary
    assert "n. 1 · Domanda · chiusa" in summary
    assert "VALUTAZIONI, VECCHIA SCALA 1–5 (1)" in summary
    assert f"SODDISFAZIONE (1)\n  Domanda: Molto buona · «{COMMENT}»" in summary
    for expected in (
        "CONSENSO AI PROMEMORIA DI PREVENZIONE\nVersione: 2026-10",
        "CONDIZIONI REGISTRATE DALLO STUDIO (2)\n  diabete, ipertensione",
        "PROGRAMMI DI CONTROLLO (2)",
        "· ciclo 1 · nessuna risposta",
        "    messaggio 2: inviato il",
        "nessuna risposta",
        "PROGRAMMI LASCIATI (1)",
        "CONTROLLI FATTI (1)",
        "segnalato da lei",
    ):
        assert expected in summary


# --- erasure ------------------------------------------------------------------------------


async def test_erasure_leaves_no_personal_data_and_the_same_stats(
    app: App, person: Callable[[int], Person]
) -> None:
    maria, doctor = await busy_patient(app, person)
    assert await scan(app, PERSONAL + TYPED)  # the scan does find them before
    before = await stats_now(app)

    await open_privacy(maria)
    await maria.tap("Cancella i miei dati")
    assert "Non si può annullare" in maria.last().text
    await maria.tap("Sì, continua")
    assert "Ultima conferma" in maria.last().text
    await maria.tap("Sì, cancella tutto")
    assert "sono stati cancellati" in maria.last().text

    assert await scan(app, PERSONAL + TYPED) == []
    assert await stats_now(app) == before
    notice = doctor.texts()[-1]
    assert "paziente n. 1 ha cancellato i suoi dati" in notice
    assert "#2" in notice
    assert "Bianchi" not in notice
    async with app.database.uow() as uow:
        patient = (await uow.session.exec(select(Patient))).one()
        reminders = {r.kind + ":" + r.status for r in (await uow.session.exec(select(Reminder)))}
        appointments = {a.status for a in (await uow.session.exec(select(Appointment)))}
        therapy = (await uow.session.exec(select(Therapy))).one()
    assert patient.telegram_id < 0
    assert patient.erased_at is not None
    assert reminders == {
        "therapy_dose:answered", "therapy_dose:cancelled", "appointment:cancelled",
        "request_expiry:scheduled",
    }  # fmt: skip
    assert appointments == {"attended", "cancelled"}
    assert not therapy.active
    assert set((await programme_rows(app.database)).values()) == {0}

    await doctor.text("/open 2")
    assert "dati cancellati" in doctor.last().text
    await maria.text("/start")
    assert "Accetta?" in maria.last().text  # a stranger again: the welcome and the consent


async def test_erasure_asks_twice_and_can_be_declined(
    app: App, registered: Callable[[int], Awaitable[Person]]
) -> None:
    maria = await registered(502)
    await open_privacy(maria)
    await maria.tap("Cancella i miei dati")
    await maria.tap("No, tengo i miei dati")
    assert "Menu principale" in maria.last().text
    await open_privacy(maria)
    await maria.tap("Cancella i miei dati")
    await maria.tap("Sì, continua")
    await maria.tap("No, tengo i miei dati")
    async with app.database.uow() as uow:
        patient = await uow.patients.by_telegram_id(telegram_id=502)
    assert patient is not None
    assert patient.fiscal_code == "BNCMRA80A41H501E"


async def test_only_the_patient_themself_may_export_or_erase(
    app: App, registered: Callable[[int], Awaitable[Person]]
) -> None:
    """A family member acting for the patient (another Telegram account) is refused."""
    await registered(504)
    someone_else = Sender(user_id=999, chat_id=999)
    async with app.database.uow() as uow:
        patient = await uow.patients.by_telegram_id(telegram_id=504)
        turn = Turn(
            desk=app.desk,
            uow=uow,
            event=TextIn(someone_else, "x"),
            sender=someone_else,
            conversation=Conversation(chat_id=999, user_id=999),
            patient=patient,
            staff=None,
            lang="it",
            now=app.clock.now(),
        )
        for action in (export_data, erase_data, after_withdrawal):
            with pytest.raises(PermissionDenied):
                await action(turn)
    async with app.database.uow() as uow:
        patient = await uow.patients.by_telegram_id(telegram_id=504)
    assert patient is not None
    assert patient.consent_withdrawn_at is None


# --- consent withdrawal -------------------------------------------------------------------


async def test_withdrawn_consent_stops_reminders_and_new_requests(
    app: App, person: Callable[[int], Person]
) -> None:
    maria, doctor = await busy_patient(app, person)
    await open_privacy(maria)
    await maria.tap("Ritira il consenso")
    assert "promemoria" in maria.last().text
    await maria.tap("Sì, ritiro il consenso")
    said = maria.last().text
    assert "promemoria" in said
    assert "conserva" in said
    assert "ha ritirato il consenso" in doctor.texts()[-1]
    async with app.database.uow() as uow:
        statuses = sorted(r.status for r in (await uow.session.exec(select(Reminder))))
        therapy = (await uow.session.exec(select(Therapy))).one()
        patient = await uow.patients.by_telegram_id(telegram_id=501)
        caregiver = (await uow.session.exec(select(Caregiver))).one()
        alert = (
            await uow.session.exec(select(OutboundMessage).where(OutboundMessage.chat_id == 777))
        ).one()
    assert statuses == ["answered", "cancelled", "cancelled", "scheduled"]  # the expiry timer
    assert caregiver.status == "revoked"
    assert alert.status == "cancelled"
    assert not therapy.active
    assert patient is not None
    assert patient.fiscal_code == "BNCMRA80A41H501E"  # what the practice must keep stays

    await maria.text("/start ricetta")
    assert "Accetta?" in maria.last().text
    await maria.text("/start")
    assert "Accetta?" in maria.last().text
    async with app.database.uow() as uow:
        assert len((await uow.session.exec(select(Request))).all()) == 2


# --- retention ----------------------------------------------------------------------------


async def test_retention_purges_ended_requests_once_a_day(
    app: App,
    clock: FixedClock,
    person: Callable[[int], Person],
    caplog: pytest.LogCaptureFixture,
) -> None:
    maria, doctor = await busy_patient(app, person)
    await file_question(maria, "Una terza domanda")
    await doctor.text("/reject 3 Serve una visita")
    await tick(app.desk)
    async with app.database.uow() as uow:
        assert (await uow.requests.get(request_id=1)).answers  # type: ignore[union-attr]

    clock.advance(timedelta(days=app.settings.retention_days + 1))
    before = await stats_now(app, days=365)
    with caplog.at_level(logging.INFO, logger="flows.privacy.retention"):
        await tick(app.desk)
    assert "retention purge: 2 requests" in caplog.text
    assert await stats_now(app, days=365) == before
    async with app.database.uow() as uow:
        requests = {r.id: r for r in (await uow.session.exec(select(Request)))}
        notes = [e.note for e in (await uow.session.exec(select(RequestEvent))) if e.note]
        attachments = (await uow.session.exec(select(Attachment))).all()
        [felt] = (await uow.session.exec(select(SatisfactionAnswer))).all()
        record = await uow.settings.get(key=LAST_RUN_SETTING)
    for number in (1, 3):  # closed, rejected
        assert requests[number].answers == {}
        assert requests[number].purged_at is not None
    assert requests[2].answers["text"] == SECOND  # still open: untouched
    assert notes == []
    assert attachments == []
    assert (felt.answer, felt.comment) == ("very_good", None)  # the comment went with request 1
    assert (record["purged"], record["total"]) == (2, 2)

    caplog.clear()
    clock.advance(timedelta(hours=1))
    with caplog.at_level(logging.INFO, logger="flows.privacy.retention"):
        await tick(app.desk)
    assert "retention purge" not in caplog.text  # at most once a day


# --- minimisation -------------------------------------------------------------------------


async def test_staff_notices_carry_the_number_and_kind_only(
    app: App, person: Callable[[int], Person]
) -> None:
    await add_staff(app, 901, "Anna", "assistant")
    maria, anna = person(503), person(901)
    await onboard_with_phone(maria)
    await file_question(maria, QUESTION)
    assert anna.texts() == ["🔔 Nuova richiesta n. 1 (Domanda). /open 1"]


# --- the same operations on SQLite and PostgreSQL -----------------------------------------


async def test_export_erase_and_purge_on_both_databases(database: Database) -> None:
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    long_ago = now - timedelta(days=200)
    async with database.uow() as uow:
        patient = await uow.patients.add(
            patient=Patient(telegram_id=601, first_name="Maria", fiscal_code="BNCMRA80A41H501E")
        )
        assert patient.id is not None
        old = Request(
            kind="question",
            state="closed",
            patient_id=patient.id,
            answers={"text": QUESTION},
            created_at=long_ago,
            closed_at=long_ago,
            due_at=long_ago,
        )
        still = Request(kind="visit", patient_id=patient.id, answers={"text": SECOND}, due_at=now)
        uow.session.add_all([old, still])
        await uow.session.flush()
        assert old.id is not None
        uow.session.add(
            RequestEvent(request_id=old.id, actor_kind="staff", action="ask", note=ASKED)
        )
        uow.session.add(Attachment(request_id=old.id, telegram_file_id=FILE_ID, kind="photo"))
        therapy = Therapy(patient_id=patient.id, medicine=MEDICINE, start_date=date(2026, 1, 1))
        uow.session.add(therapy)
        await uow.session.flush()
        uow.session.add(
            Reminder(
                kind="therapy_dose",
                idempotency_key="pg:1",
                therapy_id=therapy.id,
                due_at=now + timedelta(hours=1),
            )
        )
        await uow.commit()

    async with database.uow() as uow:
        assert await purge_expired(uow, now=now, days=90) == 1
        assert await purge_expired(uow, now=now, days=90) == 0
        found = await uow.patients.by_telegram_id(telegram_id=601)
        assert found is not None
        data = json.loads(await export(uow, found, now=now, practice="Studio"))
        assert [r["answers"] for r in data["requests"]] == [{}, {"text": SECOND}]
        assert data["reminders"][0]["therapy_id"] == therapy.id  # found through the therapy
        erasure = await erase_patient(uow, found, now=now)
        await uow.commit()
    assert erasure.open_requests == (still.id,)
    assert erasure.reminders == 1
    async with database.uow() as uow:
        assert await uow.patients.by_telegram_id(telegram_id=601) is None
        rows = (await uow.session.exec(select(Request))).all()
        reminder = (await uow.session.exec(select(Reminder))).one()
    assert all(r.answers == {} for r in rows)
    assert reminder.status == "cancelled"


async def test_erasure_leaves_no_programme_row_behind(database: Database) -> None:
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    async with database.uow() as uow:
        maria = await uow.patients.add(patient=Patient(telegram_id=601, first_name="Maria"))
        other = await uow.patients.add(patient=Patient(telegram_id=602, first_name="Anna"))
        assert maria.id is not None
        assert other.id is not None
        await add_programme_records(uow, maria.id, chat=601, now=now)
        await uow.programmes.add_tags(pairs=[(other.id, "diabete")], now=now)
        await uow.commit()
    before = await programme_rows(database)
    assert all(before.values()), before

    async with database.uow() as uow:
        found = await uow.patients.get(patient_id=maria.id)
        assert found is not None
        await erase_patient(uow, found, now=now)
        await uow.commit()

    assert await programme_rows(database) == {
        name: 1 if name == "patient_tags" else 0 for name in before
    }  # Anna's tag stays
    async with database.uow() as uow:
        cycle = (await uow.session.exec(select(ProgrammeCycle))).one()
        waiting = (
            await uow.session.exec(
                select(OutboundMessage).where(OutboundMessage.kind == "programme")
            )
        ).all()
        assert await uow.programmes.tags_of(patient_id=other.id) == ["diabete"]
    assert (cycle.programme_id, cycle.eligible) == ("diabetes", 1)  # the counts name no one
    assert waiting == []
