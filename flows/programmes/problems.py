"""A problem found in a file the practice gave us (a programme file, a CSV of tags): a catalog
key, its params and the line it is on, shown as `FILE:LINE: where: message`, the form editors
jump to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Text = Callable[..., str]  # (key, **params) -> the sentence in the reader's language


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, as a catalog key and its params; `line` is the file's line, when known.

    `programme` and `step` (1-based) say which declaration it is in, when it is in one."""

    key: str
    line: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    programme: str | None = None
    step: int | None = None


def where(problem: Problem, text: Text) -> str:
    if problem.programme is None:
        return ""
    if problem.step is None:
        return text("programme.file.in.programme", id=problem.programme) + ": "
    return text("programme.file.in.step", id=problem.programme, step=problem.step) + ": "


def render(problem: Problem, text: Text, *, name: str) -> str:
    """One line: `programmes.toml:12: programme “flu”, step 2: day 3 comes before day 7`."""
    place = name if problem.line is None else f"{name}:{problem.line}"
    return f"{place}: {where(problem, text)}{text(problem.key, **problem.params)}"


def ordered(problems: list[Problem]) -> list[Problem]:
    """By line, problems without one (the whole file's) first."""
    return sorted(problems, key=lambda p: -1 if p.line is None else p.line)
