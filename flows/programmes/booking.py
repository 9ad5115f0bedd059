"""«Prenoto» on a programme's message: the Visit flow with the programme's reason already
chosen, whose request, once filed, is linked to the programme and its cycle (the funnel counts
it as booked). The steps after the reason are the Visit flow's own, and the request is filed as
the Visit flow files it: this flow is a way into that kind, not a kind of its own."""

from __future__ import annotations

from flows import runner
from flows.declarations import Choose, Flow, Step
from flows.kinds.common import CONFIRM, URGENCY
from flows.kinds.visit import VISIT
from flows.patient import services
from flows.programmes import answers
from flows.registry import Registry
from flows.turn import Turn

ENROLMENT = f"{runner.INTERNAL}programme_enrolment"  # kept, never filed with the answers
REASON = f"{runner.INTERNAL}programme_reason"  # the reason's catalog key

# One tap confirms the reason the programme suggests; the rest is the Visit flow as it is.
REASON_STEP = Step(
    "reason",
    prompt="programme.book.reason",
    input=Choose(key="reason", provider="programme_reason"),
    summary_label="visit.label.reason",
)
BOOKING = Flow(
    id="programme_visit",
    title="kind.visit",
    steps=(
        URGENCY,
        REASON_STEP,
        *(step for step in VISIT.steps if step.id not in (URGENCY.id, "reason", CONFIRM.id)),
        CONFIRM,
    ),
    complete="programme_submit",
    urgency_gate=True,
)


async def reason_option(turn: Turn, _step: Step) -> list[tuple[str, str]]:
    key = str(runner.answers(turn).get(REASON) or "")
    text = turn.own(key) if key else turn.t("kind.visit")
    return [("suggested", text)]  # the text is filed as the label (`_reason_label`)


async def submit(turn: Turn) -> None:
    # Filed as the Visit flow files it, the reason as the words the patient confirmed.
    label = runner.answers(turn).get(f"{runner.INTERNAL}reason_label")
    runner.store(turn, reason=str(label or ""))
    request = await services.submit_request(turn, VISIT)
    enrolment = runner.answers(turn).get(ENROLMENT)
    if isinstance(enrolment, int) and request.id is not None:
        await answers.link_request(
            turn.uow, enrolment_id=enrolment, request_id=request.id, now=turn.now
        )
    await services.confirmation(turn, request)
    await runner.go_home(turn)


def registry() -> Registry:
    result = Registry()
    result.add_flow(BOOKING)
    result.providers["programme_reason"] = reason_option
    result.actions["programme_submit"] = submit
    return result
