"""The staff routes: typed commands with the request number, and the same actions as buttons.

Rights are read from the staff table on every turn (the engine only sends active staff here).
An action that needs words (ask, reject, ready's note, snooze's date, a visit slot) prompts for
them; the next message, or a canned reply, completes it.
"""

from __future__ import annotations

from flows.codes import LAST_PAGE, CardOp, FilterOp, StaffCode, StaffGlobal
from flows.events import CommandIn, TextIn
from flows.lifecycle import Action
from flows.router import Handler
from flows.staff import actions, commands, patients, prompts, screens
from flows.turn import Turn

STATE_CYCLE = (None, "new", "in_progress", "waiting_patient", "snoozed", "ready")
PROMPTED = {
    CardOp.SLOT.value,
    "assign",
    Action.SNOOZE.value,
    *(a.value for a in actions.NEEDS_TEXT),
}


class StaffRoutes(Handler):
    """The last handler of the staff router: it answers every turn that reaches it."""

    async def on_command(self, turn: Turn, command: CommandIn) -> bool:
        turn.tapped_message_id = None
        await commands.run(turn, command.name, command.args)
        return True

    async def on_tap(self, turn: Turn, code: str) -> bool:
        kind, _, rest = code.partition(":")
        filters = screens.view(turn)
        if kind == StaffCode.INBOX.head:
            page = int(rest) if rest.lstrip("-").isdigit() else 0
            screens.set_view(turn, page=filters["page"] if page <= LAST_PAGE else page)
            await screens.show_inbox(turn)
        elif kind == StaffCode.FILTER.head:
            await self._filter(turn, rest, filters)
        elif kind == StaffCode.OPEN.head and rest.isdigit():
            await screens.show_card(turn, await actions.load(turn, int(rest)))
        elif kind == StaffCode.ACT.head:
            await self._card_action(turn, rest)
        elif kind == StaffCode.PATIENT.head:
            await patients.on_tap(turn, rest)
        elif kind == StaffCode.TEMPLATE.head:
            await prompts.use_template(turn, rest)
        elif kind == StaffCode.CANCEL.head:
            await self.show_current(turn)
        else:
            await screens.show_inbox(turn, notice=turn.t("menu.expired"))
        return True

    async def on_global(self, turn: Turn, code: str) -> bool:
        # The notice stays as it is; the card opens below it as the new screen.
        turn.tapped_message_id = None
        kind, _, rest = code.partition(":")
        if kind == StaffGlobal.OPEN.head and rest.isdigit():
            await screens.show_card(turn, await actions.load(turn, int(rest)))
            return True
        await screens.show_inbox(turn, notice=turn.t("menu.expired"))
        return True

    async def on_input(self, turn: Turn) -> bool:
        step = turn.conversation.step or ""
        if step.startswith("prompt:") and isinstance(turn.event, TextIn):
            await prompts.answer(turn, turn.event.text)
            return True
        turn.say(turn.t("staff.hint"))
        return True

    async def show_current(self, turn: Turn, notice: str | None = None) -> bool:
        turn.tapped_message_id = None
        request_id = (turn.conversation.answers or {}).get("request")
        if turn.conversation.step in ("card",) and isinstance(request_id, int):
            request = await turn.uow.requests.get(request_id=request_id)
            if request is not None:
                await screens.show_card(turn, request, notice=notice)
                return True
        await screens.show_inbox(turn, notice=notice)
        return True

    async def _filter(self, turn: Turn, which: str, filters: dict[str, object]) -> None:
        if which == FilterOp.KIND:
            kinds = (None, *turn.desk.registry.kind_names())
            screens.set_view(turn, kind=_cycle(kinds, filters["kind"]), page=0)
        elif which == FilterOp.STATE:
            screens.set_view(turn, state=_cycle(STATE_CYCLE, filters["state"]), page=0)
        elif which == FilterOp.MINE:
            screens.set_view(turn, mine=not filters["mine"], page=0)
        await screens.show_inbox(turn)

    async def _card_action(self, turn: Turn, rest: str) -> None:
        number_text, _, tail = rest.partition(":")
        name, _, seen = tail.partition(":")
        if not number_text.isdigit():
            await screens.show_inbox(turn, notice=turn.t("menu.expired"))
            return
        number = int(number_text)
        if seen.isdigit():
            current = await actions.load(turn, number)
            if current.version != int(seen):
                await screens.show_card(turn, current, notice=turn.t("staff.card.changed"))
                return
        if name == CardOp.URGENT:
            await screens.show_card(turn, await actions.toggle_urgent(turn, number))
        elif name == CardOp.INSIST:
            await prompts.insist_on_slot(turn, number)
        elif name == CardOp.FILES:
            await prompts.send_files(turn, number)
        elif name in PROMPTED:
            await prompts.ask_for(turn, number, name)
        elif name in {a.value for a in Action}:
            request = await actions.act(turn, number, Action(name))
            await screens.show_card(turn, request, notice=turn.t("staff.done"))
        else:
            await screens.show_inbox(turn, notice=turn.t("menu.expired"))


def _cycle(values: tuple[str | None, ...], current: object) -> str | None:
    index = values.index(current) if current in values else 0
    return values[(index + 1) % len(values)]
