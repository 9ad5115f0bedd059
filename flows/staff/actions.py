"""What staff do to requests: every action goes through the lifecycle, writes its event, and
updates the patient's card. Refusals say who did what, so two people never step on each other."""

from __future__ import annotations

from datetime import datetime

from flows.dates import short
from flows.errors import DomainError, NotFound, PermissionDenied, TransitionRefused
from flows.lifecycle import Action, Actor, State, move
from flows.staff.announce import announce
from flows.turn import Turn
from storage.tables import Request, RequestEvent, Staff

# Actions that need words from staff, and whether the words are required.
NEEDS_TEXT = {Action.ASK: True, Action.REJECT: True, Action.READY: False, Action.CLOSE: False}


def staff_of(turn: Turn) -> Staff:
    """Staff rights come from the staff table, read again on every action."""
    if turn.staff is None or not turn.staff.active:
        raise PermissionDenied("staff.not_allowed")
    return turn.staff


async def load(turn: Turn, number: int, *, for_update: bool = False) -> Request:
    request = await turn.uow.requests.get(request_id=number, for_update=for_update)
    if request is None:
        raise NotFound("request.not_found", number=number)
    return request


async def _who_did_it(turn: Turn, request: Request) -> TransitionRefused | None:
    event = await turn.uow.requests.last_event(request_id=request.id or 0)
    if event is None or event.actor_kind != "staff" or event.actor_id is None:
        return None
    other = await turn.uow.staff.get(staff_id=event.actor_id)
    if other is None:
        return None
    return TransitionRefused(
        "staff.refused_by",
        number=request.id,
        state=turn.t(f"staff.state.{request.state}"),
        who=other.name,
        action=turn.t(f"staff.action.{event.action}"),
        when=short(event.at, tz=turn.desk.settings.tz),
    )


async def act(
    turn: Turn,
    number: int,
    action: Action,
    *,
    note: str | None = None,
    snoozed_until: datetime | None = None,
) -> Request:
    """One staff action on request `number`, announced to the patient."""
    staff = staff_of(turn)
    if NEEDS_TEXT.get(action) and not note:
        raise DomainError(f"staff.{action.value}.needs_text", number=number)
    request = await load(turn, number, for_update=True)
    # Marking ready or closing straight from the inbox takes the request first: two events,
    # both true, instead of a move the lifecycle does not have.
    chain: list[Action] = []
    if action in (Action.READY, Action.ASK) and request.state == State.NEW:
        chain.append(Action.TAKE)
    if action is Action.CLOSE and request.state in (State.NEW, State.IN_PROGRESS):
        chain.extend([Action.TAKE, Action.READY] if request.state == State.NEW else [Action.READY])
    chain.append(action)
    changes: dict[str, object] = {}
    if action is Action.SNOOZE:
        changes["snoozed_until"] = snoozed_until
    if request.assignee_id is None and action is not Action.REJECT:
        changes["assignee_id"] = staff.id
    try:
        for step in chain:
            last = step is chain[-1]
            request, _ = await move(
                turn.uow,
                request_id=number,
                action=step,
                actor=Actor("staff", staff.id),
                now=turn.now,
                note=note if last else None,
                changes=changes if last else None,
            )
    except TransitionRefused as refused:
        detailed = await _who_did_it(turn, request)
        raise (detailed or refused) from refused
    patient = await turn.uow.patients.get(patient_id=request.patient_id)
    announce(
        turn.desk, turn.reply, request=request, patient=patient, action=action.value, note=note
    )
    return request


async def assign(turn: Turn, number: int, *, to: Staff) -> Request:
    staff_of(turn)
    request = await load(turn, number, for_update=True)
    if request.state in (State.CLOSED, State.REJECTED, State.CANCELLED, State.EXPIRED):
        raise TransitionRefused(f"lifecycle.refused.{request.state}", number=number)
    request.assignee_id = to.id
    request.version += 1
    await turn.uow.requests.save(request=request)
    await _record(turn, request, "assign", note=to.name)
    return request


async def toggle_urgent(turn: Turn, number: int) -> Request:
    staff_of(turn)
    request = await load(turn, number, for_update=True)
    request.staff_urgent = not request.staff_urgent
    request.version += 1
    await turn.uow.requests.save(request=request)
    await _record(turn, request, "urgent_on" if request.staff_urgent else "urgent_off")
    return request


async def _record(turn: Turn, request: Request, action: str, note: str | None = None) -> None:
    staff = staff_of(turn)
    await turn.uow.requests.add_event(
        event=RequestEvent(
            request_id=request.id or 0,
            at=turn.now,
            actor_kind="staff",
            actor_id=staff.id,
            action=action,
            from_state=request.state,
            to_state=request.state,
            note=note,
        )
    )
