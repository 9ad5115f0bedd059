"""The request lifecycle: one `transitions` machine shared by every request.

The machine decides whether a move is allowed and where it leads; `move` applies it to the row and
writes the audit event in the caller's unit of work, so state, row and event commit together or
not at all (`transitions` itself never rolls back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from transitions import Machine, MachineError

from flows.errors import NotFound, TransitionRefused
from storage.tables import Request, RequestEvent
from storage.uow import UnitOfWork


class State(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING_PATIENT = "waiting_patient"
    SNOOZED = "snoozed"
    READY = "ready"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Action(StrEnum):
    TAKE = "take"
    ASK = "ask"
    ANSWER = "answer"
    READY = "ready"
    CLOSE = "close"
    SNOOZE = "snooze"
    WAKE = "wake"
    REJECT = "reject"
    CANCEL = "cancel"
    EXPIRE = "expire"


_S = State
TRANSITIONS: Final[tuple[tuple[Action, tuple[State, ...], State], ...]] = (
    (Action.TAKE, (_S.NEW,), _S.IN_PROGRESS),
    (Action.ASK, (_S.IN_PROGRESS,), _S.WAITING_PATIENT),
    (Action.ANSWER, (_S.WAITING_PATIENT,), _S.IN_PROGRESS),
    (Action.READY, (_S.IN_PROGRESS,), _S.READY),
    (Action.CLOSE, (_S.READY,), _S.CLOSED),
    (Action.SNOOZE, (_S.NEW, _S.IN_PROGRESS), _S.SNOOZED),
    (Action.WAKE, (_S.SNOOZED,), _S.IN_PROGRESS),
    (Action.REJECT, (_S.NEW, _S.IN_PROGRESS, _S.WAITING_PATIENT, _S.SNOOZED), _S.REJECTED),
    (Action.CANCEL, (_S.NEW,), _S.CANCELLED),
    (Action.EXPIRE, (_S.WAITING_PATIENT,), _S.EXPIRED),
)

FINAL_STATES: Final = frozenset({_S.CLOSED, _S.REJECTED, _S.CANCELLED, _S.EXPIRED})
OPEN_STATES: Final = frozenset(State) - FINAL_STATES
STAFF_ACTIONS: Final = frozenset(
    {Action.TAKE, Action.ASK, Action.READY, Action.CLOSE, Action.SNOOZE, Action.REJECT}
)


class _Token:
    """A throwaway model: the machine is shared, the state lives in the request row."""

    # Both are bound by `Machine.add_model`.
    state: str
    trigger: Callable[[str], bool]


class Lifecycle:
    def __init__(self) -> None:
        self._machine = Machine(
            model=None,
            states=[state.value for state in State],
            transitions=[
                {"trigger": action.value, "source": [s.value for s in sources], "dest": dest.value}
                for action, sources, dest in TRANSITIONS
            ],
            initial=None,
            auto_transitions=False,
        )

    def allowed_actions(self, state: str) -> list[Action]:
        triggers = set(self._machine.get_triggers(str(state)))
        return [action for action in Action if action.value in triggers]

    def can(self, state: str, action: Action) -> bool:
        return action in self.allowed_actions(state)

    def target(self, *, number: int, state: str, action: Action) -> State:
        """Run the move on the shared machine and return the new state, or refuse it."""
        token = _Token()
        self._machine.add_model(token, initial=str(state))
        try:
            token.trigger(action.value)
        except MachineError as exc:
            raise refusal(number=number, state=state, action=action) from exc
        finally:
            self._machine.remove_model(token)
        return State(token.state)


def refusal(*, number: int, state: str, action: Action) -> TransitionRefused:
    key = "lifecycle.refused.cancel" if action is Action.CANCEL else f"lifecycle.refused.{state}"
    return TransitionRefused(key, number=number)


LIFECYCLE: Final = Lifecycle()


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str  # patient | staff | system
    id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls("system")


async def move(
    uow: UnitOfWork,
    *,
    request_id: int,
    action: Action,
    actor: Actor,
    now: datetime,
    note: str | None = None,
    changes: dict[str, Any] | None = None,
) -> tuple[Request, RequestEvent]:
    """Apply one lifecycle move inside `uow` (which the caller commits) and record its event."""
    request = await uow.requests.get(request_id=request_id, for_update=True)
    if request is None:
        raise NotFound("request.not_found", number=request_id)
    assert request.id is not None
    from_state = request.state
    to_state = LIFECYCLE.target(number=request.id, state=from_state, action=action)
    request.state = to_state.value
    request.version += 1
    if actor.kind == "staff" and request.first_response_at is None:
        request.first_response_at = now
    if to_state in FINAL_STATES:
        request.closed_at = now
    request.waiting_since = now if to_state is State.WAITING_PATIENT else None
    if to_state is not State.SNOOZED:
        request.snoozed_until = None
    for field, value in (changes or {}).items():
        setattr(request, field, value)
    await uow.requests.save(request=request)
    event = await uow.requests.add_event(
        event=RequestEvent(
            request_id=request.id,
            at=now,
            actor_kind=actor.kind,
            actor_id=actor.id,
            action=action.value,
            from_state=from_state,
            to_state=to_state.value,
            note=note,
        )
    )
    return request, event
