"""Every allowed move and every refused one, straight from the table in PRODUCT.md."""

from __future__ import annotations

import itertools

import pytest

from flows.errors import TransitionRefused
from flows.i18n import Catalog
from flows.lifecycle import LIFECYCLE, Action, State

S, A = State, Action
ALLOWED: dict[tuple[State, Action], State] = {
    (S.NEW, A.TAKE): S.IN_PROGRESS,
    (S.NEW, A.SNOOZE): S.SNOOZED,
    (S.NEW, A.REJECT): S.REJECTED,
    (S.NEW, A.CANCEL): S.CANCELLED,
    (S.IN_PROGRESS, A.ASK): S.WAITING_PATIENT,
    (S.IN_PROGRESS, A.READY): S.READY,
    (S.IN_PROGRESS, A.SNOOZE): S.SNOOZED,
    (S.IN_PROGRESS, A.REJECT): S.REJECTED,
    (S.WAITING_PATIENT, A.ANSWER): S.IN_PROGRESS,
    (S.WAITING_PATIENT, A.REJECT): S.REJECTED,
    (S.WAITING_PATIENT, A.EXPIRE): S.EXPIRED,
    (S.SNOOZED, A.WAKE): S.IN_PROGRESS,
    (S.SNOOZED, A.REJECT): S.REJECTED,
    (S.READY, A.CLOSE): S.CLOSED,
}
REFUSED = [pair for pair in itertools.product(State, Action) if pair not in ALLOWED]


@pytest.mark.parametrize(("state", "action"), list(ALLOWED), ids=lambda v: str(v))
def test_allowed_move(state: State, action: Action) -> None:
    assert LIFECYCLE.target(number=1, state=state, action=action) is ALLOWED[(state, action)]
    assert LIFECYCLE.can(state, action)


@pytest.mark.parametrize(("state", "action"), REFUSED, ids=lambda v: str(v))
def test_refused_move(state: State, action: Action) -> None:
    with pytest.raises(TransitionRefused) as caught:
        LIFECYCLE.target(number=12, state=state, action=action)
    assert caught.value.params == {"number": 12}
    assert not LIFECYCLE.can(state, action)


def test_final_states_allow_nothing() -> None:
    for state in (S.CLOSED, S.REJECTED, S.CANCELLED, S.EXPIRED):
        assert LIFECYCLE.allowed_actions(state) == []


def test_refusal_reads_like_a_sentence() -> None:
    catalog = Catalog.load()
    with pytest.raises(TransitionRefused) as caught:
        LIFECYCLE.target(number=12, state=S.CLOSED, action=A.TAKE)
    assert catalog.text(caught.value.key, "en", **caught.value.params) == (
        "Request #12 is already closed."
    )
    assert catalog.text(caught.value.key, "it", **caught.value.params) == (
        "La richiesta n. 12 è già chiusa."
    )


def test_every_refusal_has_a_text_in_both_languages() -> None:
    catalog = Catalog.load()
    for state, action in REFUSED:
        with pytest.raises(TransitionRefused) as caught:
            LIFECYCLE.target(number=3, state=state, action=action)
        for lang in ("it", "en"):
            assert caught.value.key in catalog.keys(lang)


def test_the_machine_is_shared_and_left_empty() -> None:
    for _ in range(1000):
        LIFECYCLE.target(number=1, state=S.NEW, action=A.TAKE)
    assert LIFECYCLE._machine.models == []
