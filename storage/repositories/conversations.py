"""Conversation positions and the update journal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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

    async def record(self, *, update_id: int, chat_id: int | None, payload: dict[str, Any]) -> bool:
        """Journal an update in one statement; False when this update_id was seen before."""
        values = {
            "update_id": update_id,
            "chat_id": chat_id,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "received_at": utcnow(),
        }
        dialect = self._session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(ProcessedUpdate).values(**values).on_conflict_do_nothing()
        result = await self._session.exec(statement)
        return bool(result.rowcount)

    async def mark_done(self, *, update_id: int) -> bool:
        """Done, and its contents dropped (no longer needed once handled). False when it was no
        longer pending: someone else handled it, and this transaction must not commit."""
        statement = (
            update(ProcessedUpdate)
            .where(
                col(ProcessedUpdate.update_id) == update_id,
                col(ProcessedUpdate.status) == "pending",
            )
            .values(status="done", handled_at=utcnow(), payload={})
        )
        result = await self._session.exec(statement)
        if result.rowcount:
            return True
        # Updates handled without a journal row (tests driving the engine directly) are fine.
        return await self._session.get(ProcessedUpdate, update_id) is None

    async def unfinished(self, *, limit: int = 1000) -> Sequence[ProcessedUpdate]:
        query = (
            select(ProcessedUpdate)
            .where(ProcessedUpdate.status == "pending")
            .order_by(col(ProcessedUpdate.update_id))
            .limit(limit)
        )
        return (await self._session.exec(query)).all()
