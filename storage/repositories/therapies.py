"""Therapies: the medicines a patient set reminders for, with the pills left at home."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Therapy


class TherapyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, therapy_id: int, for_update: bool = False) -> Therapy | None:
        """One therapy; `for_update` locks it for a patient's answer that changes it."""
        if not for_update:
            return await self._session.get(Therapy, therapy_id)
        query = select(Therapy).where(Therapy.id == therapy_id).with_for_update()
        return (await self._session.exec(query)).first()

    async def by_ids(self, *, ids: Iterable[int | None]) -> dict[int, Therapy]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        query = select(Therapy).where(col(Therapy.id).in_(wanted))
        return {t.id: t for t in (await self._session.exec(query)).all() if t.id is not None}

    async def of_patient(self, *, patient_id: int) -> Sequence[Therapy]:
        """The patient's therapies still kept (paused ones too), in the order they were added."""
        query = (
            select(Therapy)
            .where(Therapy.patient_id == patient_id, col(Therapy.active).is_(True))
            .order_by(col(Therapy.id))
        )
        return (await self._session.exec(query)).all()

    async def add(self, *, therapy: Therapy) -> Therapy:
        """A new therapy, numbered at once."""
        self._session.add(therapy)
        await self._session.flush()
        return therapy

    async def save(self, *, therapy: Therapy) -> None:
        """Written with the unit of work's next flush or commit."""
        self._session.add(therapy)

    async def save_all(self, *, therapies: Iterable[Therapy]) -> None:
        """Written with the unit of work's next flush or commit, in one batch."""
        self._session.add_all(list(therapies))
