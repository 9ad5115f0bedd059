"""Words a person types to get out of where they are, at any step: menu, help, back, cancel.

A patient who is lost types what they would say at a counter, not a command: «annulla»,
«indietro», «aiuto», «menu». The whole message must be one of these words (any case, accents
or not, a leading slash allowed), so an answer that merely contains one is still an answer.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from flows import runner
from flows.declarations import Contact, Flow, Step
from flows.turn import Turn

MENU: Final = "menu"
HELP: Final = "help"
BACK: Final = "back"
CANCEL: Final = "cancel"
WORDS: Final = {
    "menu": MENU,
    "menù": MENU,
    "aiuto": HELP,
    "help": HELP,
    "indietro": BACK,
    "back": BACK,
    "annulla": CANCEL,
    "cancel": CANCEL,
    "stop": CANCEL,
}
_NORMALISED: Final = {
    "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c)): what
    for w, what in WORDS.items()
}


def escape_word(text: str) -> str | None:
    """MENU, HELP, BACK or CANCEL when the whole message is one of the words, else None."""
    word = unicodedata.normalize("NFKD", text).strip().lstrip("/").strip(" .!?").casefold()
    word = "".join(c for c in word if not unicodedata.combining(c))
    return _NORMALISED.get(word)


async def escape(turn: Turn, flow: Flow, step: Step, what: str) -> None:
    """Act on an escape word typed while `step` of `flow` is on screen."""
    if what == HELP:
        await runner.show_step(turn, flow, step, notice=turn.t("escape.help"))
        return
    if isinstance(step.input, Contact):  # its share-my-number keyboard would stay up
        turn.say(turn.t("contact.keyboard_closed"), remove_keyboard=True)
        turn.tapped_message_id = None
    if what == BACK and step.back and turn.conversation.trail:
        await runner.back(turn, flow)
    elif flow.cancelled is not None:
        await turn.desk.registry.actions[flow.cancelled](turn)
    elif flow.id == runner.HOME:
        await runner.go_home(turn)
    else:
        await runner.go_home(turn, notice=turn.t("flow.cancelled"))
