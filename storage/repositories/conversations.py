"""Conversation positions and the update journal.

These run on every update, so their statements are built once (bound parameters, compiled SQL
cached by SQLAlchemy) and executed on the unit of work's connection as plain SQL: no statement
is constructed, and no ORM bookkeeping is done, per turn. A turn's conversation is therefore a
detached row that `save` writes whole; nothing else keeps it in the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Conversation, ProcessedUpdate
from storage.types import utcnow

_CONVERSATIONS = Conversation.__table__  # type: ignore[attr-defined]
_JOURNAL = ProcessedUpdate.__table__  # type: ignore[attr-defined]
# The primary key first: an upsert changes every other column.
_CONVERSATION_COLUMNS = (
    "chat_id",
    *(column.name for column in _CONVERSATIONS.columns if column.name != "chat_id"),
)

_SELECT_CONVERSATION = select(_CONVERSATIONS).where(
    _CONVERSATIONS.c.chat_id == bindparam("chat_id")
)
_MARK_DONE = (
    update(_JOURNAL)
    .where(_JOURNAL.c.update_id == bindparam("key"), _JOURNAL.c.status == "pending")
    .values(status="done", handled_at=bindparam("handled_at"), payload=bindparam("empty"))
)


def _upsert(dialect: Any) -> Insert:
    statement = dialect.insert(_CONVERSATIONS)
    changed = {name: statement.excluded[name] for name in _CONVERSATION_COLUMNS[1:]}
    upsert: Insert = statement.on_conflict_do_update(index_elements=["chat_id"], set_=changed)
    return upsert


def _record(dialect: Any) -> Insert:
    record: Insert = dialect.insert(_JOURNAL).on_conflict_do_nothing()
    return record


_SAVE_CONVERSATION = {"sqlite": _upsert(sqlite), "postgresql": _upsert(postgresql)}
_RECORD_UPDATE = {"sqlite": _record(sqlite), "postgresql": _record(postgresql)}


async def _connection(session: AsyncSession) -> tuple[AsyncConnection, str]:
    connection = await session.connection()
    return connection, connection.dialect.name


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, chat_id: int) -> Conversation | None:
        connection, _ = await _connection(self._session)
        row = (await connection.execute(_SELECT_CONVERSATION, {"chat_id": chat_id})).first()
        return None if row is None else Conversation(**row._mapping)

    async def save(self, *, conversation: Conversation) -> None:
        conversation.updated_at = utcnow()
        connection, dialect = await _connection(self._session)
        values = {name: getattr(conversation, name) for name in _CONVERSATION_COLUMNS}
        await connection.execute(_SAVE_CONVERSATION[dialect], values)


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
            "handled_at": None,
        }
        connection, dialect = await _connection(self._session)
        result = await connection.execute(_RECORD_UPDATE[dialect], values)
        return bool(result.rowcount)

    async def mark_done(self, *, update_id: int) -> bool:
        """Done, and its contents dropped (no longer needed once handled). False when it was no
        longer pending: someone else handled it, and this transaction must not commit."""
        connection, _ = await _connection(self._session)
        values = {"key": update_id, "handled_at": utcnow(), "empty": {}}
        result = await connection.execute(_MARK_DONE, values)
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
