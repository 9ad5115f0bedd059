"""Canned replies the practice edits: `/templates`, `/templates add [purpose] <text>`,
`/templates del N`.

Each reply has a purpose — a question for the patient, a note for "ready", for closing, or a
reason for rejecting — and each staff prompt offers only its own. Replies saved before purposes
existed were plain strings: they are read with a purpose guessed from the text (a question mark
makes a question, anything else a closing note) and saved in the new shape at the next change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flows.errors import DomainError
from flows.lifecycle import Action
from flows.parsing import Invalid, clean_text
from flows.staff.actions import staff_of
from flows.turn import Turn

TEMPLATES_SETTING = "templates"
MAX_TEMPLATES = 12
QUESTION, READY, CLOSE, REJECT = "question", "ready", "close", "reject"
PURPOSES = (QUESTION, READY, CLOSE, REJECT)
PURPOSE_OF = {
    Action.ASK.value: QUESTION,
    Action.READY.value: READY,
    Action.CLOSE.value: CLOSE,
    Action.REJECT.value: REJECT,
}
# The words staff may type before the text to say its purpose, in either language.
PURPOSE_WORDS = {
    "domanda": QUESTION,
    "question": QUESTION,
    "pronta": READY,
    "ready": READY,
    "chiusura": CLOSE,
    "close": CLOSE,
    "rifiuto": REJECT,
    "reject": REJECT,
}
DEFAULTS = (
    (QUESTION, "templates.default.1"),
    (QUESTION, "templates.default.3"),
    (READY, "templates.default.ready"),
    (CLOSE, "templates.default.2"),
    (REJECT, "templates.default.reject"),
)
LABEL_CHARS = 60


@dataclass(frozen=True, slots=True)
class Template:
    text: str
    purpose: str


def guessed_purpose(text: str) -> str:
    return QUESTION if text.rstrip().endswith("?") else CLOSE


def _read(item: Any) -> Template | None:
    if isinstance(item, str):
        return Template(item, guessed_purpose(item))
    if isinstance(item, dict) and isinstance(item.get("text"), str):
        purpose = item.get("purpose")
        return Template(item["text"], purpose if purpose in PURPOSES else CLOSE)
    return None


async def templates(turn: Turn) -> list[Template]:
    stored = await turn.uow.settings.get(key=TEMPLATES_SETTING)
    if isinstance(stored, list):
        return [t for t in map(_read, stored) if t is not None]
    return [Template(turn.t(key), purpose) for purpose, key in DEFAULTS]


async def _save(turn: Turn, current: list[Template]) -> None:
    value = [{"text": t.text, "purpose": t.purpose} for t in current]
    await turn.uow.settings.put(key=TEMPLATES_SETTING, value=value)


def for_action(current: list[Template], action: str) -> list[tuple[int, Template]]:
    """The replies a prompt for `action` offers, with their place in the whole list."""
    wanted = PURPOSE_OF.get(action)
    return [(i, t) for i, t in enumerate(current) if t.purpose == wanted]


def label(text: str, limit: int = LABEL_CHARS) -> str:
    """A button's worth of `text`: cut on a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


async def command(turn: Turn, args: str) -> None:
    staff_of(turn)
    verb, _, rest = args.strip().partition(" ")
    current = await templates(turn)
    if verb in ("add", "aggiungi"):
        first, _, after = rest.strip().partition(" ")
        purpose = PURPOSE_WORDS.get(first.lower())
        text = after if purpose is not None else rest
        cleaned = clean_text(text, max_length=300)
        if isinstance(cleaned, Invalid):
            raise DomainError("staff.usage", usage=turn.t("staff.usage.templates"))
        if len(current) >= MAX_TEMPLATES:
            raise DomainError("templates.full", n=MAX_TEMPLATES)
        current.append(Template(cleaned.value, purpose or guessed_purpose(cleaned.value)))
        await _save(turn, current)
    elif verb in ("del", "remove", "togli"):
        if not rest.strip().isdigit() or not 1 <= int(rest) <= len(current):
            raise DomainError("staff.usage", usage=turn.t("staff.usage.templates"))
        current.pop(int(rest) - 1)
        await _save(turn, current)
    elif verb:
        raise DomainError("staff.usage", usage=turn.t("staff.usage.templates"))
    lines = [turn.t("templates.title")]
    lines += [
        f"{i}. {turn.t(f'templates.purpose.{t.purpose}')}: {t.text}"
        for i, t in enumerate(current, start=1)
    ]
    lines.append(turn.t("templates.help"))
    turn.say("\n".join(lines))
