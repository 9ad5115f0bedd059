"""What a programme's message says and which answers it offers, in the reader's language.

Buttons on pushed messages outlive menus, so they carry a global code signed for the chat:
``Q.<enrolment>.<b|d|l|n>`` (book, done, later, not interested); the staff and patient screens
that answer them are registered elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from flows.codes import PatientGlobal, ProgrammeOp
from flows.engine import FrontDesk
from flows.programmes.model import Answer, Step
from flows.reply import Button, Outgoing
from storage.repositories.programmes import DueStep

CODE = PatientGlobal.PROGRAMME.head
LETTERS = {
    Answer.BOOK: ProgrammeOp.BOOK,
    Answer.DONE: ProgrammeOp.DONE,
    Answer.LATER: ProgrammeOp.LATER,
    Answer.DECLINE: ProgrammeOp.DECLINE,
}
ANSWERS = {letter: answer for answer, letter in LETTERS.items()}

# (due enrolment, the step declaration to show) -> the message
Compose = Callable[[DueStep, Step], Outgoing]


def answer_code(enrolment_id: int, answer: Answer) -> str:
    return PatientGlobal.PROGRAMME(enrolment_id, LETTERS[answer])


def composer(desk: FrontDesk) -> Compose:
    """Messages worded from the catalogs (or the practice's own text), buttons signed."""

    def compose(due: DueStep, step: Step) -> Outgoing:
        lang = due.language
        params = {"first_name": due.first_name or ""}
        own = step.own_text.get(lang)
        text = own.format(**params) if own else desk.catalog.text(step.text, lang, **params)
        buttons = tuple(
            (
                Button(
                    desk.catalog.text(f"programme.answer.{answer}", lang),
                    desk.codec.encode(
                        chat_id=due.telegram_id, code=answer_code(due.enrolment_id, answer)
                    ),
                ),
            )
            for answer in step.buttons
        )
        return Outgoing(chat_id=due.telegram_id, text=text, buttons=buttons)

    return compose
