"""Follow-up answered: a one-tap rating after a request is closed, and check-backs after a visit.

A rating is kept once per request and feeds /stats. A check-back answer is recorded; "worse" is
passed on to staff, and the patient is pointed to a question (or 112) rather than left alone.
"""

from __future__ import annotations

from flows.codes import RATINGS, CheckbackOp
from flows.patient.services import own_request
from flows.reminders.common import answer_on_tapped, expired, own_reminder, parse
from flows.reminders.messages import short_name
from flows.staff.notify import notify
from flows.turn import Turn
from storage.repositories.reminders import ANSWERED
from storage.tables import Rating

CHECKBACK_ANSWERS: dict[str, str] = {
    CheckbackOp.BETTER: "better",
    CheckbackOp.SAME: "same",
    CheckbackOp.WORSE: "worse",
}


async def on_rating(turn: Turn, args: list[str]) -> None:
    """``G.<request>.<1-5>``"""
    parsed = parse(args, tuple(RATINGS))
    if parsed is None:
        await expired(turn)
        return
    number, score = parsed[0], int(parsed[1])
    request = await own_request(turn, number)
    stars = "⭐" * score
    existing = await turn.uow.requests.rating_of(request_id=number)
    if existing is not None:
        answer_on_tapped(turn, turn.t("rating.already", number=number, stars="⭐" * existing.score))
        return
    if request.state != "closed":
        await expired(turn)
        return
    await turn.uow.requests.add_rating(
        rating=Rating(
            request_id=number, patient_id=request.patient_id, score=score, created_at=turn.now
        )
    )
    reminder = await turn.uow.reminders.rating_prompt(request_id=number)
    if reminder is not None:
        reminder.status, reminder.answer, reminder.answered_at = ANSWERED, str(score), turn.now
        await turn.uow.reminders.save(reminder=reminder)
    answer_on_tapped(turn, turn.t("rating.thanks", number=number, stars=stars))


async def on_checkback(turn: Turn, args: list[str]) -> None:
    """``K.<reminder>.<b|s|w>``"""
    parsed = parse(args, tuple(CheckbackOp))
    if parsed is None:
        await expired(turn)
        return
    number, op = parsed
    reminder = await own_reminder(turn, number, "checkback")
    if reminder.status == ANSWERED:
        answer_on_tapped(turn, turn.t("checkback.already"))
        return
    what = CHECKBACK_ANSWERS[op]
    reminder.status, reminder.answer, reminder.answered_at = ANSWERED, what, turn.now
    await turn.uow.reminders.save(reminder=reminder)
    if what == "worse":
        await notify(
            turn,
            "staff.notice.checkback_worse",
            name=short_name(turn.patient),
            number=reminder.request_id or "-",
        )
        answer_on_tapped(turn, turn.t("checkback.worse.sent"))
        return
    answer_on_tapped(turn, turn.t(f"checkback.{what}.thanks"))
