"""Typed staff commands: `/take 12`, `/ask 12 question`, `/snooze 12 30/11`, `/slot 12 25/11 9:30`.

Each carries the request number; a missing or malformed one gets the usage line.
"""

from __future__ import annotations

from flows.errors import DomainError
from flows.lifecycle import Action
from flows.staff import actions, patients, prompts, screens, templates
from flows.turn import Turn

MOVES = {
    "take": Action.TAKE,
    "ask": Action.ASK,
    "ready": Action.READY,
    "close": Action.CLOSE,
    "reject": Action.REJECT,
    "snooze": Action.SNOOZE,
    "wake": Action.WAKE,
}
WITH_NUMBER = {*MOVES, "open", "assign", "urgent", "slot"}


def split_number(turn: Turn, command: str, args: str) -> tuple[int, str]:
    head, _, rest = args.strip().partition(" ")
    head = head.lstrip("#")
    if not head.isdigit() or len(head) > 12:
        raise DomainError("staff.usage", usage=turn.t(f"staff.usage.{command}"))
    return int(head), rest.strip()


async def run(turn: Turn, name: str, args: str) -> None:
    if name in ("inbox", "start", "menu"):
        screens.set_view(turn, page=0)
        await screens.show_inbox(turn)
    elif name == "help":
        turn.say(turn.t("staff.help"))
    elif name in WITH_NUMBER:
        number, rest = split_number(turn, name, args)
        await _with_number(turn, name, number, rest)
    elif name == "patients":
        await patients.show(turn)
    elif name in ("verify", "block"):
        await patients.command(turn, name, args)
    elif name == "templates":
        await templates.command(turn, args)
    elif name == "stats":
        from flows.staff.stats_view import show_stats

        await show_stats(turn, args)
    else:
        turn.say(turn.t("staff.unknown_command"))


async def _with_number(turn: Turn, name: str, number: int, rest: str) -> None:
    if name == "open":
        await screens.show_card(turn, await actions.load(turn, number))
    elif name == "urgent":
        await screens.show_card(turn, await actions.toggle_urgent(turn, number))
    elif name in ("slot", "assign", "snooze") or (name in ("ask", "reject") and rest):
        if not rest:
            await prompts.ask_for(turn, number, name)
            return
        await prompts.complete(turn, number, name, rest)
    elif name in ("ask", "reject"):
        raise DomainError(f"staff.{name}.needs_text", number=number)
    else:
        await prompts.complete(turn, number, MOVES[name].value, rest)
