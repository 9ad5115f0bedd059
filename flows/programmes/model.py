"""What a programme is, as plain data: who it is for (a segment), how often it comes back (its
recurrence) and what it sends (a sequence of steps with the answers each offers).

Declarations are loaded from built-ins or the practice's file by another module and checked there;
this module only says what a valid declaration holds, so every part of the front desk (the
planner, the preview, the staff screens) reads one model. Field names are kept stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Sex(StrEnum):
    """As the codice fiscale encodes it (a day of birth over 40 means F)."""

    F = "F"
    M = "M"


class Answer(StrEnum):
    """The one-tap answers a step may offer."""

    BOOK = "book"  # Prenoto: the Visit flow, pre-filled with the programme's reason
    DONE = "done"  # L'ho già fatto: asks when, roughly, and records a completion
    LATER = "later"  # Ricordamelo più avanti: snoozed until a chosen time
    DECLINE = "decline"  # Non mi interessa: leaves this programme


@dataclass(frozen=True, slots=True)
class Segment:
    """Who a programme is for; a criterion left at its default does not narrow the segment.

    Ages are whole years on the day of evaluation, both bounds included. Tags are the practice's
    condition tags: `tags_any` needs at least one, `tags_all` every one, `tags_none` none of them.
    `last_visit_older_than_months`: no attended appointment in that many months (never counts as
    older). `last_completion_older_than_months`: no completion of this programme in that many
    months. `active_therapy`: True needs an active therapy, False needs none.
    """

    min_age: int | None = None
    max_age: int | None = None
    sex: Sex | None = None
    tags_any: tuple[str, ...] = ()
    tags_all: tuple[str, ...] = ()
    tags_none: tuple[str, ...] = ()
    last_visit_older_than_months: int | None = None
    last_completion_older_than_months: int | None = None
    active_therapy: bool | None = None


@dataclass(frozen=True, slots=True)
class Once:
    """One cycle only: a patient completed or answered once is never invited again."""


@dataclass(frozen=True, slots=True)
class EveryMonths:
    """A new cycle each time a patient's last completion is `months` old (diabetes: 6)."""

    months: int


@dataclass(frozen=True, slots=True)
class Season:
    """One cycle a year, sent only between the first day of `first_month` and the last day of
    `last_month` (flu vaccination: October to December). A season may wrap the new year."""

    first_month: int
    last_month: int


Recurrence = Once | EveryMonths | Season


@dataclass(frozen=True, slots=True)
class Step:
    """One message of the sequence, `day` days after the cycle's first message.

    `text` is a catalog key; `own_text` (language -> text) is the practice's own wording and wins
    over the catalog when it has the patient's language. Texts may use `{first_name}`.
    """

    day: int
    text: str
    buttons: tuple[Answer, ...]
    own_text: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Programme:
    """A declared programme. `title` and `reason` are catalog keys: the reason pre-fills the
    Visit flow when the patient books. After the last step, `final_wait_days` without an answer
    make the patient a non-responder for the cycle."""

    id: str
    title: str
    segment: Segment
    recurrence: Recurrence
    steps: tuple[Step, ...]
    reason: str
    final_wait_days: int = 7
    enabled: bool = True

    @property
    def last_day(self) -> int:
        return max((step.day for step in self.steps), default=0)
