"""The patient routes: take a patient's commands, taps and messages through onboarding, the
menu and the flows. Staff commands typed by a patient reveal nothing: they get the menu."""

from __future__ import annotations

import re

from flows import inputs, runner
from flows.codes import PatientGlobal, RequestOp
from flows.declarations import Flow, Step
from flows.events import CommandIn, FileIn, OtherIn, TextIn
from flows.patient import replies, services
from flows.patient.escape import BACK, CANCEL, HELP, escape, escape_word
from flows.patient.home import CANCEL_REQUEST, REQUEST, RESUME, answer_or_offer
from flows.patient.onboarding import AFTER, CONSENT, REGISTER, has_consent, is_registered
from flows.practice import practice_text
from flows.router import Handler
from flows.turn import Turn

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Screens whose position is not worth resuming: /start there simply starts over.
NOT_RESUMABLE = {None, runner.HOME, CONSENT.id, RESUME.id, "my_requests", "settings"}
# Screens of buttons only where a written message still is not an answer to the practice.
OWN_MESSAGES = {CONSENT.id, REGISTER.id, RESUME.id, replies.ANSWER_WHICH.id}


class PatientRoutes(Handler):
    """The last handler of the patient router: it answers every turn that reaches it."""

    async def on_command(self, turn: Turn, command: CommandIn) -> bool:
        turn.tapped_message_id = None
        target = None
        if command.name == "start" and command.args and PAYLOAD.match(command.args):
            # Deep links (t.me/<bot>?start=ricetta, a QR code on the door) open a request kind.
            target = turn.desk.registry.deep_links().get(command.args.lower())
        word = escape_word(command.name) if not command.args else None
        position = runner.current(turn)
        if word and position and position[0].id in (CONSENT.id, REGISTER.id):
            # /menu, /help... while registering: the way out, not a fresh start of the form.
            await escape(turn, *position, word)
            return True
        if not await self._onboarded(turn, after=target):
            return True
        if word in (HELP, BACK, CANCEL) and position is not None:
            await escape(turn, *position, word)
            return True
        if command.name == "start" and target is None and self._mid_flow(turn):
            await self._offer_resume(turn)
        elif target is not None and target in turn.desk.registry.flows:
            await runner.start_flow(turn, target)
        else:
            # /menu, unknown commands and staff commands alike: the menu, nothing else.
            await runner.go_home(turn)
        return True

    async def on_tap(self, turn: Turn, code: str) -> bool:
        if not await self._onboarded(turn):
            return True
        position = runner.current(turn)
        if position is None:
            await runner.go_home(turn)
            return True
        await inputs.on_tap(turn, *position, code)
        return True

    async def on_global(self, turn: Turn, code: str) -> bool:
        turn.tapped_message_id = None
        if not await self._onboarded(turn):
            return True
        args = PatientGlobal.REQUEST.args(code)
        if args is not None and len(args) == 2 and args[0].isdigit():
            request = await services.own_request(turn, int(args[0]))
            if args[1] == RequestOp.CANCEL:
                await runner.start_flow(turn, CANCEL_REQUEST.id, keep={REQUEST: request.id})
                return True
            if args[1] == RequestOp.ANSWER:
                await answer_or_offer(turn, request.id or 0)
                return True
        # The other patients' global buttons, by head (see flows.codes.PatientGlobal).
        head, *rest = code.split(".")
        command = turn.desk.registry.commands.get(head)
        if command is not None:
            await command(turn, rest)
            return True
        await runner.show_current(turn, notice=turn.t("menu.expired"))
        return True

    async def on_input(self, turn: Turn) -> bool:
        if not await self._onboarded(turn):
            return True
        position = runner.current(turn)
        # A way out typed (menu, annulla, aiuto…) is never taken as an answer to the practice.
        if isinstance(turn.event, TextIn) and (word := escape_word(turn.event.text)):
            if position is None:
                await runner.go_home(turn)
            else:
                await escape(turn, *position, word)
            return True
        if isinstance(turn.event, TextIn | FileIn) and self._loose(position):
            await replies.on_message(turn)
            return True
        if position is None:
            await runner.go_home(turn, notice=turn.t("hint.use_buttons"))
            return True
        if isinstance(turn.event, OtherIn):
            await runner.show_step(turn, *position, notice=turn.t("hint.unsupported"))
            return True
        await inputs.on_input(turn, *position)
        return True

    async def show_current(self, turn: Turn, notice: str | None = None) -> bool:
        if await self._onboarded(turn, notice=notice):
            await runner.show_current(turn, notice=notice)
        return True

    # --- gates ----------------------------------------------------------------------------

    async def _onboarded(
        self, turn: Turn, *, after: str | None = None, notice: str | None = None
    ) -> bool:
        """True when the patient may use the menu; otherwise show the step they are missing."""
        flow = turn.conversation.flow
        if not has_consent(turn):
            if flow == CONSENT.id and after is None and not isinstance(turn.event, CommandIn):
                return self._let_flow_handle(turn)
            await runner.start_flow(turn, CONSENT.id, notice=notice, keep=_after(after))
            return False
        if not is_registered(turn):
            if flow == REGISTER.id and not isinstance(turn.event, CommandIn):
                return self._let_flow_handle(turn)
            keep = _after(after or runner.answers(turn).get(AFTER))
            await runner.start_flow(turn, REGISTER.id, notice=notice, keep=keep)
            return False
        if turn.patient is not None and turn.patient.verification == "blocked":
            turn.say(practice_text(turn, "patient.blocked"))
            return False
        return True

    @staticmethod
    def _let_flow_handle(turn: Turn) -> bool:
        """Onboarding flows are run by the runner like any other; the gate steps aside."""
        return True

    @staticmethod
    def _loose(position: tuple[Flow, Step] | None) -> bool:
        """A message written at the menu or a screen of buttons only, not one a step reads."""
        if position is None:
            return True
        flow = position[0]
        return flow.id not in OWN_MESSAGES and not replies.takes_text(flow)

    def _mid_flow(self, turn: Turn) -> bool:
        return turn.conversation.flow not in NOT_RESUMABLE and runner.current(turn) is not None

    async def _offer_resume(self, turn: Turn) -> None:
        conversation = turn.conversation
        saved = {
            "flow": conversation.flow,
            "step": conversation.step,
            "answers": dict(conversation.answers or {}),
            "trail": list(conversation.trail or []),
        }
        await runner.start_flow(turn, RESUME.id, keep={f"{runner.INTERNAL}resume": saved})


def _after(target: object) -> dict[str, object] | None:
    return {AFTER: target} if isinstance(target, str) else None
