"""The flow interpreter: shows a step, takes the input it expects, moves to the next one.

Codes carried by menu buttons: ``v:<value>`` an option (toggled, in a multiple choice),
``q:<value>`` a quick answer, ``b`` back, ``x`` cancel, ``d`` done (files, multiple choice),
``k`` skip, ``s`` send (summary).
"""

from __future__ import annotations

from typing import Any

from flows.answers import INTERNAL as INTERNAL  # where the rest of the desk finds it
from flows.answers import answer_lines, applies, bulleted
from flows.codes import StepCode
from flows.declarations import Choose, Contact, Files, Flow, Step, Summary, Typed
from flows.reply import Button, KeyButton
from flows.turn import Turn

HOME = "home"
PICKED = "✓ "  # marks the picked options of a multiple choice


# --- where we are -------------------------------------------------------------------------


def current(turn: Turn) -> tuple[Flow, Step] | None:
    conversation = turn.conversation
    flows = turn.desk.registry.flows
    if conversation.flow not in flows or conversation.step is None:
        return None
    flow = flows[conversation.flow]
    try:
        return flow, flow.step(conversation.step)
    except KeyError:
        return None  # a step removed by an upgrade: start again from the menu


def answers(turn: Turn) -> dict[str, Any]:
    return dict(turn.conversation.answers or {})


def store(turn: Turn, **values: Any) -> None:
    # JSON columns do not track in-place changes: assign a new dict.
    turn.conversation.answers = {**answers(turn), **values}


# --- moving -------------------------------------------------------------------------------


async def start_flow(
    turn: Turn, flow_id: str, *, notice: str | None = None, keep: dict[str, Any] | None = None
) -> None:
    flow = turn.desk.registry.flow(flow_id)
    gate = turn.desk.registry.request_gate
    if flow.kind is not None and gate is not None:
        refusal = await gate(turn, flow)
        if refusal is not None:
            await go_home(turn, notice=refusal)
            return
    conversation = turn.conversation
    conversation.flow = flow.id
    conversation.answers = dict(keep or {})
    conversation.trail = []
    first = _first_applicable(flow, 0, conversation.answers)
    if first is None:
        await complete(turn, flow)
        return
    conversation.step = first.id
    await show_step(turn, flow, first, notice=notice)


async def go_home(turn: Turn, *, notice: str | None = None) -> None:
    await start_flow(turn, HOME, notice=notice)


async def show_current(turn: Turn, *, notice: str | None = None) -> None:
    position = current(turn)
    if position is None:
        await go_home(turn, notice=notice)
        return
    await show_step(turn, *position, notice=notice)


async def goto(turn: Turn, flow: Flow, target: str, *, notice: str | None = None) -> None:
    if target.startswith("@"):
        await start_flow(turn, target[1:], notice=notice)
    elif target.startswith("!"):
        await turn.desk.registry.actions[target[1:]](turn)
    else:
        await _enter(turn, flow, flow.step(target), notice=notice)


async def advance(turn: Turn, flow: Flow, step: Step) -> None:
    if step.next is not None and step.next.startswith("!"):
        await turn.desk.registry.actions[step.next[1:]](turn)  # the action picks the next step
        return
    target = _following(flow, step, answers(turn))
    if target is None:
        await complete(turn, flow)
    else:
        await _enter(turn, flow, target)


async def complete(turn: Turn, flow: Flow) -> None:
    _forget_skipped(turn, flow)
    await turn.desk.registry.actions[flow.complete](turn)


def _forget_skipped(turn: Turn, flow: Flow) -> None:
    """Answers given on a branch the person later left (Back, then another option) are dropped,
    so only what the summary showed is filed."""
    given = answers(turn)
    keys = [
        (s.input.key, applies(s, given)) for s in flow.steps if not isinstance(s.input, Summary)
    ]
    kept = {key for key, asked in keys if asked}
    stale = {key for key, asked in keys if not asked and key not in kept}
    stale |= {f"{INTERNAL}{key}_label" for key in stale}
    if stale & set(given):
        turn.conversation.answers = {k: v for k, v in given.items() if k not in stale}


async def back(turn: Turn, flow: Flow) -> None:
    trail = list(turn.conversation.trail or [])
    if not trail:
        await leave(turn, flow)
        return
    previous = trail.pop()
    turn.conversation.trail = trail
    turn.conversation.step = previous
    await show_step(turn, flow, flow.step(previous))


async def cancel(turn: Turn) -> None:
    position = current(turn)
    if position is not None and position[0].cancelled is not None:
        await turn.desk.registry.actions[position[0].cancelled](turn)
        return
    await go_home(turn, notice=turn.t("flow.cancelled"))


async def leave(turn: Turn, flow: Flow) -> None:
    """Out of the flow from its first step: where its own cancel leads, else the menu."""
    if flow.cancelled is not None:
        await turn.desk.registry.actions[flow.cancelled](turn)
    else:
        await go_home(turn)


async def _enter(turn: Turn, flow: Flow, step: Step, *, notice: str | None = None) -> None:
    conversation = turn.conversation
    if conversation.step and conversation.step != step.id:
        conversation.trail = [*(conversation.trail or []), conversation.step]
    conversation.step = step.id
    await show_step(turn, flow, step, notice=notice)


def _first_applicable(flow: Flow, index: int, given: dict[str, Any]) -> Step | None:
    for step in flow.steps[index:]:
        if applies(step, given):
            return step
    return None


def _following(flow: Flow, step: Step, given: dict[str, Any]) -> Step | None:
    if step.next is not None:
        target = flow.step(step.next)
        if applies(target, given):
            return target
        return _following(flow, target, given)
    return _first_applicable(flow, flow.index(step.id) + 1, given)


# --- showing ------------------------------------------------------------------------------


async def prompt_text(turn: Turn, flow: Flow, step: Step) -> str:
    if step.prompt.startswith("="):
        return await turn.desk.registry.describers[step.prompt[1:]](turn)
    params = {k: v for k, v in answers(turn).items() if isinstance(v, str | int)}
    params.update(flow.params)
    return turn.t(step.prompt, **params)


async def options(turn: Turn, step: Step) -> list[tuple[str, str]]:
    assert isinstance(step.input, Choose)
    if step.input.provider is not None:
        return await turn.desk.registry.providers[step.input.provider](turn, step)
    return [(option.value, turn.t(option.label)) for option in step.input.options]


async def show_step(turn: Turn, flow: Flow, step: Step, *, notice: str | None = None) -> None:
    turn.new_menu()
    spec = step.input
    text = await prompt_text(turn, flow, step)
    rows: list[tuple[Button, ...]] = []
    if isinstance(spec, Choose):
        chosen = picked(turn, spec)
        choices = [
            turn.button_text(PICKED + label if value in chosen else label, StepCode.OPTION(value))
            for value, label in await options(turn, step)
        ]
        width = max(1, spec.columns)
        rows.extend(tuple(choices[i : i + width]) for i in range(0, len(choices), width))
        if chosen:
            rows.append((turn.button("button.done", StepCode.DONE()),))
    elif isinstance(spec, Typed):
        rows.extend((turn.button(o.label, StepCode.QUICK(o.value)),) for o in spec.quick)
        if spec.optional:
            rows.append((turn.button(spec.skip_label, StepCode.SKIP()),))
    elif isinstance(spec, Files):
        count = len(answers(turn).get(spec.key) or [])
        if count:
            text = f"{text}\n\n{turn.t('files.received', count=count)}"
            rows.append((turn.button("button.done", StepCode.DONE()),))
        elif spec.optional:
            rows.append((turn.button("button.skip", StepCode.SKIP()),))
    elif isinstance(spec, Summary):
        text = f"{text}\n\n{summary(turn, flow)}"
        rows.append((turn.button(spec.send_label, StepCode.SEND()),))
    nav = []
    if step.back and flow.id != HOME:
        nav.append(turn.button("button.back", StepCode.BACK()))
    if step.cancel and flow.id != HOME:
        nav.append(turn.button("button.cancel", StepCode.CANCEL()))
    if nav:
        rows.append(tuple(nav))
    if notice:
        text = f"{notice}\n\n{text}"
    if isinstance(spec, Contact):
        keys: list[tuple[KeyButton, ...]] = [
            (KeyButton(turn.t("button.share_phone"), contact=True),)
        ]
        if spec.optional:
            keys.append((KeyButton(turn.t("button.skip")),))
        keys.append(tuple(KeyButton(b.label) for b in nav))
        turn.show(text, keyboard=tuple(keys))
        return
    turn.show(text, tuple(rows))


def summary(turn: Turn, flow: Flow) -> str:
    return "\n".join(bulleted(answer_lines(flow, answers(turn)), turn.t))


def picked(turn: Turn, spec: Choose) -> list[str]:
    value = answers(turn).get(spec.key) if spec.multiple else None
    return [str(v) for v in value] if isinstance(value, list) else []
