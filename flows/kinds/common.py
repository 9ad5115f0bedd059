"""What every request flow shares: the urgency gate first, the summary with Send last."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flows import runner
from flows.declarations import Choose, Flow, Option, Step, Summary
from flows.patient import services
from flows.registry import Action, Provider, Registry
from flows.turn import Turn

URGENCY = Step(
    "urgent",
    prompt="urgency.question",
    input=Choose(
        key="urgent",
        options=(
            Option("emergency", "urgency.emergency", goto="!emergency"),
            Option("today", "urgency.today", goto="!urgent_today"),
            Option("no", "urgency.no"),
        ),
    ),
)
CONFIRM = Step("confirm", prompt="request.confirm", input=Summary())


@dataclass(frozen=True, slots=True)
class RequestKind:
    """A request flow with the named helpers its steps use (option providers, actions)."""

    flow: Flow
    providers: Mapping[str, Provider] = field(default_factory=dict)
    actions: Mapping[str, Action] = field(default_factory=dict)


def request_flow(
    kind: str, *steps: Step, icon: str, rank: int, links: tuple[str, ...] = ()
) -> Flow:
    """A request flow: urgency gate, the kind's own steps, then the summary with Send.

    Its texts are `kind.<kind>` (its name) and `menu.<kind>` (its button on the menu), besides
    its steps' own; `icon` marks it on staff's inbox, `rank` places it on the menu, and `links`
    are the words of deep links that open it."""
    return Flow(
        id=kind,
        kind=kind,
        title=f"kind.{kind}",
        steps=(URGENCY, *steps, CONFIRM),
        complete="submit_request",
        urgency_gate=True,
        icon=icon,
        rank=rank,
        links=links,
    )


async def submit(turn: Turn) -> None:
    position = runner.current(turn)
    assert position is not None
    flow, _ = position
    request = await services.submit_request(turn, flow)
    await services.confirmation(turn, request)
    await runner.go_home(turn)


async def gate(turn: Turn, _flow: Flow) -> str | None:
    return await services.demand_refusal(turn)


def request_registry(*kinds: Flow | RequestKind) -> Registry:
    result = Registry()
    for kind in kinds:
        if isinstance(kind, Flow):
            result.add_flow(kind)
            continue
        own = Registry(providers=dict(kind.providers), actions=dict(kind.actions))
        own.add_flow(kind.flow)
        result.merge(own)  # refuses a name two kinds both declare
    result.actions["submit_request"] = submit
    result.request_gate = gate
    return result
