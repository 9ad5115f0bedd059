"""Satisfaction after a closed request or an attended visit: the six answers, the optional
comment, the 48-hour window, the 30-day cap, the likelihood to recommend (off by default, at
most quarterly), forged and old buttons — on an injected clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.bootstrap import App
from flows.clock import FixedClock
from flows.codes import PatientGlobal
from storage.tables import Rating, Reminder, SatisfactionAnswer
from tests.flows.harness import Person
from tests.reminders.fakes import FakePort, add_appointment, add_staff, advance, reminders

Registered = Callable[[int], Awaitable[Person]]
QUESTION = "Nel complesso, com'è stata la sua esperienza con il nostro servizio?"
SIX = ["Molto buona", "Buona", "Né buona né scarsa", "Scarsa", "Molto scarsa", "Non so"]


async def file_question(patient: Person) -> None:
    await patient.tap("Domanda")
    await patient.tap("non è urgente")
    await patient.tap("Terapia")
    await patient.text("Posso prendere due compresse?")
    await patient.tap("Invia")


async def answers(app: App) -> list[SatisfactionAnswer]:
    async with app.database.uow() as uow:
        query = select(SatisfactionAnswer).order_by(SatisfactionAnswer.id)  # type: ignore[arg-type]
        return list((await uow.session.exec(query)).all())


async def closed_and_asked(
    app: App, clock: FixedClock, maria: Person, doctor: Person, number: int
) -> None:
    await file_question(maria)
    await doctor.text(f"/close {number}")
    await advance(app, clock, timedelta(minutes=120))


async def test_asked_after_close_with_a_comment_shown_to_staff(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor = person(900)
    maria = await registered(701)
    await file_question(maria)
    await doctor.text("/close 1")
    await advance(app, clock, timedelta(minutes=119))
    assert port.to(701) == []
    await advance(app, clock, timedelta(minutes=1))
    ask = maria.last()
    assert "La sua richiesta n. 1 (Domanda) è chiusa." in ask.text
    assert QUESTION in ask.text
    assert [b.label for row in ask.buttons for b in row] == SIX
    await maria.tap("Buona")
    assert ask.text == "Grazie per la sua risposta: Buona."
    assert [b.label for row in ask.buttons for b in row] == ["🏠 Menu"]
    assert "Vuole aggiungere un breve commento?" in maria.last().text
    await maria.text("Risposta chiara e veloce, grazie")
    assert "il suo commento è arrivato allo studio" in maria.last().text
    assert "Menu principale" in maria.last().text
    [row] = await answers(app)
    assert (row.touchpoint, row.request_id, row.answer) == ("question", 1, "good")
    assert row.comment == "Risposta chiara e veloce, grazie"
    assert (row.asked_at, row.answered_at) == (clock.now(), clock.now())
    assert row.recommend_asked_at is None  # off by default
    [reminder] = await reminders(app, "satisfaction")
    assert (reminder.status, reminder.answer) == ("answered", "g")
    await doctor.text("/open 1")
    assert "Soddisfazione: Buona · «Risposta chiara e veloce, grazie»" in doctor.last().text
    await doctor.text("/stats")
    stats = "\n".join(doctor.texts())
    assert "Soddisfazione: 100% buona o molto buona (1 risposte, 1 pazienti)" in stats
    assert "Domanda: 100% (1)" in stats
    assert "scala 1–5" not in stats  # no old stars: no old-scale line
    assert "NPS" not in stats


async def test_skip_the_comment_and_a_second_tap_is_thanked(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor, maria = person(900), await registered(702)
    await closed_and_asked(app, clock, maria, doctor, 1)
    _, very_good = maria.find_button("Molto buona")
    ask = maria.last()
    await maria.tap("Molto buona")
    await maria.tap("Salta")
    assert "Grazie del suo tempo!" in maria.last().text
    assert "Menu principale" in maria.last().text
    assert very_good.data is not None
    await maria.tap_data(very_good.data, ask.message_id)  # the same button again
    assert "Ha già risposto a questa domanda" in maria.find_button("Menu")[0].text
    [row] = await answers(app)
    assert (row.answer, row.comment) == ("very_good", None)


async def test_comment_is_bounded_with_a_kind_retry(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor, maria = person(900), await registered(703)
    await closed_and_asked(app, clock, maria, doctor, 1)
    await maria.tap("Scarsa")
    await maria.text("x" * 301)
    assert "troppo lungo (301 caratteri, massimo 300)" in maria.last().text
    assert "Vuole aggiungere un breve commento?" in maria.last().text
    assert (await answers(app))[0].comment is None
    await maria.text("Attesa lunga al telefono")
    [row] = await answers(app)
    assert (row.answer, row.comment) == ("poor", "Attesa lunga al telefono")


async def test_not_asked_after_48_hours(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor, maria = person(900), await registered(704)
    await file_question(maria)
    await doctor.text("/close 1")
    await advance(app, clock, timedelta(hours=49))  # the bot was down for two days
    assert not any(QUESTION in m.text for m in port.to(704))
    assert await answers(app) == []


async def test_planned_but_due_past_48_hours_is_cancelled(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor, maria = person(900), await registered(705)
    await file_question(maria)
    await doctor.text("/close 1")
    await advance(app, clock, timedelta(minutes=1))  # planned for two hours after the close
    clock.advance(timedelta(hours=48, minutes=1))
    await app.scheduler.run_once()
    assert not any(QUESTION in m.text for m in port.to(705))
    [reminder] = await reminders(app, "satisfaction")
    assert reminder.status == "cancelled"


async def test_at_most_once_in_30_days(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor, maria = person(900), await registered(706)
    await closed_and_asked(app, clock, maria, doctor, 1)
    await closed_and_asked(app, clock, maria, doctor, 2)  # the same day: not asked again
    await advance(app, clock, timedelta(days=29))
    await closed_and_asked(app, clock, maria, doctor, 3)  # 29 days on: not yet
    asked = [m for m in port.to(706) if QUESTION in m.text]
    assert len(asked) == 1
    statuses = [(r.request_id, r.status) for r in await reminders(app, "satisfaction")]
    # The first went unanswered (missed after a week); the next two were never sent.
    assert statuses == [(1, "missed"), (2, "cancelled"), (3, "cancelled")]
    await advance(app, clock, timedelta(days=2))
    await closed_and_asked(app, clock, maria, doctor, 4)  # 31 days after the first
    assert len([m for m in port.to(706) if QUESTION in m.text]) == 2
    assert [r.request_id for r in await answers(app)] == [1, 4]


async def test_the_interval_is_a_setting(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    app.settings.satisfaction_interval_days = 7
    await add_staff(app, 900)
    doctor, maria = person(900), await registered(707)
    await closed_and_asked(app, clock, maria, doctor, 1)
    await advance(app, clock, timedelta(days=7))
    await closed_and_asked(app, clock, maria, doctor, 2)
    assert len([m for m in port.to(707) if QUESTION in m.text]) == 2


async def test_asked_after_an_attended_visit(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 901, "Dott. Verdi")
    doctor, maria = person(901), await registered(708)
    visit = await add_appointment(app, 708, datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    await advance(app, clock, timedelta(minutes=90))  # an hour after the slot
    await doctor.tap("Presente")
    await advance(app, clock, timedelta(minutes=120))
    ask = maria.last()
    assert "Grazie per la sua visita." in ask.text
    assert QUESTION in ask.text
    await maria.tap("Non so")
    await maria.tap("Salta")
    [row] = await answers(app)
    assert (row.touchpoint, row.appointment_id, row.answer) == ("visit", visit.id, "dont_know")
    await doctor.text("/stats")
    # "Don't know" is an answer, but not in the good-or-very-good share.
    assert "Soddisfazione: — buona o molto buona (1 risposte, 1 pazienti)" in "\n".join(
        doctor.texts()
    )


async def test_no_show_is_not_asked(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 902)
    doctor = person(902)
    await registered(709)
    await add_appointment(app, 709, datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    await advance(app, clock, timedelta(minutes=90))
    await doctor.tap("Non presentato")
    await advance(app, clock, timedelta(hours=3))
    assert not any(QUESTION in m.text for m in port.to(709))


async def test_recommend_is_off_by_default_and_quarterly_when_on(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    app.settings.recommend_question = True
    await add_staff(app, 900)
    doctor, maria = person(900), await registered(710)
    await closed_and_asked(app, clock, maria, doctor, 1)
    await maria.tap("Molto buona")
    prompt = maria.last()
    assert "Quanto è probabile che consigli il nostro studio" in prompt.text
    assert [b.label for b in prompt.buttons[0]] == ["0", "1", "2", "3", "4", "5"]
    await maria.tap("9")
    assert "Vuole aggiungere un breve commento?" in maria.last().text
    await maria.tap("Salta")
    await advance(app, clock, timedelta(days=31))
    await closed_and_asked(app, clock, maria, doctor, 2)
    await maria.tap("Buona")  # a month on: satisfaction again, but not the quarterly question
    assert "Vuole aggiungere un breve commento?" in maria.last().text
    first, second = await answers(app)
    assert (first.recommend, first.recommend_answered_at is not None) == (9, True)
    assert (second.recommend, second.recommend_asked_at) == (None, None)
    await doctor.text("/stats 90d")
    assert "Consiglierebbero lo studio (NPS, da -100 a +100): +100 (1 risposte)" in "\n".join(
        doctor.texts()
    )


async def test_forged_or_someone_elses_button_records_nothing(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor, maria = person(900), await registered(711)
    luca = await registered(712)
    await closed_and_asked(app, clock, maria, doctor, 1)
    [row] = await answers(app)
    codec = app.desk.codec
    # Luca's chat, Maria's question: signed for Luca, still not his.
    await luca.tap_data(codec.encode(chat_id=712, code=PatientGlobal.SATISFACTION(row.id, "vg")))
    assert luca.texts()[-2] == "Questa domanda non è più valida."  # then the menu again
    # An answer that does not exist, and a question that does not exist.
    await maria.tap_data(codec.encode(chat_id=711, code=PatientGlobal.SATISFACTION(row.id, "zz")))
    await maria.tap_data(codec.encode(chat_id=711, code=PatientGlobal.SATISFACTION(999, "g")))
    assert maria.texts()[-2] == "Questa domanda non è più valida."
    [row] = await answers(app)
    assert row.answer is None


async def test_old_star_buttons_are_thanked_and_stored_once(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    person: Callable[[int], Person],
) -> None:
    await add_staff(app, 900)
    doctor, maria = person(900), await registered(713)
    await file_question(maria)
    await doctor.text("/close 1")
    star = app.desk.codec.encode(chat_id=713, code=PatientGlobal.RATING(1, 4))
    await maria.tap_data(star, 1)
    assert "Grazie! Richiesta n. 1: ⭐⭐⭐⭐" in maria.find_button("Menu")[0].text
    await maria.tap_data(star, 1)
    assert "Ha già dato un voto alla richiesta n. 1" in maria.find_button("Menu")[0].text
    async with app.database.uow() as uow:
        ratings = (await uow.session.exec(select(Rating))).all()
        kinds = {r.kind for r in (await uow.session.exec(select(Reminder))).all()}
    assert [(r.request_id, r.score) for r in ratings] == [(1, 4)]
    assert "rating" not in kinds  # stars are no longer asked
    await doctor.text("/stats")
    assert "Vecchie valutazioni, scala 1–5: 4.0/5 (1 voto)" in "\n".join(doctor.texts())
