"""Flows as data: steps, the input each takes, and where each answer leads.

A flow is a tuple of steps; the first is the entry. A step shows a prompt (a catalog key), takes
one kind of input, stores it under `key` and moves to `next` (or the following step). An option's
`goto` can name a step of the same flow, another flow (``@flow``) or an action (``!action``); a
step's `next` can name an action too, which then decides where the answer leads.
`only_if` skips a step unless an earlier answer has one of the given values; the answers of skipped
steps are not filed. Nothing here runs: the engine interprets these values, and tests walk them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str  # catalog key
    goto: str | None = None
    # How the answer reads on the summary and the staff card, when not as the button says.
    summary: str | None = None
    # In a multiple choice: an answer on its own ("any day"), picked alone and moving on at once.
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class Choose:
    """Pick one button. Options are fixed, or come from a named provider (e.g. the patient's
    own requests), which also decides what a tapped value may be.

    With `multiple`, each tap toggles an option (shown with a ✓) and Done moves on; the answer
    is the list of picked values, in the options' order.
    """

    key: str
    options: tuple[Option, ...] = ()
    provider: str | None = None
    columns: int = 1
    multiple: bool = False


@dataclass(frozen=True, slots=True)
class Typed:
    """A typed value checked by a named validator (text, date, birth_date, fiscal_code, time,
    number, name). `quick` buttons offer common answers without typing."""

    key: str
    validator: str = "text"
    max_length: int = 200
    min_value: int | None = None
    max_value: int | None = None
    quick: tuple[Option, ...] = ()
    optional: bool = False
    skip_label: str = "button.skip"  # catalog key of the button that leaves it empty
    accept_files: bool = False  # a photo or PDF is also an answer (kept under `<key>_files`)


@dataclass(frozen=True, slots=True)
class Files:
    """Photos or PDFs, one or more, finished with a Done button."""

    key: str
    max_files: int = 5
    max_bytes: int = 20 * 1024 * 1024
    mime_types: tuple[str, ...] = ("application/pdf", "image/jpeg", "image/png")
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Contact:
    """The phone number through Telegram's share-contact button; may be skipped."""

    key: str
    optional: bool = True


@dataclass(frozen=True, slots=True)
class Summary:
    """The last step: every answer so far, and Send."""

    send_label: str = "button.send"


Input = Choose | Typed | Files | Contact | Summary


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    prompt: str  # catalog key; filled with the answers so far
    input: Input
    next: str | None = None
    only_if: tuple[str, tuple[str, ...]] | None = None
    summary_label: str | None = None  # catalog key naming this answer on the summary
    back: bool = True
    cancel: bool = True


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    steps: tuple[Step, ...]
    complete: str  # action run when the last step is done (e.g. "submit_request")
    kind: str | None = None  # the request kind this flow files, if any
    title: str | None = None  # catalog key
    # A request kind's mark on staff's inbox lines (its menu button says it in the catalogs).
    icon: str | None = None
    # Where a request kind sits in the menu, the inbox filter and the charts: lowest first.
    rank: int = 0
    # Words that open a request kind from a deep link (t.me/<bot>?start=ricetta), besides its id.
    links: tuple[str, ...] = ()
    urgency_gate: bool = False
    needs_patient: bool = True
    # Action run when the person cancels, or goes back from the first step; None: the menu.
    cancelled: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"{self.id} has no step {step_id}")

    def index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(f"{self.id} has no step {step_id}")
