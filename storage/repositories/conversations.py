"""Conversation positions and the update journal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Conversation, ProcessedUpdate
from storage.types import utcnow


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, chat_id: int) -> Conversation | None:
        return await self._session.get(Conversation, chat_id)

    async def save(self, *, conversation: Conversation) -> None:
        conversation.updated_at = utcnow()
        self._session.add(conversation)
        await self._session.flush()


class UpdateJournal:
    """Incoming updates, so none is lost between Telegram's acknowledgement and our commit."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, update_id: int) -> ProcessedUpdate | None:
        return await self._session.get(ProcessedUpdate, update_id)

    async def record(
        self, *, update_id: int, chat_id: int | None, payload: dict[str, Any]
    ) -> ProcessedUpdate | None:
        """Journal an update; None when this update_id was seen before."""
        if await self._session.get(ProcessedUpdate, update_id) is not None:
            return None
        row = ProcessedUpdate(update_id=update_id, chat_id=chat_id, payload=payload)
        self._session.add(row)
        await self._session.flush()
        return row

    async def mark_done(self, *, update_id: int) -> None:
        row = await self._session.get(ProcessedUpdate, update_id)
        if row is not None:
            row.status = "done"
            row.handled_at = utcnow()
            row.payload = {}  # contents are no longer needed once handled
            self._session.add(row)
            await self._session.flush()

    async def unfinished(self, *, limit: int = 1000) -> Sequence[ProcessedUpdate]:
        query = (
            select(ProcessedUpdate)
            .where(ProcessedUpdate.status == "pending")
            .order_by(col(ProcessedUpdate.update_id))
            .limit(limit)
        )
        return (await self._session.exec(query)).all()
