"""The practice's goals end to end over the emulator, on both adapters: a scripted month (one
request worked through the bot and its satisfaction answer tapped, the rest seeded through the
repositories: requests answered on time and late, doses taken and missed, a no-show, answers),
then `frontdesk report --format csv` carries each KPI with target, value and status agreeing with
the script, and the Monday card reaches the doctor's chat as a photo at 08:30, not before."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from bot.bootstrap import App
from bot.cli import app as cli
from bot.emulator import EmulatorClient
from flows.clock import CLOCK_VARIABLE, ShiftedClock
from flows.settings import Settings
from storage.tables import Appointment, Patient, Reminder, Request, SatisfactionAnswer
from tests.e2e.conftest import RunningBot, wait_until
from tests.e2e.people import Someone, onboard
from tests.e2e.test_patient_journeys import JOURNEYS
from tests.e2e.test_staff_journeys import make_doctor, notices_out

pytestmark = pytest.mark.e2e
ROME = ZoneInfo("Europe/Rome")
START = datetime(2026, 11, 2, 10, 0, tzinfo=ROME)  # a Monday morning
CARD_DUE = datetime(2026, 11, 30, 8, 30, tzinfo=ROME)  # four weeks on, the Monday's opening
HOURS = "mon-fri 08:30-19:00"


@pytest.fixture
def bot_clock() -> ShiftedClock:
    return ShiftedClock.starting_at(START)


@pytest.fixture
def settings(bot_env: dict[str, str]) -> Settings:
    env = {k: v for k, v in bot_env.items() if k != "FRONTDESK_OPENING_HOURS"}
    return Settings(_env_file=None, opening_hours=HOURS, **env)  # type: ignore[call-arg]


def day(n: int, hour: int = 10) -> datetime:
    return (START + timedelta(days=n)).replace(hour=hour)


async def seed_month(app: App) -> None:
    """Nine more patients' requests (seven answered in 2 h, two after 72 h against 48 h), two
    patients' doses (one taken, one missed: under 5 patients), six marked appointments this
    month (one no-show) and five in October (none), five answers (four good, one poor)."""
    async with app.database.uow() as uow:
        ids = []
        for n in range(12):
            patient = await uow.patients.add(patient=Patient(telegram_id=70_000 + n))
            assert patient.id is not None
            ids.append(patient.id)
        for n, patient in enumerate(ids[:9]):
            filed, hours = day(2 + 2 * n), 72 if n < 2 else 2
            answered = filed + timedelta(hours=hours)
            await uow.requests.add(request=Request(
                kind="question", state="closed", patient_id=patient, created_at=filed,
                due_at=filed + timedelta(hours=48), first_response_at=answered, closed_at=answered,
            ))  # fmt: skip
        for n, answer in enumerate(("taken", None)):
            await uow.reminders.save(reminder=Reminder(
                kind="therapy_dose", idempotency_key=f"kpi-dose-{n}", patient_id=ids[n],
                due_at=day(25), sent_at=day(25), status="answered" if answer else "missed",
                answer=answer,
            ))  # fmt: skip
        for n, patient in enumerate(ids[:6]):
            uow.session.add(Appointment(patient_id=patient, starts_at=day(5 + n),
                                        status="no_show" if n == 0 else "attended"))  # fmt: skip
        for n, patient in enumerate(ids[6:11]):
            uow.session.add(Appointment(patient_id=patient, starts_at=day(-20 + n),
                                        status="attended"))  # fmt: skip
        for n, patient in enumerate(ids[6:11]):
            await uow.satisfaction.add(answer=SatisfactionAnswer(
                patient_id=patient, touchpoint="visit", asked_at=day(10 + n),
                answered_at=day(10 + n), answer="poor" if n == 0 else "good",
            ))  # fmt: skip
        await uow.commit()


async def report_rows(app: App, clock: ShiftedClock) -> list[dict[str, str]]:
    """The KPI section of `frontdesk report --format csv`: every KPI's row and its series."""
    database = ["--database", app.settings.database_url]
    env = {CLOCK_VARIABLE: clock.now().isoformat(), "FRONTDESK_OPENING_HOURS": HOURS}
    result = await asyncio.to_thread(
        CliRunner().invoke, cli, [*database, "report", "--format", "csv"], env=env
    )
    assert result.exit_code == 0, result.output
    table = result.output.split("\n\n", 1)[1]
    return list(csv.DictReader(io.StringIO(table)))


async def kpi_rows(app: App, clock: ShiftedClock) -> dict[str, dict[str, str]]:
    return {row["kpi"]: row for row in await report_rows(app, clock) if row["row"] == "kpi"}


async def photos(someone: Someone) -> list[str]:
    return [m.content for m in await someone.bot_messages() if m.kind == "photo"]


async def test_a_scripted_month_in_the_report_and_the_monday_card(
    tg: EmulatorClient, app: App, frontdesk: RunningBot, bot_clock: ShiftedClock
) -> None:
    doctor = await make_doctor(tg, app, 9301, "Dott. Rossi")
    maria = await Someone.join(tg, 9302)
    await onboard(maria)
    await JOURNEYS["question"](maria)
    await maria.tap("Invia")
    await notices_out(app)
    await doctor.say("/ready 1 Sì, mezz'ora prima di colazione")
    await doctor.say("/close 1")
    await app.scheduler.poke()  # the question is planned two hours after the close
    bot_clock.advance(timedelta(minutes=121))
    await app.scheduler.catch_up()

    async def asked() -> bool:
        return any("Molto buona" in " ".join(m.buttons) for m in await maria.bot_messages())

    await wait_until(asked, 10, "the satisfaction question")
    await maria.tap("Molto buona")
    await seed_month(app)

    # The first week's card went out at the first pass (its Monday opening was past); four
    # weeks on, at 08:29 on Monday, the new week's has not.
    assert len(await photos(doctor)) == 1
    bot_clock.advance(CARD_DUE - timedelta(minutes=1) - bot_clock.now())
    await app.scheduler.catch_up()
    assert len(await photos(doctor)) == 1
    rows = await kpi_rows(app, bot_clock)
    first = rows["first_response_in_time"]  # 8 of 10 requests (10 patients) answered in time
    assert (first["target"], first["value"], first["status"]) == ("90", "80.00", "off_track")
    no_show = rows["no_show"]  # 1 of 6 marked appointments this month
    assert (no_show["target"], no_show["value"], no_show["status"]) == ("5", "16.67", "off_track")
    assert rows["doses_confirmed"]["value"] == "< 5"  # two patients only
    assert rows["doses_confirmed"]["status"] == ""
    good = rows["satisfaction_good"]  # Maria's "very good" and four "good" of six answers
    assert (good["value"], good["status"]) == ("83.33", "at_risk")
    assert rows["programme_booked"]["value"] == "—"

    # 08:30: the card arrives, once, however many passes follow.
    bot_clock.advance(CARD_DUE - bot_clock.now())
    await app.scheduler.catch_up()
    await app.scheduler.catch_up()

    async def arrived() -> bool:
        return len(await photos(doctor)) == 2

    await wait_until(arrived, 10, "the Monday card")
    caption = (await photos(doctor))[-1]
    assert caption.splitlines()[0] == "↑ Assenze agli appuntamenti: da 0% a 17%, peggio."
    assert len(caption.splitlines()) <= 3
    await app.scheduler.catch_up()
    assert len(await photos(doctor)) == 2
    assert await photos(maria) == []  # doctors only

    await doctor.say("/stats")  # the same card on demand, last
    last = await doctor.last()
    assert last.kind == "photo"
    assert last.content == caption
