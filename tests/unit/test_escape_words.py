"""The words a person types to get out of a step, however they type them."""

from __future__ import annotations

import pytest

from flows.patient.escape import BACK, CANCEL, HELP, MENU, escape_word


@pytest.mark.parametrize(
    ("typed", "what"),
    [
        ("menu", MENU), ("Menu", MENU), ("/menu", MENU), ("MENÙ", MENU), (" menu. ", MENU),
        ("aiuto", HELP), ("Aiuto!", HELP), ("help", HELP), ("HELP", HELP),
        ("indietro", BACK), ("Indietro", BACK), ("back", BACK),
        ("annulla", CANCEL), ("ANNULLA", CANCEL), ("cancel", CANCEL), ("stop", CANCEL),
        ("Stop", CANCEL), ("ànnulla", CANCEL),
    ],
)  # fmt: skip
def test_escape_words(typed: str, what: str) -> None:
    assert escape_word(typed) == what


@pytest.mark.parametrize(
    "typed", ["Maria", "annullare la visita", "menu del giorno", "aiutatemi", "", "stoppa"]
)
def test_answers_that_only_contain_a_word_are_answers(typed: str) -> None:
    assert escape_word(typed) is None
