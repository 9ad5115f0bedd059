"""Condition tags by the thousand, for an import from the practice's clinical software: who
holds each codice fiscale and the tags they have, and the removals an import decides, each in a
few statements rather than one per patient. Reached as `uow.tags`; adding tags is
`uow.programmes.add_tags`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Table, delete
from sqlalchemy import select as core_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.repositories.programme_records import run
from storage.tables import Patient, PatientTag

TAGS: Table = PatientTag.__table__  # type: ignore[attr-defined]
PATIENTS: Table = Patient.__table__  # type: ignore[attr-defined]
# Well under SQLite's bound-parameter limit and PostgreSQL's.
CHUNK = 900


class TagRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def holders(
        self, *, fiscal_codes: Sequence[str]
    ) -> dict[str, tuple[int, frozenset[str]]]:
        """By codice fiscale, the patient holding it and their tags; erased patients hold none."""
        ids: dict[str, int] = {}
        codes = sorted(set(fiscal_codes))
        for start in range(0, len(codes), CHUNK):
            query = core_select(PATIENTS.c.fiscal_code, PATIENTS.c.id).where(
                col(Patient.fiscal_code).in_(codes[start : start + CHUNK]),
                col(Patient.erased_at).is_(None),
            )
            for code, patient_id in (await run(self._session, query)).all():
                ids[str(code)] = int(patient_id)
        tags: dict[int, set[str]] = defaultdict(set)
        patients = sorted(ids.values())
        for start in range(0, len(patients), CHUNK):
            query = core_select(TAGS.c.patient_id, TAGS.c.tag).where(
                TAGS.c.patient_id.in_(patients[start : start + CHUNK])
            )
            for patient_id, tag in (await run(self._session, query)).all():
                tags[int(patient_id)].add(str(tag))
        return {code: (pid, frozenset(tags.get(pid, ()))) for code, pid in ids.items()}

    async def remove(self, *, pairs: Sequence[tuple[int, str]]) -> int:
        """Untag patients, (patient id, tag) each: one statement per tag and chunk."""
        by_tag: dict[str, list[int]] = defaultdict(list)
        for patient_id, tag in pairs:
            by_tag[tag].append(patient_id)
        removed = 0
        for tag, patients in by_tag.items():
            for start in range(0, len(patients), CHUNK):
                statement = delete(TAGS).where(
                    TAGS.c.tag == tag, TAGS.c.patient_id.in_(patients[start : start + CHUNK])
                )
                removed += int((await run(self._session, statement)).rowcount or 0)
        return removed
