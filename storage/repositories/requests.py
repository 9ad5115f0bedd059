"""Requests and their audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Attachment, Request, RequestEvent


class RequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, request_id: int, for_update: bool = False) -> Request | None:
        """`for_update` takes a row lock on PostgreSQL; SQLite's write lock is already held."""
        query = select(Request).where(Request.id == request_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.exec(query)).first()

    async def add(self, *, request: Request) -> Request:
        self._session.add(request)
        await self._session.flush()
        return request

    async def save(self, *, request: Request) -> None:
        self._session.add(request)
        await self._session.flush()

    async def add_event(self, *, event: RequestEvent) -> RequestEvent:
        self._session.add(event)
        await self._session.flush()
        return event

    async def events(self, *, request_id: int) -> Sequence[RequestEvent]:
        query = (
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(col(RequestEvent.at), col(RequestEvent.id))
        )
        return (await self._session.exec(query)).all()

    async def add_attachment(self, *, attachment: Attachment) -> Attachment:
        self._session.add(attachment)
        await self._session.flush()
        return attachment

    async def attachments(self, *, request_id: int) -> Sequence[Attachment]:
        query = (
            select(Attachment)
            .where(Attachment.request_id == request_id)
            .order_by(col(Attachment.id))
        )
        return (await self._session.exec(query)).all()

    async def for_patient(self, *, patient_id: int, limit: int = 20) -> Sequence[Request]:
        query = (
            select(Request)
            .where(Request.patient_id == patient_id)
            .order_by(col(Request.created_at).desc(), col(Request.id).desc())
            .limit(limit)
        )
        return (await self._session.exec(query)).all()

    async def count_created_since(self, *, patient_id: int, since: datetime) -> int:
        query = select(func.count()).where(
            Request.patient_id == patient_id, col(Request.created_at) >= since
        )
        return (await self._session.exec(query)).one()
