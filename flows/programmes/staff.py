"""`/programmes` for staff: each programme with its live funnel; a card to start (after a
preview and a confirming tap), pause, resume or stop it; and Da chiamare, the non-responders
to phone, each with one-tap outcomes."""

from __future__ import annotations

from collections.abc import Sequence

from flows.codes import CALL_LETTERS, ProgrammeStaffOp, StaffCode
from flows.errors import NotFound
from flows.programmes import answers, running
from flows.programmes.funnel import funnel
from flows.programmes.funnel_view import count_text, funnel_lines, send_chart
from flows.programmes.model import Programme
from flows.programmes.segment import EXCLUSIONS, preview
from flows.reply import Button
from flows.staff.actions import staff_of
from flows.staff.screens import inbox_button, patient_name
from flows.turn import Turn

COMMAND = "programmes"
CALLS_SHOWN = 10
Op = ProgrammeStaffOp
# The funnel line of the list, in the order a doctor reads it.
LINE = ("invited", "delivered", "answered", "booked", "attended", "already_done", "declined",
        "non_responders")  # fmt: skip
STATUS_OPS: dict[str, str] = {Op.PAUSE: "paused", Op.RESUME: "running", Op.STOP: "stopped"}


def _button(turn: Turn, key: str, *args: object, **params: object) -> Button:
    return turn.button(key, StaffCode.PROGRAMMES(*args), **params)


def _find(programmes: Sequence[Programme], programme_id: str) -> Programme:
    for programme in programmes:
        if programme.id == programme_id:
            return programme
    raise NotFound("programmes.not_found")


async def _status(turn: Turn, programme_id: str) -> tuple[str, int]:
    state = await turn.uow.programmes.programme_state(programme_id=programme_id)
    return (state.status, state.cycle) if state is not None else ("draft", 0)


async def funnel_line(turn: Turn, programme: Programme) -> str:
    status, cycle = await _status(turn, programme.id)
    head = turn.t("programmes.line", title=turn.own(programme.title),
                  status=turn.t(f"programmes.status.{status}"))  # fmt: skip
    if cycle == 0:
        return head
    counts = (await funnel(turn.uow, programme.id, cycle)).counts
    figures = " · ".join(turn.t(f"programmes.funnel.{k}", n=count_text(counts[k])) for k in LINE)
    return f"{head}\n{turn.t('programmes.cycle', cycle=cycle)} {figures}"


def _show(turn: Turn, lines: list[str], rows: list[tuple[Button, ...]], notice: str | None) -> None:
    if notice:
        lines.insert(0, notice)
    turn.conversation.flow, turn.conversation.step = "staff", "programmes"
    turn.show("\n\n".join(lines), tuple(rows))


async def show_list(
    turn: Turn, programmes: Sequence[Programme], *, notice: str | None = None
) -> None:
    staff_of(turn)
    turn.new_menu()
    lines = [turn.t("programmes.title")]
    rows: list[tuple[Button, ...]] = []
    for programme in programmes:
        lines.append(await funnel_line(turn, programme))
        code = StaffCode.PROGRAMMES(Op.CARD, programme.id)
        rows.append((turn.button_text(turn.own(programme.title), code),))
    waiting = len(await turn.uow.programmes.to_call(limit=200))
    rows.append((_button(turn, "programmes.calls.button", Op.CALLS, n=waiting),))
    rows.append((inbox_button(turn),))
    _show(turn, lines, rows, notice)


async def show_card(turn: Turn, programme: Programme, *, notice: str | None = None) -> None:
    staff_of(turn)
    turn.new_menu()
    status, cycle = await _status(turn, programme.id)
    head = turn.t("programmes.line", title=turn.own(programme.title),
                  status=turn.t(f"programmes.status.{status}"))  # fmt: skip
    lines = [head]
    rows: list[tuple[Button, ...]] = []
    if cycle:
        lines.append("\n".join(funnel_lines(await funnel(turn.uow, programme.id, cycle), turn.t)))
        rows.append((_button(turn, "programmes.chart", Op.CHART, programme.id),))
    if status in ("draft", "stopped"):
        rows.append((_button(turn, "programmes.preview", Op.PREVIEW, programme.id),))
    if status == "running":
        rows.append((_button(turn, "programmes.pause", Op.PAUSE, programme.id),))
    if status == "paused":
        rows.append((_button(turn, "programmes.resume", Op.RESUME, programme.id),))
    if status in ("running", "paused"):
        rows.append((_button(turn, "programmes.stop", Op.STOP, programme.id),))
    rows.append((_button(turn, "programmes.back", Op.LIST),))
    _show(turn, lines, rows, notice)


async def show_preview(turn: Turn, programme: Programme) -> None:
    staff_of(turn)
    turn.new_menu()
    settings = turn.desk.settings
    seen = await preview(
        turn.uow, programme, now=turn.now, tz=settings.tz, cap_days=settings.programme_cap_days
    )
    excluded = ", ".join(
        turn.t(f"programmes.excluded.{reason}", n=seen.excluded[reason])
        for reason in EXCLUSIONS if seen.excluded.get(reason)
    )  # fmt: skip
    lines = [turn.t("programmes.preview.text", title=turn.own(programme.title), n=seen.invite,
                    excluded=excluded or turn.t("programmes.excluded.none"))]  # fmt: skip
    rows: list[tuple[Button, ...]] = [
        (_button(turn, "programmes.start", Op.START, programme.id),),
        (_button(turn, "programmes.card.back", Op.CARD, programme.id),),
    ]
    _show(turn, lines, rows, None)


async def show_calls(
    turn: Turn, programmes: Sequence[Programme], *, notice: str | None = None
) -> None:
    staff_of(turn)
    turn.new_menu()
    waiting = await turn.uow.programmes.to_call(limit=CALLS_SHOWN)
    people = await turn.uow.patients.by_ids(ids=[e.patient_id for e in waiting])
    titles = {p.id: turn.own(p.title) for p in programmes}
    lines = [turn.t("programmes.calls.title" if waiting else "programmes.calls.none")]
    rows: list[tuple[Button, ...]] = []
    for enrolment in waiting:
        patient = people.get(enrolment.patient_id)
        phone = (patient.phone if patient else None) or "—"
        title = titles.get(enrolment.programme_id, enrolment.programme_id)
        lines.append(turn.t("programmes.calls.line", id=enrolment.id, name=patient_name(patient),
                            contact=phone, programme=title))  # fmt: skip
        rows.append(
            tuple(
                _button(turn, f"programmes.outcome.{outcome}", Op.OUTCOME, enrolment.id, letter)
                for letter, outcome in CALL_LETTERS.items()
            )
        )
    rows.append((_button(turn, "programmes.back", Op.LIST),))
    _show(turn, lines, rows, notice)


async def on_tap(turn: Turn, programmes: Sequence[Programme], args: list[str]) -> None:
    op, rest = (args[0], args[1:]) if args else ("", [])
    staff = staff_of(turn)
    if op == Op.LIST:
        await show_list(turn, programmes)
    elif op == Op.CALLS:
        await show_calls(turn, programmes)
    elif op == Op.OUTCOME and len(rest) == 2 and rest[0].isdigit() and rest[1] in CALL_LETTERS:
        outcome = CALL_LETTERS[rest[1]]
        await answers.record_call(turn.uow, enrolment_id=int(rest[0]), outcome=outcome,
                                  staff_id=staff.id, now=turn.now)  # fmt: skip
        notice = turn.t("programmes.outcome.saved", id=rest[0],
                        outcome=turn.t(f"programmes.outcome.{outcome}"))  # fmt: skip
        await show_calls(turn, programmes, notice=notice)
    elif len(rest) == 1 and op in (Op.CARD, Op.PREVIEW, Op.CHART, Op.START, *STATUS_OPS):
        await _on_programme(turn, _find(programmes, rest[0]), op, staff.id)
    else:
        await show_list(turn, programmes, notice=turn.t("menu.expired"))


async def _on_programme(turn: Turn, programme: Programme, op: str, staff_id: int | None) -> None:
    status, _ = await _status(turn, programme.id)
    if op == Op.PREVIEW:
        await show_preview(turn, programme)
        return
    if op == Op.CHART:
        sent = await send_chart(turn, programme)
        turn.tapped_message_id = None  # the card again below the chart, where the eye is
        await show_card(turn, programme, notice=None if sent else turn.t("programmes.changed"))
        return
    notice = None
    if op == Op.START and status in ("draft", "stopped"):
        settings = turn.desk.settings
        planned = await running.start(
            turn.uow,
            programme,
            now=turn.now,
            tz=settings.tz,
            staff_id=staff_id,
            cap_days=settings.programme_cap_days,
        )
        enrolled = planned.enrolled if planned else 0
        notice = turn.t("programmes.started", n=enrolled)
    elif op in STATUS_OPS and (status, op) in _ALLOWED:
        await running.set_status(turn.uow, programme.id, STATUS_OPS[op], staff_id=staff_id)
        notice = turn.t(f"programmes.done.{STATUS_OPS[op]}")
    elif op != Op.CARD:
        notice = turn.t("programmes.changed")
    await show_card(turn, programme, notice=notice)


_ALLOWED = {("running", Op.PAUSE), ("paused", Op.RESUME), ("running", Op.STOP), ("paused", Op.STOP)}
