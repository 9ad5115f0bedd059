"""Follow-up programmes end to end over the emulator, on both adapters: condition tags imported
from a CSV, the diabetes programme started from the staff chat after its preview, one invited
patient books from the invitation (the visit request, linked to the programme, is in /inbox),
another never answers and, after the last step, is in Da chiamare; the funnel agrees."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import App
from bot.emulator import EmulatorClient
from flows.clock import ShiftedClock
from flows.programmes.builtin import DEFAULT_TAGS, DIABETES
from flows.programmes.funnel import funnel
from flows.programmes.funnel_view import count_text
from flows.programmes.tagimport import apply_tags, plan_tags
from tests.e2e.conftest import RunningBot, wait_until
from tests.e2e.people import Someone, onboard
from tests.e2e.test_kpi_card_e2e import report_rows
from tests.e2e.test_staff_journeys import make_doctor

pytestmark = pytest.mark.e2e
# A working morning: programme messages never go out in quiet hours.
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Rome"))
ANNA, BRUNO = "BNCNNA80A41H501R", "BNCBRN80A01F205F"
CSV = f"codice_fiscale;tags\n{ANNA};diabete\n{BRUNO};diabete, ipertensione\n".encode()


@pytest.fixture
def bot_clock() -> ShiftedClock:
    return ShiftedClock.starting_at(TUESDAY_MORNING)


async def invitations(someone: Someone) -> int:
    return sum("diabete" in text and "Prenoto" in " ".join(m.buttons) for text, m in
               [(m.content, m) for m in await someone.bot_messages()])  # fmt: skip


async def next_step(app: App, someone: Someone, expected: int) -> None:
    """A scheduler pass, then wait for the patient's `expected`-th invitation."""
    await app.scheduler.poke()

    async def arrived() -> bool:
        return await invitations(someone) >= expected

    await wait_until(arrived, 10, f"invitation {expected}")


async def consent_in_settings(someone: Someone) -> None:
    await someone.say("/menu")
    await someone.tap("Impostazioni")
    await someone.tap("Promemoria di prevenzione")
    await someone.tap("Attiva")
    assert "Riceverà i promemoria di prevenzione" in await someone.last_text()


async def test_diabetes_programme_from_csv_to_booked_and_to_call(
    tg: EmulatorClient, app: App, frontdesk: RunningBot, bot_clock: ShiftedClock
) -> None:
    doctor = await make_doctor(tg, app, 9101, "Dott. Rossi")
    anna, bruno = await Someone.join(tg, 9102, "Anna"), await Someone.join(tg, 9103, "Bruno")
    await onboard(anna, code=ANNA)
    await onboard(bruno, code=BRUNO)

    # The practice's CSV, through the import service `frontdesk patients import` runs.
    async with app.database.uow() as uow:
        read, plan = await plan_tags(uow, CSV, DEFAULT_TAGS)
        assert plan is not None, read.problems
        await apply_tags(uow, plan, now=bot_clock.now())
        await uow.commit()

    # Before consent: nobody would be invited, and the preview says why.
    await doctor.say("/programmes")
    await doctor.tap("Controllo del diabete")
    await doctor.tap("Anteprima")
    assert "inviterebbe 0 pazienti" in await doctor.last_text()
    assert "2 senza consenso" in await doctor.last_text()
    await consent_in_settings(anna)
    await consent_in_settings(bruno)
    await doctor.tap("Indietro")
    await doctor.tap("Anteprima")
    assert "inviterebbe 2 pazienti" in await doctor.last_text()
    await doctor.tap("Avvia")
    assert "Programma avviato: 2 pazienti" in await doctor.last_text()

    # Day 0: both invited; Anna books from the invitation, the reason already there.
    await next_step(app, anna, 1)
    await next_step(app, bruno, 1)
    await anna.tap("Prenoto")
    await anna.tap("No, non è urgente")
    await anna.tap("Controllo periodico del diabete")
    await anna.tap("In studio")
    await anna.tap("Qualsiasi giorno")
    await anna.tap("Per me è uguale")
    await anna.tap("Invia")
    anna_id = await _patient(app, ANNA)
    async with app.database.uow() as uow:
        booked = await uow.programmes.enrolment_of(patient_id=anna_id,
                                                   programme_id=DIABETES.id, cycle=1)  # fmt: skip
    assert booked is not None
    assert booked.request_id is not None
    await doctor.say("/inbox")
    assert "1 richieste aperte" in await doctor.last_text()
    await doctor.tap(f"#{booked.request_id} ")  # its line in the inbox opens its card
    assert "Controllo periodico del diabete" in await doctor.last_text()

    # Bruno never answers: days 14 and 30, then the last wait, and he is to be called.
    for day, expected in ((14, 2), (16, 3)):
        bot_clock.advance(timedelta(days=day))
        await next_step(app, bruno, expected)
    bot_clock.advance(timedelta(days=DIABETES.final_wait_days + 1))
    await app.scheduler.poke()
    # Her one invitation became her answer, and her sequence stopped there.
    assert await invitations(anna) == 0
    assert sum("Prenotiamo" in text for text in await anna.texts()) == 1

    async with app.database.uow() as uow:
        counts = (await funnel(uow, DIABETES.id, 1)).counts
    assert (counts["invited"], counts["answered"], counts["booked"]) == (2, 1, 1)
    assert counts["non_responders"] == 1
    await doctor.say("/programmes")
    listed = await doctor.last_text()
    for key, word in (("invited", "invitati"), ("booked", "prenotati"),
                      ("non_responders", "senza risposta")):  # fmt: skip
        assert f"{word} {count_text(counts[key])}" in listed  # "< 5": a few, never who
    await doctor.tap("Controllo del diabete")  # the card: the whole funnel, and its chart
    assert "↳ prenotati < 5" in await doctor.last_text()
    await doctor.tap("Grafico")
    messages = await doctor.bot_messages()
    assert messages[-2].kind == "photo"  # the chart, then the card again below it
    assert "↳ invitati < 5" in messages[-1].content
    await doctor.say("/stats 30d")
    assert any("Programmi di richiamo" in m.content for m in await doctor.bot_messages())
    await doctor.say("/programmes")
    await doctor.tap("Da chiamare (1)")
    assert "Bianchi" in await doctor.last_text()
    await doctor.tap("Non risponde")
    assert "Non risponde" in await doctor.last_text()  # still to call
    await doctor.tap("Prenotato")
    assert "Nessun paziente da chiamare" in await doctor.last_text()
    async with app.database.uow() as uow:
        after = (await funnel(uow, DIABETES.id, 1)).counts
    assert after["booked"] == 2
    # The report: the programme KPIs over every programme, and this one's own, by its title.
    rows = await report_rows(app, bot_clock)
    own = [row for row in rows if row["kpi"] == "programme_booked.diabetes"]
    assert " — Controllo del diabete" in own[0]["name"]
    assert own[0]["target"] == "10"
    # Two patients: the months they were invited in say "< 5", never a figure.
    assert {row["value"] for row in own} == {"< 5", "—"}
    assert {row["kpi"] for row in rows} >= {"programme_booked", "programme_reviewed.diabetes"}
    await asyncio.sleep(0)


async def _patient(app: App, code: str) -> int:
    async with app.database.uow() as uow:
        found = await uow.tags.holders(fiscal_codes=[code])
    return found[code][0]


async def test_tags_from_the_card_consent_at_the_menu_and_the_other_answers(
    tg: EmulatorClient, app: App, frontdesk: RunningBot, bot_clock: ShiftedClock
) -> None:
    doctor = await make_doctor(tg, app, 9201, "Dott. Rossi")
    carla, dario = await Someone.join(tg, 9202, "Carla"), await Someone.join(tg, 9203, "Dario")
    await onboard(carla, code=ANNA)
    await onboard(dario, code=BRUNO)
    for code in (ANNA, BRUNO):
        await doctor.say(f"/tags {await _patient(app, code)}")
        await doctor.tap("diabete")
        assert "✅ diabete" in " ".join((await doctor.last()).buttons)
    await doctor.say("/programmes")
    await doctor.tap("Controllo del diabete")
    await doctor.tap("Anteprima")
    await doctor.tap("Avvia")

    # Asked once, at the menu, now that a programme runs; not asked again once answered.
    for patient in (carla, dario):
        await patient.say("/menu")
        await patient.tap("Sì, volentieri")
        await patient.say("/menu")
    assert sum("promemoria" in text for text in await carla.texts()) == 1
    bot_clock.advance(timedelta(days=1))  # the segment is looked at again a day later
    await next_step(app, carla, 1)
    await next_step(app, dario, 1)

    await carla.tap("L'ho già fatto")
    await carla.tap("Questo mese")
    assert "lo abbiamo annotato" in await carla.last_text()
    assert "Menu" in " ".join((await carla.last()).buttons)

    # Paused: a tap records nothing and says so kindly; resumed, it works again.
    await doctor.tap("Pausa")
    await dario.tap("Ricordamelo")
    assert "non è più attivo" in await dario.last_text()
    await doctor.tap("Riprendi")
    await dario.tap("Ricordamelo")
    await dario.tap("Tra un mese")
    assert any("glielo ricordiamo tra un mese" in text for text in await dario.texts())
    async with app.database.uow() as uow:
        counts = (await funnel(uow, DIABETES.id, 1)).counts
    assert (counts["answered"], counts["already_done"], counts["snoozed"]) == (2, 1, 1)
