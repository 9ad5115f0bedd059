"""Taking input for the step on screen: taps, typed values, files, a shared contact.

The codes its menu buttons carry are `flows.codes.StepCode`.
"""

from __future__ import annotations

from typing import Any

from flows.codes import StepCode
from flows.declarations import Choose, Contact, Files, Flow, Step, Summary, Typed
from flows.events import ContactIn, FileIn, TextIn
from flows.parsing import Invalid, normalise_phone
from flows.runner import (
    INTERNAL,
    advance,
    answers,
    back,
    cancel,
    complete,
    goto,
    options,
    picked,
    show_step,
    store,
)
from flows.turn import Turn
from flows.validators import Problem, check


async def on_tap(turn: Turn, flow: Flow, step: Step, code: str) -> None:
    spec = step.input
    kind, _, value = code.partition(":")
    if kind == StepCode.BACK.head and step.back:
        await back(turn, flow)
    elif kind == StepCode.CANCEL.head and step.cancel:
        await cancel(turn)
    elif kind == StepCode.OPTION.head and isinstance(spec, Choose) and spec.multiple:
        await _toggle(turn, flow, step, spec, value)
    elif kind == StepCode.OPTION.head and isinstance(spec, Choose):
        await _choose(turn, flow, step, spec, value)
    elif kind == StepCode.QUICK.head and isinstance(spec, Typed):
        await _typed(turn, flow, step, spec, _quick_text(turn, spec, value))
    elif kind == StepCode.SKIP.head and getattr(spec, "optional", False):
        await _leave_keyboard(turn, step)
        store(turn, **{spec.key: None})  # type: ignore[union-attr]
        await advance(turn, flow, step)
    elif kind == StepCode.DONE.head and (
        (isinstance(spec, Files) and answers(turn).get(spec.key))
        or (isinstance(spec, Choose) and picked(turn, spec))
    ):
        await advance(turn, flow, step)
    elif kind == StepCode.SEND.head and isinstance(spec, Summary):
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
        store(turn, **{spec.key: event.caption or "", f"{spec.key}_files": [file_record(event)]})
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
    option = next((o for o in spec.options if o.value == value), None)
    label = turn.t(option.summary) if option is not None and option.summary else allowed[value]
    store(turn, **{spec.key: value, f"{INTERNAL}{spec.key}_label": label})
    if value.startswith(("@", "!")):
        await goto(turn, flow, value)  # a provider's option that leads somewhere
    elif option is not None and option.goto is not None:
        await goto(turn, flow, option.goto)
    else:
        await advance(turn, flow, step)


async def _toggle(turn: Turn, flow: Flow, step: Step, spec: Choose, value: str) -> None:
    """A tap in a multiple choice: pick or unpick, then the same menu again (with Done)."""
    allowed = dict(await options(turn, step))
    if value not in allowed:
        await show_step(turn, flow, step, notice=turn.t("menu.expired"))
        return
    alone = {o.value for o in spec.options if o.exclusive}
    selected = set(picked(turn, spec)) - alone
    if value in alone:
        selected = {value}
    elif value in selected:
        selected.discard(value)
    else:
        selected.add(value)
    chosen = [v for v in allowed if v in selected]
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
    today = turn.now.astimezone(turn.desk.settings.tz).date()
    result = check(raw, spec, today=today, given=answers(turn))
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
    files.append(file_record(event))
    store(turn, **{spec.key: files})
    await show_step(turn, flow, step)


def file_record(event: FileIn) -> dict[str, Any]:
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
