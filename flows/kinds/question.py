"""Domanda: a short question to the doctor, with a category."""

from __future__ import annotations

from flows.declarations import Choose, Option, Step, Typed
from flows.kinds.common import request_flow

QUESTION = request_flow(
    "question",
    Step(
        "category",
        prompt="question.category",
        input=Choose(
            key="category",
            options=(
                Option("therapy", "question.category.therapy"),
                Option("results", "question.category.results"),
                Option("admin", "question.category.admin"),
                Option("other", "question.category.other"),
            ),
        ),
        summary_label="question.label.category",
    ),
    Step(
        "text",
        prompt="question.text",
        input=Typed("text", validator="long_text", max_length=800),
        summary_label="question.label.text",
    ),
    icon="❓",
    rank=40,
    links=("domanda",),
)

KIND = QUESTION
