"""⏰ Therapy reminders, declared as data: the list, and setting one up (medicine, 1–4 times a
day typed as HH:MM or picked, every day or chosen weekdays, start, end or ongoing, pills per box
and pills at home). Staff set one up for a patient with the same flow (see `staff`)."""

from __future__ import annotations

from datetime import date

from flows import runner
from flows.declarations import Choose, Flow, Option, Step, Summary, Typed
from flows.reminders.messages import medicine
from flows.turn import Turn
from storage.tables import Therapy

MAX_TIMES = 4
PATIENT = f"{runner.INTERNAL}patient"  # set when staff set up a therapy for a patient
REQUEST = f"{runner.INTERNAL}request"  # the request card staff came from

THERAPIES = Flow(
    id="therapies",
    complete="home",
    title="therapy.title",
    steps=(
        Step(
            "list",
            "=therapies",
            Choose(
                key="what",
                options=(
                    Option("new", "therapy.menu.new", goto="@therapy_new"),
                    Option("manage", "therapy.menu.manage", goto="!therapy_manage"),
                    Option("caregiver", "therapy.menu.caregiver", goto="@caregiver"),
                ),
            ),
            cancel=False,
        ),
    ),
)

DAYS = (
    *(Option(str(n), f"therapy.day.{n}") for n in range(1, 8)),
    Option("all", "therapy.day.all", exclusive=True),
)

THERAPY_NEW = Flow(
    id="therapy_new",
    complete="therapy_save",
    title="therapy.title",
    steps=(
        Step("medicine", "therapy.medicine", Typed("medicine", max_length=80),
             summary_label="therapy.label.medicine"),
        Step("dose", "therapy.dose", Typed("dose", max_length=60, optional=True),
             summary_label="therapy.label.dose"),
        Step("time", "=therapy_time", Typed("time", validator="time", quick=(
            Option("08:00", "therapy.time.morning"),
            Option("13:00", "therapy.time.noon"),
            Option("20:00", "therapy.time.evening"),
        ))),
        Step("more", "=therapy_times", Choose(key="more", options=(
            Option("add", "therapy.more.add", goto="!therapy_add_time"),
            Option("done", "therapy.more.done", goto="!therapy_times_done"),
        ))),
        Step("days", "therapy.days", Choose(key="days", multiple=True, columns=4, options=DAYS),
             summary_label="therapy.label.days"),
        Step("start", "therapy.start", Typed("start", validator="future_date", quick=(
            Option("oggi", "therapy.start.today"),
            Option("domani", "therapy.start.tomorrow"),
        )), summary_label="therapy.label.start"),
        Step("end", "therapy.end", Typed("end", validator="future_date", optional=True,
             skip_label="therapy.end.none"),
             summary_label="therapy.label.end"),
        Step("pills", "therapy.pills", Typed("pills_per_box", validator="number", min_value=1,
             max_value=500, optional=True), summary_label="therapy.label.pills"),
        Step("left", "therapy.left", Typed("pills_left", validator="number", min_value=0,
             max_value=5000, optional=True), summary_label="therapy.label.left"),
        Step("confirm", "=therapy_confirm", Summary(send_label="therapy.save")),
    ),
)  # fmt: skip


def times_so_far(turn: Turn, *, with_current: bool = True) -> list[str]:
    given = runner.answers(turn)
    times = [str(t) for t in given.get("times") or []]
    current = given.get("time")
    if with_current and isinstance(current, str) and current not in times:
        times.append(current)
    return sorted(times)[:MAX_TIMES]


async def therapies_prompt(turn: Turn) -> str:
    patient = turn.patient
    assert patient is not None
    assert patient.id is not None
    therapies = await turn.uow.therapies.of_patient(patient_id=patient.id)
    if not therapies:
        return turn.t("therapy.list.empty")
    lines = [turn.t("therapy.list.title")]
    for therapy in therapies:
        lines.append(therapy_line(turn, therapy))
    return "\n".join(lines)


def therapy_line(turn: Turn, therapy: Therapy) -> str:
    if therapy.weekdays:
        days = ", ".join(turn.t(f"therapy.day.{d}") for d in sorted(therapy.weekdays))
    else:
        days = turn.t("therapy.day.all")
    line = turn.t(
        "therapy.list.line", medicine=medicine(therapy), times=", ".join(therapy.times), days=days
    )
    return f"⏸ {line}" if therapy.paused else f"• {line}"


async def time_prompt(turn: Turn) -> str:
    taken = times_so_far(turn, with_current=False)
    if not taken:
        return turn.t("therapy.time.first")
    return turn.t("therapy.time.next", times=", ".join(taken))


async def times_prompt(turn: Turn) -> str:
    return turn.t("therapy.times.so_far", times=", ".join(times_so_far(turn)), most=MAX_TIMES)


async def confirm_prompt(turn: Turn) -> str:
    return turn.t("therapy.confirm", times=", ".join(times_so_far(turn)))


async def add_time(turn: Turn) -> None:
    flow = THERAPY_NEW
    times = times_so_far(turn)
    runner.store(turn, times=times)
    if len(times) >= MAX_TIMES:
        await runner.goto(turn, flow, "days", notice=turn.t("therapy.times.full", most=MAX_TIMES))
        return
    await runner.goto(turn, flow, "time")


async def times_done(turn: Turn) -> None:
    runner.store(turn, times=times_so_far(turn))
    await runner.goto(turn, THERAPY_NEW, "days")


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


async def save(turn: Turn) -> None:
    given = runner.answers(turn)
    start = _day(given.get("start")) or turn.now.astimezone(turn.desk.settings.tz).date()
    end = _day(given.get("end"))
    if end is not None and end < start:
        await runner.goto(turn, THERAPY_NEW, "end", notice=turn.t("therapy.end.before_start"))
        return
    days = [str(d) for d in given.get("days") or []]
    staff_for = given.get(PATIENT) if turn.staff is not None else None
    patient_id = staff_for if isinstance(staff_for, int) else (turn.patient and turn.patient.id)
    assert isinstance(patient_id, int)
    therapy = Therapy(
        patient_id=patient_id,
        medicine=str(given.get("medicine") or "").strip(),
        dose=given.get("dose") or None,
        times=times_so_far(turn),
        weekdays=[] if "all" in days else sorted(int(d) for d in days),
        start_date=start,
        end_date=end,
        pills_per_box=given.get("pills_per_box"),
        pills_left=given.get("pills_left"),
        added_by="staff" if isinstance(staff_for, int) else "patient",
        created_at=turn.now,
    )
    await turn.uow.therapies.add(therapy=therapy)
    if isinstance(staff_for, int):
        from flows.reminders.staff import saved_by_staff

        await saved_by_staff(turn, therapy)
        return
    notice = turn.t("therapy.saved", medicine=medicine(therapy), times=", ".join(therapy.times))
    await runner.start_flow(turn, THERAPIES.id, notice=notice)
