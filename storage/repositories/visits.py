"""Visit slots staff propose on a visit request, and the patient's answer to them."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Appointment


class VisitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def propose(self, *, appointment: Appointment) -> Appointment:
        """Store a proposed slot; it has its number at once (the patient's buttons carry it)."""
        self._session.add(appointment)
        await self._session.flush()
        return appointment

    async def get(self, *, appointment_id: int) -> Appointment | None:
        return await self._session.get(Appointment, appointment_id)

    async def save(self, *, appointment: Appointment) -> None:
        """Written with the unit of work's next flush or commit."""
        self._session.add(appointment)
