"""The flow interpreter: shows a step, takes the input it expects, moves to the next one.

Codes carried by menu buttons: ``v:<value>`` an option (toggled, in a multiple choice),
``q:<value>`` a quick answer, ``b`` back, ``x`` cancel, ``d`` done (files, multiple choice),
``k`` skip, ``s`` send (summary).
"""

from __future__ import annotations

from typing import Any

from flows.declarations import Choose, Contact, Files, Flow, Step, Summary, Typed
from flows.events import ContactIn, FileIn, TextIn
from flows.reply import Button, KeyButton
from flows.turn import Turn
from flows.validation import Invalid, normalise_phone
from flows.validators import Problem, check, shown

HOME = "home"
INTERNAL = "_"  # answers whose key starts with this are bookkeeping, not the person's answers
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
        (s.input.key, _applies(s, given)) for s in flow.steps if not isinstance(s.input, Summary)
    ]
    kept = {key for key, applies in keys if applies}
    stale = {key for key, applies in keys if not applies and key not in kept}
    stale |= {f"{INTERNAL}{key}_label" for key in stale}
    if stale & set(given):
        turn.conversation.answers = {k: v for k, v in given.items() if k not in stale}


async def back(turn: Turn, flow: Flow) -> None:
    trail = list(turn.conversation.trail or [])
    if not trail:
        await go_home(turn)
        return
    previous = trail.pop()
    turn.conversation.trail = trail
    turn.conversation.step = previous
    await show_step(turn, flow, flow.step(previous))


async def cancel(turn: Turn) -> None:
    await go_home(turn, notice=turn.t("flow.cancelled"))


async def _enter(turn: Turn, flow: Flow, step: Step, *, notice: str | None = None) -> None:
    conversation = turn.conversation
    if conversation.step and conversation.step != step.id:
        conversation.trail = [*(conversation.trail or []), conversation.step]
    conversation.step = step.id
    await show_step(turn, flow, step, notice=notice)


def _applies(step: Step, given: dict[str, Any]) -> bool:
    if step.only_if is None:
        return True
    key, values = step.only_if
    return str(given.get(key)) in values


def _first_applicable(flow: Flow, index: int, given: dict[str, Any]) -> Step | None:
    for step in flow.steps[index:]:
        if _applies(step, given):
            return step
    return None


def _following(flow: Flow, step: Step, given: dict[str, Any]) -> Step | None:
    if step.next is not None:
        target = flow.step(step.next)
        if _applies(target, given):
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
        picked = _picked(turn, spec)
        choices = [
            turn.button_text(PICKED + label if value in picked else label, f"v:{value}")
            for value, label in await options(turn, step)
        ]
        width = max(1, spec.columns)
        rows.extend(tuple(choices[i : i + width]) for i in range(0, len(choices), width))
        if picked:
            rows.append((turn.button("button.done", "d"),))
    elif isinstance(spec, Typed):
        rows.extend((turn.button(o.label, f"q:{o.value}"),) for o in spec.quick)
        if spec.optional:
            rows.append((turn.button("button.skip", "k"),))
    elif isinstance(spec, Files):
        count = len(answers(turn).get(spec.key) or [])
        if count:
            text = f"{text}\n\n{turn.t('files.received', count=count)}"
            rows.append((turn.button("button.done", "d"),))
        elif spec.optional:
            rows.append((turn.button("button.skip", "k"),))
    elif isinstance(spec, Summary):
        text = f"{text}\n\n{summary(turn, flow)}"
        rows.append((turn.button(spec.send_label, "s"),))
    nav = []
    if step.back and flow.id != HOME:
        nav.append(turn.button("button.back", "b"))
    if step.cancel and flow.id != HOME:
        nav.append(turn.button("button.cancel", "x"))
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
    given = answers(turn)
    lines = []
    for step in flow.steps:
        spec = step.input
        if step.summary_label is None or isinstance(spec, Summary) or spec.key not in given:
            continue
        if not _applies(step, given):
            continue
        value = given[spec.key]
        if isinstance(spec, Choose):
            shown_value = str(given.get(f"{INTERNAL}{spec.key}_label", value))
        elif isinstance(spec, Files):
            shown_value = turn.t("summary.files", count=len(value or []))
        elif isinstance(spec, Typed):
            shown_value = shown(value, spec) if value is not None else turn.t("summary.none")
        else:
            shown_value = str(value) if value else turn.t("summary.none")
        lines.append(f"• {turn.t(step.summary_label)}: {shown_value}")
    return "\n".join(lines)


# --- taking input -------------------------------------------------------------------------


async def on_tap(turn: Turn, flow: Flow, step: Step, code: str) -> None:
    spec = step.input
    kind, _, value = code.partition(":")
    if kind == "b" and step.back:
        await back(turn, flow)
    elif kind == "x" and step.cancel:
        await cancel(turn)
    elif kind == "v" and isinstance(spec, Choose) and spec.multiple:
        await _toggle(turn, flow, step, spec, value)
    elif kind == "v" and isinstance(spec, Choose):
        await _choose(turn, flow, step, spec, value)
    elif kind == "q" and isinstance(spec, Typed):
        await _typed(turn, flow, step, spec, _quick_text(turn, spec, value))
    elif kind == "k" and getattr(spec, "optional", False):
        await _leave_keyboard(turn, step)
        store(turn, **{spec.key: None})  # type: ignore[union-attr]
        await advance(turn, flow, step)
    elif kind == "d" and (
        (isinstance(spec, Files) and answers(turn).get(spec.key))
        or (isinstance(spec, Choose) and _picked(turn, spec))
    ):
        await advance(turn, flow, step)
    elif kind == "s" and isinstance(spec, Summary):
        await complete(turn, flow)
    else:
        await show_step(turn, flow, step, notice=turn.t("menu.expired"))


async def on_input(turn: Turn, flow: Flow, step: Step) -> None:
    """Typed text, a file or a contact arrived while this step is on screen."""
    event, spec = turn.event, step.input
    if isinstance(event, TextIn) and isinstance(spec, Contact):
        await _contact_text(turn, flow, step, spec, event.text)
    elif isinstance(event, TextIn) and isinstance(spec, Typed):
        await _typed(turn, flow, step, spec, event.text)
    elif isinstance(event, FileIn) and isinstance(spec, Files):
        await _file(turn, flow, step, spec, event)
    elif isinstance(event, FileIn) and isinstance(spec, Typed) and spec.accept_files:
        store(turn, **{spec.key: event.caption or "", f"{spec.key}_files": [_file_record(event)]})
        await advance(turn, flow, step)
    elif isinstance(event, ContactIn) and isinstance(spec, Contact):
        await _contact(turn, flow, step, spec, event)
    else:
        await show_step(turn, flow, step, notice=turn.t(_hint(step)))


def _hint(step: Step) -> str:
    spec = step.input
    if isinstance(spec, Typed):
        return "hint.type_text"
    if isinstance(spec, Files):
        return "hint.send_file"
    if isinstance(spec, Contact):
        return "hint.share_contact"
    return "hint.use_buttons"


async def _choose(turn: Turn, flow: Flow, step: Step, spec: Choose, value: str) -> None:
    allowed = dict(await options(turn, step))
    if value not in allowed:
        await show_step(turn, flow, step, notice=turn.t("menu.expired"))
        return
    store(turn, **{spec.key: value, f"{INTERNAL}{spec.key}_label": allowed[value]})
    option = next((o for o in spec.options if o.value == value), None)
    if value.startswith(("@", "!")):
        await goto(turn, flow, value)  # a provider's option that leads somewhere
    elif option is not None and option.goto is not None:
        await goto(turn, flow, option.goto)
    else:
        await advance(turn, flow, step)


def _picked(turn: Turn, spec: Choose) -> list[str]:
    value = answers(turn).get(spec.key) if spec.multiple else None
    return [str(v) for v in value] if isinstance(value, list) else []


async def _toggle(turn: Turn, flow: Flow, step: Step, spec: Choose, value: str) -> None:
    """A tap in a multiple choice: pick or unpick, then the same menu again (with Done)."""
    allowed = dict(await options(turn, step))
    if value not in allowed:
        await show_step(turn, flow, step, notice=turn.t("menu.expired"))
        return
    alone = {o.value for o in spec.options if o.exclusive}
    picked = set(_picked(turn, spec)) - alone
    if value in alone:
        picked = {value}
    elif value in picked:
        picked.discard(value)
    else:
        picked.add(value)
    chosen = [v for v in allowed if v in picked]
    labels = ", ".join(allowed[v] for v in chosen)
    store(turn, **{spec.key: chosen, f"{INTERNAL}{spec.key}_label": labels})
    if value in alone:
        await advance(turn, flow, step)
    else:
        await show_step(turn, flow, step)


def _quick_text(turn: Turn, spec: Typed, value: str) -> str:
    option = next((o for o in spec.quick if o.value == value), None)
    return value if option is None else option.value


async def _typed(turn: Turn, flow: Flow, step: Step, spec: Typed, raw: str) -> None:
    result = check(raw, spec, today=turn.now.astimezone(turn.desk.settings.tz).date())
    if isinstance(result, Problem):
        await show_step(turn, flow, step, notice=problem_text(turn, result))
        return
    store(turn, **{spec.key: result})
    await advance(turn, flow, step)


def problem_text(turn: Turn, problem: Problem) -> str:
    return "⚠️ " + turn.t(problem.reason, example=problem.example or "", **problem.params)


async def _file(turn: Turn, flow: Flow, step: Step, spec: Files, event: FileIn) -> None:
    files = list(answers(turn).get(spec.key) or [])
    mime = event.mime_type or ("image/jpeg" if event.kind == "photo" else None)
    if mime not in spec.mime_types:
        await show_step(turn, flow, step, notice=turn.t("files.wrong_type"))
        return
    if event.size is not None and event.size > spec.max_bytes:
        mb = spec.max_bytes // (1024 * 1024)
        await show_step(turn, flow, step, notice=turn.t("files.too_big", mb=mb))
        return
    if len(files) >= spec.max_files:
        await show_step(turn, flow, step, notice=turn.t("files.too_many", count=spec.max_files))
        return
    files.append(_file_record(event))
    store(turn, **{spec.key: files})
    await show_step(turn, flow, step)


def _file_record(event: FileIn) -> dict[str, Any]:
    return {
        "file_id": event.file_id,
        "file_unique_id": event.file_unique_id,
        "kind": event.kind,
        "mime_type": event.mime_type or ("image/jpeg" if event.kind == "photo" else None),
        "file_name": (event.file_name or "")[:200] or None,
        "size": event.size,
    }


async def _contact(turn: Turn, flow: Flow, step: Step, spec: Contact, event: ContactIn) -> None:
    if event.contact_user_id is not None and event.contact_user_id != turn.sender.user_id:
        await show_step(turn, flow, step, notice=turn.t("contact.not_yours"))
        return
    phone = normalise_phone(event.phone)
    if isinstance(phone, Invalid):
        await show_step(turn, flow, step, notice=turn.t(phone.reason))
        return
    await _leave_keyboard(turn, step)
    store(turn, **{spec.key: phone.value})
    await advance(turn, flow, step)


async def _contact_text(turn: Turn, flow: Flow, step: Step, spec: Contact, text: str) -> None:
    """A reply keyboard sends its labels back as text."""
    label = text.strip()
    if spec.optional and label == turn.t("button.skip"):
        await _leave_keyboard(turn, step)
        store(turn, **{spec.key: None})
        await advance(turn, flow, step)
    elif step.back and label == turn.t("button.back"):
        await _leave_keyboard(turn, step)
        await back(turn, flow)
    elif step.cancel and label == turn.t("button.cancel"):
        await _leave_keyboard(turn, step)
        await cancel(turn)
    else:
        await show_step(turn, flow, step, notice=turn.t("hint.share_contact"))


async def _leave_keyboard(turn: Turn, step: Step) -> None:
    if isinstance(step.input, Contact):
        turn.say(turn.t("contact.keyboard_closed"), remove_keyboard=True)
        turn.tapped_message_id = None
