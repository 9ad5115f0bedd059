"""Appointments: the slots staff propose on a visit request, and the confirmed ones as the
reminders see them (reminded, cancelled, attended or not)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Appointment


class AppointmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def propose(self, *, appointment: Appointment) -> Appointment:
        """Store a proposed slot; it has its number at once (the patient's buttons carry it)."""
        self._session.add(appointment)
        await self._session.flush()
        return appointment

    async def get(self, *, appointment_id: int, for_update: bool = False) -> Appointment | None:
        """One appointment; `for_update` locks it while staff mark it attended or not."""
        return await self._session.get(
            Appointment, appointment_id, with_for_update=True if for_update else None
        )

    async def by_ids(self, *, ids: Iterable[int | None]) -> dict[int, Appointment]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        query = select(Appointment).where(col(Appointment.id).in_(wanted))
        return {a.id: a for a in (await self._session.exec(query)).all() if a.id is not None}

    async def save(self, *, appointment: Appointment) -> None:
        """Written with the unit of work's next flush or commit."""
        self._session.add(appointment)

    async def marked_between(self, *, since: datetime, until: datetime) -> list[str]:
        """The status of every appointment in the period staff marked attended or no-show."""
        query = core_select(col(Appointment.status)).where(
            col(Appointment.status).in_(("attended", "no_show")),
            col(Appointment.starts_at) >= since,
            col(Appointment.starts_at) <= until,
        )
        rows: Sequence[tuple[str]] = (await self._session.exec(query)).all()  # type: ignore[call-overload]
        return [status for (status,) in rows]
