"""The table of button codes: within what one router reads no code can be taken for another,
and every code at its widest fits Telegram's 64 bytes once signed, and comes back as sent."""

from __future__ import annotations

from itertools import permutations

import pytest

from flows.assembly import build_registry
from flows.callbacks import MAX_BYTES, CallbackCodec
from flows.codes import ROUTERS, CardOp, Code, Routed, StaffCode, StepCode
from flows.declarations import Choose, Typed
from flows.lifecycle import Action

BIG_NONCE = 2**40
BIG_CHAT = -1001234567890123
IDS = [routed.name for routed in ROUTERS]


def widest(code: Code) -> str:
    return code(*code.widest)


@pytest.mark.parametrize("routed", ROUTERS, ids=IDS)
def test_no_code_reads_as_another(routed: Routed) -> None:
    heads = [code.head for code in routed.codes]
    assert len(heads) == len(set(heads)), "a head declared twice"
    for one, other in permutations(routed.codes, 2):
        # Prefix ambiguity: a longer head starting with a shorter one would be misread by
        # whoever compares heads by prefix.
        assert not one.head.startswith(other.head), (one.head, other.head)
        for sample in (one(), widest(one)):
            assert other.args(sample) is None, (sample, other.head)


@pytest.mark.parametrize("routed", ROUTERS, ids=IDS)
def test_every_code_fits_signed_and_comes_back(routed: Routed) -> None:
    codec = CallbackCodec(b"k" * 32)
    nonce = BIG_NONCE if routed.menu else None
    for code in routed.codes:
        sample = widest(code)
        data = codec.encode(chat_id=BIG_CHAT, code=sample, nonce=nonce)
        assert len(data.encode()) <= MAX_BYTES, sample
        decoded = codec.decode(chat_id=BIG_CHAT, data=data)
        assert decoded is not None
        # A global code read back as a menu one (a hex-looking head before ":") would be lost.
        assert (decoded.code, decoded.nonce) == (sample, nonce)
        assert code.args(sample) == list(code.widest)


def test_declared_widest_covers_what_is_sent() -> None:
    registry = build_registry()
    values = [
        option.value
        for flow in registry.flows.values()
        for step in flow.steps
        if isinstance(step.input, Choose | Typed)
        for option in (step.input.options if isinstance(step.input, Choose) else step.input.quick)
    ]
    assert max(map(len, values)) <= len(StepCode.OPTION.widest[0])
    assert max(map(len, values)) <= len(StepCode.QUICK.widest[0])
    names = [a.value for a in Action] + [op.value for op in CardOp]
    assert max(map(len, names)) <= len(StaffCode.ACT.widest[1])


def test_one_cancel_for_flows_and_staff_prompts() -> None:
    """The same letter means the same thing on every desk."""
    assert StaffCode.CANCEL is StepCode.CANCEL
