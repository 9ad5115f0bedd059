"""Stored satisfaction codes as words: the answers, the touchpoint, the staff card's line."""

from __future__ import annotations

from collections.abc import Callable

from flows.codes import SatisfactionOp
from storage.tables import SatisfactionAnswer
from storage.tables.satisfaction import VISIT

Text = Callable[..., str]

# Button op -> stored code, in the order the buttons show.
ANSWERS: dict[str, str] = {
    SatisfactionOp.VERY_GOOD: "very_good",
    SatisfactionOp.GOOD: "good",
    SatisfactionOp.NEITHER: "neither",
    SatisfactionOp.POOR: "poor",
    SatisfactionOp.VERY_POOR: "very_poor",
    SatisfactionOp.DONT_KNOW: "dont_know",
}
CARD_COMMENT = 80  # characters of the comment shown on the staff card


def answer_text(t: Text, code: str) -> str:
    return t(f"satisfaction.answer.{code}")


def touchpoint_name(t: Text, touchpoint: str) -> str:
    """ "Visita" for a visit; a request kind's own name otherwise."""
    return t("satisfaction.touchpoint.visit") if touchpoint == VISIT else t(f"kind.{touchpoint}")


def card_line(t: Text, answer: SatisfactionAnswer) -> str:
    """One short line for the request card: the answer, and the comment's start."""
    line = t("staff.card.satisfaction", answer=answer_text(t, answer.answer or ""))
    comment = (answer.comment or "").replace("\n", " ").strip()
    if comment:
        cut = comment if len(comment) <= CARD_COMMENT else comment[: CARD_COMMENT - 1] + "…"
        line += t("staff.card.satisfaction.comment", comment=cut)
    return line
