"""What a patient can do to requests: file one, cancel it while new, answer a staff question.

Each runs inside the turn's unit of work: the request, its event and its attachments are written
together with the conversation's new position, or not at all.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from flows.answers import filed
from flows.calendar import OpeningHours, add_working_days
from flows.dates import day_and_time
from flows.declarations import Files, Flow, Typed
from flows.errors import DomainError, NotFound
from flows.lifecycle import Action, Actor, State, move
from flows.patient.cards import card_buttons, card_text, card_update
from flows.practice import practice_text
from flows.reply import Anchor, Outgoing
from flows.runner import INTERNAL, answers
from flows.staff.notify import notify
from flows.turn import Turn
from storage.tables import Attachment, Patient, Request, RequestEvent

CLOSED_KEY = "closed"  # practice setting staff can switch at run time
# Files the patient sent before the flow began (an answer that became a new request).
KEPT_FILES = f"{INTERNAL}kept_files"
CONFIRMATION = "request_confirmation"  # the outbox row of a filed request's card
# How long the outbox leaves the card to the turn's own reply: longer than the renderer's
# retries of a whole reply can take (docs/delivery.md).
CONFIRMATION_HOLD = timedelta(minutes=2)


async def demand_refusal(turn: Turn) -> str | None:
    """Why this patient cannot file a new request now, or None."""
    patient = turn.patient
    settings = turn.desk.settings
    if patient is None or patient.registered_at is None:
        return turn.t("onboarding.needed")
    if patient.verification == "blocked":
        return practice_text(turn, "patient.blocked")
    closed = await turn.uow.settings.get(key=CLOSED_KEY, default=None)
    if settings.closed or (isinstance(closed, dict) and closed.get("on")):
        message = (closed or {}).get("message") if isinstance(closed, dict) else None
        return message or settings.closed_message or turn.t("practice.closed")
    since = turn.now - timedelta(hours=24)
    assert patient.id is not None
    filed = await turn.uow.requests.count_created_since(patient_id=patient.id, since=since)
    if filed >= settings.max_requests_per_day:
        return turn.t("requests.limit", limit=settings.max_requests_per_day)
    return None


def extra_closed_days(turn: Turn) -> list[date]:
    return list(turn.desk.settings.extra_closed_days)


def _files(flow: Flow, given: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for step in flow.steps:
        spec = step.input
        if isinstance(spec, Files):
            found.extend(given.get(spec.key) or [])
        elif isinstance(spec, Typed) and spec.accept_files:
            found.extend(given.get(f"{spec.key}_files") or [])
    found.extend(given.get(KEPT_FILES) or [])
    return found


async def submit_request(turn: Turn, flow: Flow) -> Request:
    refusal = await demand_refusal(turn)
    if refusal is not None:
        raise DomainError("requests.refused", reason=refusal)
    patient = turn.patient
    assert patient is not None
    assert patient.id is not None
    assert flow.kind is not None
    settings = turn.desk.settings
    request = await turn.uow.requests.add(
        request=Request(
            kind=flow.kind,
            patient_id=patient.id,
            answers=filed(flow, answers(turn)),
            unverified=patient.verification != "verified",
            created_at=turn.now,
            due_at=add_working_days(
                turn.now,
                settings.answer_working_days,
                tz=settings.tz,
                extra_closed_days=extra_closed_days(turn),
            ),
            status_chat_id=turn.chat_id,
        )
    )
    assert request.id is not None
    await turn.uow.requests.add_event(
        event=RequestEvent(
            request_id=request.id,
            at=turn.now,
            actor_kind="patient",
            actor_id=patient.id,
            action="submit",
            to_state=State.NEW.value,
        )
    )
    await _attach(turn, request.id, _files(flow, answers(turn)), added_by="patient")
    await notify(turn, "staff.notice.new", number=request.id, kind=turn.t(f"kind.{request.kind}"))
    return request


async def _attach(
    turn: Turn, request_id: int, files: list[dict[str, Any]], *, added_by: str
) -> None:
    for item in files:
        await turn.uow.requests.add_attachment(
            attachment=Attachment(
                request_id=request_id,
                telegram_file_id=str(item["file_id"]),
                file_unique_id=item.get("file_unique_id"),
                kind=str(item.get("kind") or "document"),
                mime_type=item.get("mime_type"),
                file_name=item.get("file_name"),
                size=item.get("size"),
                added_by=added_by,
                created_at=turn.now,
            )
        )


async def confirmation(turn: Turn, request: Request) -> None:
    """Turn the summary the patient tapped Send on into the request's live status card.

    The card is one of the filing's effects: it is also written to the outbox, held, in the same
    unit of work as the request. The turn's reply shows it at once and marks that row sent; if
    the reply cannot (Telegram failing, the bot dying before it answered), the outbox's
    dispatcher sends it instead, once (docs/delivery.md).
    """
    settings = turn.desk.settings
    note = turn.t("card.received")
    hours = OpeningHours.parse(settings.opening_hours)
    closed_days = extra_closed_days(turn)
    if not hours.is_open(turn.now, tz=settings.tz, extra_closed_days=closed_days):
        opening = hours.next_opening(turn.now, tz=settings.tz, extra_closed_days=closed_days)
        when = day_and_time(opening, tz=settings.tz, lang=turn.lang)
        note += "\n" + turn.t("card.out_of_hours", when=when)
    key = f"confirmation:{request.id}"
    card = Outgoing(
        chat_id=turn.chat_id,
        text=card_text(turn.desk, request, turn.lang, note=note),
        buttons=card_buttons(turn.desk, request, turn.lang, turn.chat_id),
        edit_message_id=turn.tapped_message_id,
        anchor=Anchor("card", request.id or 0),
        outbox_key=key,
    )
    turn.reply.add(card)
    turn.tapped_message_id = None
    # Imported here: the reminders package imports the request kinds, which import this module.
    from flows.reminders import outbox

    held = outbox.row(
        key=key,
        message=replace(card, edit_message_id=None),  # if it comes to that, below the rest
        kind=CONFIRMATION,
        now=turn.now,
        settings=settings,
        due=turn.now + CONFIRMATION_HOLD,
        night_ok=True,  # the patient has just acted
    )
    await outbox.enqueue(turn.uow, [held])


async def own_request(turn: Turn, request_id: int, *, for_update: bool = False) -> Request:
    """The patient's own request; anyone else's is simply 'not found'."""
    request = await turn.uow.requests.get(request_id=request_id, for_update=for_update)
    patient = turn.patient
    if request is None or patient is None or request.patient_id != patient.id:
        raise NotFound("request.not_found", number=request_id)
    return request


def patient_actor(patient: Patient | None) -> Actor:
    return Actor("patient", patient.id if patient is not None else None)


async def cancel_request(turn: Turn, request_id: int) -> Request:
    await own_request(turn, request_id, for_update=True)
    request, _ = await move(
        turn.uow,
        request_id=request_id,
        action=Action.CANCEL,
        actor=patient_actor(turn.patient),
        now=turn.now,
    )
    update = card_update(turn.desk, request, turn.lang)
    if update is not None:
        turn.reply.add(update)
    await notify(turn, "staff.notice.cancelled", number=request.id, only=_assignee(request))
    return request


def _assignee(request: Request) -> list[int]:
    return [request.assignee_id] if request.assignee_id is not None else []


async def answer_request(
    turn: Turn, request_id: int, *, text: str, files: list[dict[str, Any]]
) -> Request:
    await own_request(turn, request_id, for_update=True)
    request, _ = await move(
        turn.uow,
        request_id=request_id,
        action=Action.ANSWER,
        actor=patient_actor(turn.patient),
        now=turn.now,
        note=text or None,
    )
    await _attach(turn, request_id, files, added_by="patient")
    update = card_update(turn.desk, request, turn.lang)
    if update is not None:
        turn.reply.add(update)
    await notify(turn, "staff.notice.answered", number=request.id, only=_assignee(request))
    return request
