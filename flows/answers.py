"""A request's answers as lines a person reads: made once from a flow's answers, kept on the
request when it is filed, and rendered from that on the summary, the staff card, the patient's
detail and their data copy.

A line is a label (a catalog key naming the question) and a value of one of three kinds: text
as the person gave it, a catalog key (a fixed option, read in the reader's language) or a count
of files. On a request they are kept under `_lines` of its answers, next to the raw values, in
the shape requests have always been filed with, so rows filed at any time read alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from flows.declarations import Choose, Files, Flow, Step, Summary, Typed
from flows.validators import shown

INTERNAL: Final = "_"  # answers whose key starts with this are bookkeeping, not the answers
LINES: Final = f"{INTERNAL}lines"  # where a filed request keeps its lines
TEXT: Final = "text"
KEY: Final = "key"
FILES: Final = "files"
# The stored field holding each kind's value.
_FIELDS: Final = {TEXT: "value", KEY: "value_key", FILES: "files"}

Text = Callable[..., str]  # a catalog lookup in the reader's language: t(key, **params)


@dataclass(frozen=True, slots=True)
class AnswerLine:
    label: str  # catalog key
    value: str | int  # text (maybe empty: nothing given), a catalog key, or a number of files
    kind: str = TEXT

    def stored(self) -> dict[str, Any]:
        return {"label": self.label, _FIELDS[self.kind]: self.value}

    @classmethod
    def from_stored(cls, line: Mapping[str, Any]) -> AnswerLine:
        label = str(line.get("label"))
        if "value_key" in line:
            return cls(label, str(line["value_key"]), KEY)
        if "files" in line:
            return cls(label, int(line["files"] or 0), FILES)
        return cls(label, str(line.get("value") or ""), TEXT)

    def text(self, t: Text) -> str:
        """`Label: value`, in the reader's language."""
        if self.kind == KEY:
            value = t(str(self.value))
        elif self.kind == FILES:
            value = t("summary.files", count=self.value)
        else:
            value = str(self.value) or t("summary.none")
        return f"{t(self.label)}: {value}"


def applies(step: Step, given: Mapping[str, Any]) -> bool:
    """Whether a step is asked, given the answers before it (`only_if`)."""
    if step.only_if is None:
        return True
    key, values = step.only_if
    return str(given.get(key)) in values


def answer_lines(flow: Flow, given: Mapping[str, Any]) -> list[AnswerLine]:
    """The lines of the answers given so far, one per answered step that names its answer."""
    lines = []
    for step in flow.steps:
        spec = step.input
        if step.summary_label is None or isinstance(spec, Summary) or spec.key not in given:
            continue
        if not applies(step, given):
            continue
        value = given[spec.key]
        lines.append(_line(step.summary_label, spec, value, given))
    return lines


def _line(label: str, spec: Any, value: Any, given: Mapping[str, Any]) -> AnswerLine:
    if isinstance(spec, Choose):
        option = next((o for o in spec.options if o.value == value), None)
        if option is not None:
            return AnswerLine(label, option.summary or option.label, KEY)
        # Several options, or one a provider offered: as the buttons said when tapped.
        return AnswerLine(label, str(given.get(f"{INTERNAL}{spec.key}_label", value)))
    if isinstance(spec, Files):
        return AnswerLine(label, len(value or []), FILES)
    if isinstance(spec, Typed):
        return AnswerLine(label, shown(value, spec))
    return AnswerLine(label, "" if value is None else str(value))


def filed(flow: Flow, given: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as a request keeps them: the raw values, and the lines."""
    stored = {k: v for k, v in given.items() if not k.startswith(INTERNAL)}
    stored[LINES] = [line.stored() for line in answer_lines(flow, given)]
    return stored


def filed_lines(stored: Mapping[str, Any]) -> list[AnswerLine]:
    """The lines a request was filed with (none once its contents were purged)."""
    return [
        AnswerLine.from_stored(line)
        for line in stored.get(LINES) or []
        if isinstance(line, Mapping)
    ]


def bulleted(lines: Iterable[AnswerLine], t: Text, *, bullet: str = "• ") -> list[str]:
    return [f"{bullet}{line.text(t)}" for line in lines]
