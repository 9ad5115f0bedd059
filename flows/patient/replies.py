"""A message a patient writes where no step asks for text, and answers that come too late.

After the practice asks something, the natural thing is to type the answer, not to find the
«Rispondi» button scrolled far up. So a message written at the menu is the answer when exactly
one request waits for this patient; with several waiting the patient picks which (the message is
kept in the conversation meanwhile); with none they hear what the bot can do. An answer for a
request that no longer waits is never lost: it can be sent as a new Domanda.
"""

from __future__ import annotations

from typing import Any

from flows import runner
from flows.declarations import Choose, Flow, Step, Typed
from flows.events import FileIn, TextIn
from flows.inputs import file_record, problem_text
from flows.kinds.question import QUESTION
from flows.lifecycle import State
from flows.patient import services
from flows.registry import Registry
from flows.runner import INTERNAL, answers
from flows.turn import Turn
from flows.validators import Problem, check

REQUEST = f"{INTERNAL}request"  # the request a screen is about
KEPT_TEXT = f"{INTERNAL}kept_text"  # a message written before the patient said what it is for
KEPT_FILES = services.KEPT_FILES
ANSWER_TEXT = Typed("text", validator="long_text", max_length=1000, accept_files=True)

ANSWER_WHICH = Flow(
    id="answer_which",
    complete="answer_chosen",
    steps=(
        Step(
            "which",
            "answer.which.prompt",
            Choose(key="request", provider="waiting_requests"),
            back=False,
        ),
    ),
)

NOT_WAITING = Flow(
    id="not_waiting",
    complete="home",
    steps=(
        Step(
            "offer",
            "=not_waiting",
            Choose(key="next", provider="not_waiting_ops"),
            back=False,
            cancel=False,
        ),
    ),
)


def takes_text(flow: Flow) -> bool:
    """True for a flow with a step that reads typed text or files: a message belongs to it."""
    return any(not isinstance(step.input, Choose) for step in flow.steps)


async def on_message(turn: Turn) -> None:
    """Typed text, a photo or a document arrived at the menu (or a screen of buttons only)."""
    kept = _message(turn)
    if isinstance(kept, Problem):
        await runner.go_home(turn, notice=problem_text(turn, kept))
        return
    text, files = kept
    if turn.conversation.flow == NOT_WAITING.id:
        await _keep_more(turn, text, files)
        return
    assert turn.patient is not None
    assert turn.patient.id is not None
    waiting = await turn.uow.requests.waiting_for_patient(patient_id=turn.patient.id)
    if not waiting:
        await runner.go_home(turn, notice=turn.t("loose.nothing_waiting"))
    elif len(waiting) == 1:
        await file_answer(turn, waiting[0].id or 0, text=text, files=files)
    else:
        await runner.start_flow(turn, ANSWER_WHICH.id, keep={KEPT_TEXT: text, KEPT_FILES: files})


def _message(turn: Turn) -> tuple[str, list[dict[str, Any]]] | Problem:
    event = turn.event
    if isinstance(event, FileIn):
        return (event.caption or "").strip()[: ANSWER_TEXT.max_length], [file_record(event)]
    assert isinstance(event, TextIn)
    today = turn.now.astimezone(turn.desk.settings.tz).date()
    result = check(event.text, ANSWER_TEXT, today=today)
    return result if isinstance(result, Problem) else (str(result), [])


async def file_answer(turn: Turn, number: int, *, text: str, files: list[dict[str, Any]]) -> None:
    """The answer for request `number`, the same way the «Rispondi» button files it."""
    request = await services.own_request(turn, number, for_update=True)
    if request.state != State.WAITING_PATIENT:
        await offer_new_question(turn, number, text=text, files=files)
        return
    await services.answer_request(turn, number, text=text, files=files)
    await runner.go_home(turn, notice=turn.t("answer.sent", number=number))


async def offer_new_question(
    turn: Turn,
    number: int,
    *,
    text: str | None = None,
    files: list[dict[str, Any]] | None = None,
) -> None:
    """Request `number` no longer waits: say so once, and offer a new Domanda instead
    (carrying what the patient wrote, when they wrote something)."""
    keep: dict[str, Any] = {REQUEST: number}
    if text or files:
        keep.update({KEPT_TEXT: text or "", KEPT_FILES: list(files or [])})
    await runner.start_flow(turn, NOT_WAITING.id, keep=keep)


async def _keep_more(turn: Turn, text: str, files: list[dict[str, Any]]) -> None:
    """More written after hearing the request no longer waits: kept with the rest, for the
    new Domanda on offer."""
    given = answers(turn)
    earlier = str(given.get(KEPT_TEXT) or "")
    joined = "\n".join(part for part in (earlier, text) if part)[: ANSWER_TEXT.max_length]
    everything = [*(given.get(KEPT_FILES) or []), *files]
    await offer_new_question(turn, int(given.get(REQUEST) or 0), text=joined, files=everything)


async def not_waiting_prompt(turn: Turn) -> str:
    given = answers(turn)
    number = int(given.get(REQUEST) or 0)
    request = await services.own_request(turn, number)
    if request.state in (State.CLOSED, State.REJECTED, State.CANCELLED, State.EXPIRED):
        lines = [turn.t("answer.closed", number=number)]
    else:
        lines = [turn.t("answer.no_longer_waiting", number=number)]
    if _kept(turn):
        lines.append(turn.t("answer.kept"))
    return "\n\n".join(lines)


def _kept(turn: Turn) -> bool:
    given = answers(turn)
    return bool(given.get(KEPT_TEXT) or given.get(KEPT_FILES))


async def not_waiting_ops(turn: Turn, _step: Step) -> list[tuple[str, str]]:
    if _kept(turn):
        first = ("!question_from_kept", turn.t("answer.send_as_question"))
    else:
        first = (f"@{QUESTION.id}", turn.t("answer.new_question"))
    return [first, ("@home", turn.t("button.menu"))]


async def question_from_kept(turn: Turn) -> None:
    """The kept message as a new Domanda, on its summary: the patient sees it and taps Send."""
    refusal = await services.demand_refusal(turn)
    if refusal is not None:
        await runner.go_home(turn, notice=refusal)
        return
    given = answers(turn)
    files = list(given.get(KEPT_FILES) or [])
    text = str(given.get(KEPT_TEXT) or "") or turn.t("answer.files_only", count=len(files))
    conversation = turn.conversation
    conversation.flow = QUESTION.id
    conversation.step = QUESTION.steps[-1].id
    conversation.answers = {
        "category": "other",
        f"{INTERNAL}category_label": turn.t("question.category.other"),
        "text": text,
        KEPT_FILES: files,
    }
    # Back walks the Domanda's own steps, so the patient can still change what it says.
    conversation.trail = [step.id for step in QUESTION.steps[:-1]]
    await runner.show_current(turn)


async def waiting_requests(turn: Turn, _step: Step) -> list[tuple[str, str]]:
    if turn.patient is None or turn.patient.id is None:
        return []
    rows = await turn.uow.requests.waiting_for_patient(patient_id=turn.patient.id)
    return [
        (str(r.id), turn.t("answer.which.line", number=r.id, kind=turn.t(f"kind.{r.kind}")))
        for r in rows
    ]


async def answer_chosen(turn: Turn) -> None:
    given = answers(turn)
    await file_answer(
        turn,
        int(str(given.get("request"))),
        text=str(given.get(KEPT_TEXT) or ""),
        files=list(given.get(KEPT_FILES) or []),
    )


def registry() -> Registry:
    result = Registry()
    for flow in (ANSWER_WHICH, NOT_WAITING):
        result.add_flow(flow)
    result.describers.update(not_waiting=not_waiting_prompt)
    result.providers.update(waiting_requests=waiting_requests, not_waiting_ops=not_waiting_ops)
    result.actions.update(answer_chosen=answer_chosen, question_from_kept=question_from_kept)
    return result
