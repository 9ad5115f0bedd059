"""Every flow the desk runs, walked as data: each button leads somewhere, each text exists, each
callback fits Telegram's 64 bytes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.assembly import build_registry
from flows.callbacks import MAX_BYTES, CallbackCodec
from flows.declarations import Choose, Files, Flow, Option, Step, Summary, Typed
from flows.i18n import Catalog
from flows.kinds import declared
from flows.registry import Registry
from flows.runner import HOME
from flows.validators import VALIDATORS

REGISTRY: Registry = build_registry()
DEEP_LINKS = REGISTRY.deep_links()
CATALOG = Catalog.load()
FLOWS = sorted(REGISTRY.flows.values(), key=lambda flow: flow.id)

# What each provider can offer at worst (longest values, and those that lead somewhere).
# A new provider must be listed here, so its buttons are measured too.
PROVIDER_SAMPLES = {
    "my_requests": ("9999999999",),
    "request_ops": ("!cancel_prompt", "!answer_prompt", "@home"),
    "prescription_saved": ("t9999999999", "r9999999999"),
    "waiting_requests": ("9999999999",),
    "not_waiting_ops": ("!question_from_kept", "@question", "@home"),
    "programme_reason": ("suggested",),
    "prevention_ops": ("!prevention_on", "!prevention_off"),
    "recommend_scores": ("10", "skip"),
}
# Flows opened by code, not by a button of another flow, and why that is intended.
OPENED_BY_CODE = {
    "consent": "the onboarding gate, before anything else",
    "register": "the onboarding gate, after consent",
    "resume": "/start in the middle of a flow",
    "cancel_request": "a status card's Cancel, or an action of My requests",
    "answer": "a status card's Answer, or an action of My requests",
    "answer_which": "a message written at the menu while several requests wait for an answer",
    "not_waiting": "an answer for a request that no longer waits for one",
    "programme_visit": "«Prenoto» on a programme's message",
    "satisfaction_comment": "an answer to the satisfaction question",
    "satisfaction_recommend": "an answer to the satisfaction question, when recommending is due",
}
# Buttons outside flows: a status card's Cancel and Answer, «🏠 Menu» on a pushed message, and
# "changed my mind" after consent.
GLOBAL_CODES = ("R.9999999999.c", "R.9999999999.a", "H")
MENU_CODES_OUTSIDE_FLOWS = ("v:again",)
BIG_NONCE = 2**40
BIG_CHAT = -1001234567890123


def steps() -> Iterator[tuple[Flow, Step]]:
    for flow in FLOWS:
        for step in flow.steps:
            yield flow, step


STEPS = list(steps())
STEP_IDS = [f"{flow.id}.{step.id}" for flow, step in STEPS]


def options_of(step: Step) -> tuple[Option, ...]:
    spec = step.input
    if isinstance(spec, Choose):
        return spec.options
    if isinstance(spec, Typed):
        return spec.quick
    return ()


def targets(flow: Flow, step: Step) -> list[str]:
    found = [o.goto for o in options_of(step) if o.goto is not None]
    spec = step.input
    if isinstance(spec, Choose) and spec.provider in PROVIDER_SAMPLES:
        found += [v for v in PROVIDER_SAMPLES[spec.provider] if v.startswith(("@", "!"))]
    return found


def codes(step: Step) -> list[str]:
    """Every code a button of this step can carry."""
    spec = step.input
    found = ["b", "x"]
    if isinstance(spec, Choose):
        found += [f"v:{o.value}" for o in spec.options]
        found += [f"v:{v}" for v in PROVIDER_SAMPLES.get(spec.provider or "", ())]
        if spec.multiple:
            found.append("d")
    elif isinstance(spec, Typed):
        found += [f"q:{o.value}" for o in spec.quick]
        found += ["k"] if spec.optional else []
    elif isinstance(spec, Files):
        found += ["d", "k"]
    elif isinstance(spec, Summary):
        found.append("s")
    return found


def keys_used(flow: Flow, step: Step) -> list[str]:
    spec = step.input
    found = [o.label for o in options_of(step)]
    if not step.prompt.startswith("="):
        found.append(step.prompt)
    if step.summary_label is not None:
        found.append(step.summary_label)
    if isinstance(spec, Summary):
        found.append(spec.send_label)
    if flow.title is not None:
        found.append(flow.title)
    return found


@pytest.mark.parametrize(("flow", "step"), STEPS, ids=STEP_IDS)
def test_every_option_leads_somewhere(flow: Flow, step: Step) -> None:
    for target in targets(flow, step):
        if target.startswith("@"):
            assert target[1:] in REGISTRY.flows, f"{target}: no such flow"
        elif target.startswith("!"):
            assert target[1:] in REGISTRY.actions, f"{target}: no such action"
        else:
            assert target in {s.id for s in flow.steps}, f"{target}: no such step in {flow.id}"


@pytest.mark.parametrize(("flow", "step"), STEPS, ids=STEP_IDS)
def test_every_name_a_step_uses_exists(flow: Flow, step: Step) -> None:
    spec = step.input
    if step.prompt.startswith("="):
        assert step.prompt[1:] in REGISTRY.describers
    if isinstance(spec, Choose):
        assert spec.options or spec.provider, "a choice with nothing to choose"
        if spec.provider is not None:
            assert spec.provider in REGISTRY.providers
    if isinstance(spec, Typed):
        assert spec.validator in VALIDATORS
    ids = [s.id for s in flow.steps]
    if step.next is not None and step.next.startswith("!"):
        assert step.next[1:] in REGISTRY.actions, f"{step.next}: no such action"
    elif step.next is not None:
        assert step.next in ids
    if step.only_if is not None:
        key, values = step.only_if
        earlier = flow.steps[: ids.index(step.id)]
        source = next((s for s in earlier if getattr(s.input, "key", None) == key), None)
        assert source is not None, f"only_if on {key}, which no earlier step asks"
        if isinstance(source.input, Choose) and source.input.provider is None:
            assert set(values) <= {o.value for o in source.input.options}


@pytest.mark.parametrize("flow", FLOWS, ids=[flow.id for flow in FLOWS])
def test_flow_shape(flow: Flow) -> None:
    ids = [s.id for s in flow.steps]
    assert len(ids) == len(set(ids)), "step ids repeat"
    assert flow.complete in REGISTRY.actions
    if flow.kind is not None:
        # A request: the urgency gate first, the summary with Send last, Back and Cancel throughout.
        assert flow.urgency_gate
        assert flow.steps[0].id == "urgent"
        assert isinstance(flow.steps[-1].input, Summary)
        assert all(s.back and s.cancel for s in flow.steps)
        assert flow.title == f"kind.{flow.kind}"


@pytest.mark.parametrize(("flow", "step"), STEPS, ids=STEP_IDS)
@pytest.mark.parametrize("lang", CATALOG.languages())
def test_every_text_exists(flow: Flow, step: Step, lang: str) -> None:
    missing = [key for key in keys_used(flow, step) if key not in CATALOG.keys(lang)]
    assert not missing


def test_engine_texts_exist() -> None:
    engine = ["button.back", "button.cancel", "button.done", "button.skip", "button.send"]
    engine += ["menu.expired", "flow.cancelled", "summary.none", "summary.files"]
    engine += ["hint.type_text", "hint.send_file", "hint.use_buttons", "files.received"]
    for lang in CATALOG.languages():
        assert set(engine) <= CATALOG.keys(lang)


@pytest.mark.parametrize(("flow", "step"), STEPS, ids=STEP_IDS)
def test_callbacks_fit_64_bytes(flow: Flow, step: Step) -> None:
    codec = CallbackCodec(b"k" * 32)
    for code in codes(step):
        data = codec.encode(chat_id=BIG_CHAT, code=code, nonce=BIG_NONCE)
        assert len(data.encode()) <= MAX_BYTES
        decoded = codec.decode(chat_id=BIG_CHAT, data=data)
        assert decoded is not None
        assert (decoded.code, decoded.nonce) == (code, BIG_NONCE)


def test_buttons_outside_flows_fit_64_bytes() -> None:
    codec = CallbackCodec(b"k" * 32)
    for code in GLOBAL_CODES:
        data = codec.encode(chat_id=BIG_CHAT, code=code)
        assert len(data.encode()) <= MAX_BYTES
        assert codec.decode(chat_id=BIG_CHAT, data=data) is not None
    for code in MENU_CODES_OUTSIDE_FLOWS:
        assert len(codec.encode(chat_id=BIG_CHAT, code=code, nonce=BIG_NONCE)) <= MAX_BYTES


def test_every_provider_has_samples() -> None:
    assert set(REGISTRY.providers) == set(PROVIDER_SAMPLES)


def test_every_flow_is_reachable_or_listed() -> None:
    reached = {HOME, *DEEP_LINKS.values()}
    frontier = list(reached)
    while frontier:
        flow = REGISTRY.flows[frontier.pop()]
        for step in flow.steps:
            for target in targets(flow, step):
                if target.startswith("@") and target[1:] not in reached:
                    reached.add(target[1:])
                    frontier.append(target[1:])
    unreached = set(REGISTRY.flows) - reached
    assert unreached == set(OPENED_BY_CODE)
    assert set(DEEP_LINKS.values()) <= set(REGISTRY.flows)


def test_every_request_kind_is_on_the_menu() -> None:
    menu = REGISTRY.flows[HOME].steps[0]
    on_menu = {o.goto for o in options_of(menu)}
    kinds = {f"@{flow.id}" for flow in FLOWS if flow.kind is not None}
    assert kinds == {f"@{kind.flow.id}" for kind in declared()}
    assert {"@prescription", "@certificate", "@reports", "@question", "@visit"} <= kinds
    assert kinds <= on_menu


def test_every_request_kind_says_how_it_shows() -> None:
    for flow in REGISTRY.kinds():
        assert flow.icon, f"{flow.id}: no icon for the staff inbox"
        for lang in CATALOG.languages():
            assert {f"kind.{flow.id}", f"menu.{flow.id}"} <= CATALOG.keys(lang)
