"""The outbox's programme lane: programme messages wait in the outbox (`queued` off, kind
`programme`) where the dispatcher's ordinary claim never sees them; `claim_lane` hands them out
only when the dispatcher asks, so they never stand in front of a dose reminder or a staff
notice. A paused or stopped programme's messages are held back, unsent, until it runs again;
withdrawn consent (or erasure) cancels a patient's. Part of `ProgrammeRepository`
(`uow.programmes`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, literal, update
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.repositories import programme_segments as seg
from storage.repositories.outbox import CLAIMED, PENDING
from storage.repositories.programme_records import CONTACTS, OUTBOX, run
from storage.tables import OutboundMessage, ProgrammeState

LANE_KIND = "programme"
P, C, OUT = seg.P, CONTACTS.c, OUTBOX.c
STATES = ProgrammeState.__table__.c  # type: ignore[attr-defined]


def _held_back() -> Any:
    """An outbox row of a programme paused or stopped: it waits, unsent, while the programme
    does (a row with no contact, which should not happen, is not held)."""
    idle = core_select(STATES.programme_id).where(STATES.status != "running")
    return exists().where(C.outbox_id == OUT.id, C.programme_id.in_(idle))


class ProgrammeLane:
    _session: AsyncSession

    async def claim_lane(
        self, *, now: datetime, worker: str, lease: timedelta, limit: int
    ) -> Sequence[OutboundMessage]:
        """Programme messages due now for this dispatcher, claimed like any outbox row (the
        same sending, settling and crash recovery follow); none for a chat now unreachable."""
        if limit <= 0:
            return []
        blocked = exists().where(P.telegram_id == OUT.chat_id, P.reachable == literal(False))
        query = (
            select(OutboundMessage)
            .where(
                OutboundMessage.status == PENDING,
                col(OutboundMessage.kind) == LANE_KIND,
                col(OutboundMessage.queued).is_(False),
                col(OutboundMessage.not_before) <= now,
                ~blocked,
                ~_held_back(),
            )
            .order_by(col(OutboundMessage.not_before), col(OutboundMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = (await self._session.exec(query)).all()
        for row in rows:
            row.status, row.claimed_by, row.claimed_until = CLAIMED, worker, now + lease
            self._session.add(row)
        await self._session.flush()
        return rows

    async def lane_waiting(self, *, now: datetime) -> int:
        query = core_select(func.count()).where(
            OUT.status == PENDING, OUT.kind == LANE_KIND, OUT.queued == literal(False),
            OUT.not_before <= now, ~_held_back(),
        )  # fmt: skip
        return int((await run(self._session, query)).one()[0])

    async def cancel_waiting_messages(self, *, patient_id: int) -> int:
        """Programme messages not yet sent to a patient (consent withdrawn, left, erased)."""
        chat = core_select(P.telegram_id).where(P.id == patient_id).scalar_subquery()
        statement = (
            update(OUTBOX)
            .where(OUT.chat_id == chat, OUT.kind == LANE_KIND, OUT.status == PENDING)
            .values(status="cancelled", payload={})
        )
        return int((await run(self._session, statement)).rowcount or 0)
