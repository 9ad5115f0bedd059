"""What the engine can run: flows by id, actions and option providers by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from flows.declarations import Flow
from flows.turn import Action, Command, Describer, Gate, Provider

__all__ = ["Action", "Command", "Describer", "Gate", "Provider", "Registry"]

T = TypeVar("T")


@dataclass(slots=True)
class Registry:
    flows: dict[str, Flow] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    describers: dict[str, Describer] = field(default_factory=dict)
    commands: dict[str, Command] = field(default_factory=dict)
    request_gate: Gate | None = None

    def add_flow(self, flow: Flow) -> None:
        if flow.id in self.flows:
            raise ValueError(f"flow {flow.id} declared twice")
        self.flows[flow.id] = flow

    def flow(self, flow_id: str) -> Flow:
        return self.flows[flow_id]

    def kinds(self) -> list[Flow]:
        """The request kinds' flows, in the order the menu, the inbox filter and charts show."""
        return sorted(
            (flow for flow in self.flows.values() if flow.kind is not None),
            key=lambda flow: (flow.rank, flow.id),
        )

    def kind_names(self) -> list[str]:
        return [flow.kind for flow in self.kinds() if flow.kind is not None]

    def kind(self, kind: str) -> Flow | None:
        return next((flow for flow in self.flows.values() if flow.kind == kind), None)

    def deep_links(self) -> dict[str, str]:
        """Deep-link payloads and the request flow each opens: a kind's id and its own words."""
        found: dict[str, str] = {}
        for flow in self.kinds():
            for word in (flow.id, *flow.links):
                if found.setdefault(word, flow.id) != flow.id:
                    raise ValueError(f"deep link {word} declared twice")
        return found

    def merge(self, other: Registry) -> None:
        for flow in other.flows.values():
            self.add_flow(flow)
        _merge_into(self.actions, other.actions)
        _merge_into(self.providers, other.providers)
        _merge_into(self.describers, other.describers)
        _merge_into(self.commands, other.commands)
        if other.request_gate is not None:
            self.request_gate = other.request_gate


def _merge_into(mine: dict[str, T], theirs: dict[str, T]) -> None:
    clash = set(mine) & set(theirs)
    if clash:
        raise ValueError(f"declared twice: {sorted(clash)}")
    mine.update(theirs)
