"""Canned replies the practice edits: `/templates`, `/templates add <text>`, `/templates del N`."""

from __future__ import annotations

from flows.errors import DomainError
from flows.staff.actions import staff_of
from flows.staff.prompts import TEMPLATES_SETTING, templates
from flows.turn import Turn
from flows.validation import Invalid, clean_text

MAX_TEMPLATES = 12


async def command(turn: Turn, args: str) -> None:
    staff_of(turn)
    verb, _, rest = args.strip().partition(" ")
    current = await templates(turn)
    if verb in ("add", "aggiungi"):
        cleaned = clean_text(rest, max_length=300)
        if isinstance(cleaned, Invalid):
            raise DomainError("staff.usage", usage=turn.t("staff.usage.templates"))
        if len(current) >= MAX_TEMPLATES:
            raise DomainError("templates.full", n=MAX_TEMPLATES)
        current.append(cleaned.value)
        await turn.uow.settings.put(key=TEMPLATES_SETTING, value=current)
    elif verb in ("del", "remove", "togli"):
        if not rest.strip().isdigit() or not 1 <= int(rest) <= len(current):
            raise DomainError("staff.usage", usage=turn.t("staff.usage.templates"))
        current.pop(int(rest) - 1)
        await turn.uow.settings.put(key=TEMPLATES_SETTING, value=current)
    elif verb:
        raise DomainError("staff.usage", usage=turn.t("staff.usage.templates"))
    lines = [turn.t("templates.title")]
    lines += [f"{i}. {text}" for i, text in enumerate(current, start=1)]
    lines.append(turn.t("templates.help"))
    turn.say("\n".join(lines))
