"""What an import of condition tags would change: per patient, the tags added and removed.

The file is the truth for the patients it lists: their tags become exactly the file's. Patients
the file does not list keep theirs. A codice fiscale no registered patient has is listed and left
out (most of a practice's patients never write to the front desk), never guessed at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flows.programmes.tagfile import TagRow


@dataclass(frozen=True, slots=True)
class Holder:
    """A registered patient with a codice fiscale, and the tags the practice set on them."""

    patient_id: int
    tags: frozenset[str]


@dataclass(frozen=True, slots=True)
class TagChange:
    line: int
    fiscal_code: str
    patient_id: int
    tags: frozenset[str]  # what the patient's tags become
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportPlan:
    changes: tuple[TagChange, ...]  # only the patients whose tags change
    unchanged: int
    unregistered: tuple[TagRow, ...]

    @property
    def added(self) -> int:
        return sum(len(change.added) for change in self.changes)

    @property
    def removed(self) -> int:
        return sum(len(change.removed) for change in self.changes)


def _sorted(tags: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(tags, key=str.casefold))


def plan_import(rows: tuple[TagRow, ...], holders: Mapping[str, Holder]) -> ImportPlan:
    """`holders`: the registered patients by codice fiscale (erased patients have none)."""
    changes: list[TagChange] = []
    unchanged = 0
    unregistered: list[TagRow] = []
    for row in rows:
        holder = holders.get(row.fiscal_code)
        if holder is None:
            unregistered.append(row)
        elif holder.tags == row.tags:
            unchanged += 1
        else:
            added = _sorted(row.tags - holder.tags)
            removed = _sorted(holder.tags - row.tags)
            changes.append(
                TagChange(row.line, row.fiscal_code, holder.patient_id, row.tags, added, removed)
            )
    return ImportPlan(tuple(changes), unchanged, tuple(unregistered))
