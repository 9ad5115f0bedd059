"""A tap on one of the six answers, and what follows it: the likelihood to recommend when it is
due, then one optional short comment (typed, bounded, or skipped).

A tap on a button that is not the patient's own, or not a question at all, records nothing. An
answer already given is thanked, not recorded twice.
"""

from __future__ import annotations

from typing import Any

from flows import runner
from flows.declarations import Choose, Flow, Step, Typed
from flows.errors import NotFound
from flows.reminders.common import answer_on_tapped, expired, parse
from flows.satisfaction.asking import ANSWER_WINDOW, may_ask_to_recommend
from flows.satisfaction.words import ANSWERS, answer_text
from flows.turn import Turn
from storage.repositories.reminders import ANSWERED
from storage.tables import SatisfactionAnswer
from storage.tables.satisfaction import COMMENT_MAX

ROW = f"{runner.INTERNAL}satisfaction"  # the answer row the follow-up flow completes
SKIP = "skip"

COMMENT_STEP = Step(
    "comment",
    "satisfaction.comment.prompt",
    Typed(key="comment", validator="long_text", max_length=COMMENT_MAX, optional=True),
    back=False,
    cancel=False,
)
COMMENT = Flow(
    id="satisfaction_comment",
    complete="satisfaction_done",
    cancelled="satisfaction_done",
    steps=(COMMENT_STEP,),
)
RECOMMEND = Flow(
    id="satisfaction_recommend",
    complete="satisfaction_done",
    cancelled="satisfaction_done",
    steps=(
        Step(
            "recommend",
            "satisfaction.recommend.prompt",
            Choose(key="recommend", provider="recommend_scores", columns=6),
            next="!satisfaction_recommended",
            back=False,
            cancel=False,
        ),
        COMMENT_STEP,
    ),
)


async def on_button(turn: Turn, args: list[str]) -> None:
    """``S.<answer>.<SatisfactionOp>``"""
    parsed = parse(args, tuple(ANSWERS))
    if parsed is None:
        await expired(turn)
        return
    number, op = parsed
    row = await _own(turn, number)
    if row.answer is not None:
        answer_on_tapped(turn, turn.t("satisfaction.already"))
        return
    if turn.now - row.asked_at > ANSWER_WINDOW:
        answer_on_tapped(turn, turn.t("satisfaction.too_late"))
        return
    row.answer, row.answered_at = ANSWERS[op], turn.now
    assert row.patient_id is not None
    recommend = await may_ask_to_recommend(
        turn.uow, patient_id=row.patient_id, now=turn.now, settings=turn.desk.settings
    )
    if recommend:
        row.recommend_asked_at = turn.now
    await turn.uow.satisfaction.save(answer=row)
    reminder = await turn.uow.satisfaction.question_reminder(answer=row)
    if reminder is not None:
        reminder.status, reminder.answer, reminder.answered_at = ANSWERED, op, turn.now
        await turn.uow.reminders.save(reminder=reminder)
    thanks = turn.t("satisfaction.thanks", answer=answer_text(turn.t, row.answer))
    # Like every reminder's answer it offers the menu; the comment's prompt comes below it.
    answer_on_tapped(turn, thanks)
    await runner.start_flow(turn, (RECOMMEND if recommend else COMMENT).id, keep={ROW: row.id})


async def scores(turn: Turn, _step: Step) -> list[tuple[str, str]]:
    """0 to 10, and a way past the question."""
    return [(str(n), str(n)) for n in range(11)] + [(SKIP, turn.t("button.skip"))]


async def recommended(turn: Turn) -> None:
    given = runner.answers(turn)
    score = str(given.get("recommend") or "")
    if score.isdigit() and 0 <= int(score) <= 10:
        row = await _own(turn, _row_id(given))
        row.recommend, row.recommend_answered_at = int(score), turn.now
        await turn.uow.satisfaction.save(answer=row)
    await runner.goto(turn, RECOMMEND, COMMENT_STEP.id)


async def done(turn: Turn) -> None:
    given = runner.answers(turn)
    comment = given.get("comment")
    if isinstance(comment, str) and comment.strip():
        row = await _own(turn, _row_id(given))
        row.comment, row.commented_at = comment.strip()[:COMMENT_MAX], turn.now
        await turn.uow.satisfaction.save(answer=row)
        await runner.go_home(turn, notice=turn.t("satisfaction.comment.thanks"))
        return
    await runner.go_home(turn, notice=turn.t("satisfaction.done"))


def _row_id(given: dict[str, Any]) -> int:
    value = given.get(ROW)
    return value if isinstance(value, int) else 0


async def _own(turn: Turn, number: int) -> SatisfactionAnswer:
    """The patient's own question; anyone else's, or none, is simply not found."""
    row = await turn.uow.satisfaction.get(answer_id=number, for_update=True)
    patient = turn.patient
    if row is None or patient is None or row.patient_id != patient.id:
        raise NotFound("satisfaction.not_found")
    return row
