"""Caregivers: the family members a patient invited, and the links they act through."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.repositories.people import ACTING_LINK
from storage.tables import Caregiver


class CaregiverRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, caregiver_id: int) -> Caregiver | None:
        return await self._session.get(Caregiver, caregiver_id)

    async def acting_link(self, *, telegram_id: int) -> Caregiver | None:
        """The link of a caregiver who chose to act for their patient, if they did."""
        params = {"telegram_id": telegram_id}
        return (await self._session.exec(ACTING_LINK, params=params)).first()

    async def links_of_caregiver(self, *, telegram_id: int) -> Sequence[Caregiver]:
        """Every link the Telegram user holds as someone's caregiver, whatever its status."""
        query = select(Caregiver).where(Caregiver.caregiver_user_id == telegram_id)
        return (await self._session.exec(query)).all()

    async def of_patient(self, *, patient_id: int, statuses: Sequence[str]) -> list[Caregiver]:
        """The patient's links in these statuses, oldest first."""
        query = (
            select(Caregiver)
            .where(Caregiver.patient_id == patient_id, col(Caregiver.status).in_(statuses))
            .order_by(col(Caregiver.id))
        )
        return list((await self._session.exec(query)).all())

    async def active_of(self, *, patient_id: int) -> Sequence[Caregiver]:
        """Who is told when the patient misses a dose."""
        query = select(Caregiver).where(
            Caregiver.patient_id == patient_id, Caregiver.status == "active"
        )
        return (await self._session.exec(query)).all()

    async def invitation(self, *, token: str) -> Caregiver | None:
        """The link an invitation's token names, locked while it is accepted."""
        query = select(Caregiver).where(Caregiver.token == token).with_for_update()
        return (await self._session.exec(query)).first()

    async def add(self, *, link: Caregiver) -> Caregiver:
        """A new invitation, numbered at once."""
        self._session.add(link)
        await self._session.flush()
        return link

    async def save(self, *, link: Caregiver) -> None:
        """Written with the unit of work's next flush or commit."""
        self._session.add(link)
