"""What every request flow shares: the urgency gate first, the summary with Send last."""

from __future__ import annotations

from flows import runner
from flows.declarations import Choose, Flow, Option, Step, Summary
from flows.patient import services
from flows.registry import Registry
from flows.turn import Turn

URGENCY = Step(
    "urgent",
    prompt="urgency.question",
    input=Choose(
        key="urgent",
        options=(
            Option("no", "urgency.no"),
            Option("yes", "urgency.yes", goto="!urgent"),
        ),
    ),
)
CONFIRM = Step("confirm", prompt="request.confirm", input=Summary())


def request_flow(kind: str, *steps: Step) -> Flow:
    """A request flow: urgency gate, the kind's own steps, then the summary with Send."""
    return Flow(
        id=kind,
        kind=kind,
        title=f"kind.{kind}",
        steps=(URGENCY, *steps, CONFIRM),
        complete="submit_request",
        urgency_gate=True,
    )


async def submit(turn: Turn) -> None:
    position = runner.current(turn)
    assert position is not None
    flow, _ = position
    request = await services.submit_request(turn, flow)
    services.confirmation(turn, request)
    await runner.go_home(turn)


async def gate(turn: Turn, _flow: Flow) -> str | None:
    return await services.demand_refusal(turn)


def request_registry(*flows: Flow) -> Registry:
    result = Registry()
    for flow in flows:
        result.add_flow(flow)
    result.actions["submit_request"] = submit
    result.request_gate = gate
    return result
