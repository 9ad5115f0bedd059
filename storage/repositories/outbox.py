"""The outbox: messages waiting to be pushed, claimed by a dispatcher, sent at most once.

A row moves pending -> claimed (taken by one dispatcher, not yet tried) -> sending (the call to
Telegram is about to be made) -> sent, or back to pending to retry later. A claim that outlives
its dispatcher is safe to hand back while it is only `claimed`; once `sending`, nobody can know
whether Telegram got it, so it becomes `uncertain` and is never sent again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import OutboundMessage

PENDING = "pending"
CLAIMED = "claimed"
SENDING = "sending"
SENT = "sent"
UNCERTAIN = "uncertain"


async def insert_ignoring(
    session: AsyncSession, model: type[Any], rows: Sequence[dict[str, Any]], *, key: str
) -> int:
    """Insert rows, skipping those whose unique `key` exists already; how many were new."""
    if not rows:
        return 0
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(list(rows)).on_conflict_do_nothing(index_elements=[key])
    result = await session.exec(statement)
    await session.flush()
    return int(result.rowcount or 0)


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, *, rows: Sequence[dict[str, Any]]) -> int:
        """Queue messages; a key already queued is skipped (so planning twice sends once)."""
        return await insert_ignoring(self._session, OutboundMessage, rows, key="idempotency_key")

    def put(self, *, message: OutboundMessage) -> None:
        """Queue one message built whole, its key new by construction; written with the unit
        of work's next flush or commit."""
        self._session.add(message)

    async def claim(
        self, *, now: datetime, worker: str, lease: timedelta, limit: int, night: bool
    ) -> Sequence[OutboundMessage]:
        """Take up to `limit` due rows for this dispatcher. On PostgreSQL, rows another worker
        holds are skipped, not waited for; SQLite's write lock already makes this exclusive."""
        query = (
            select(OutboundMessage)
            .where(
                OutboundMessage.status == PENDING,
                col(OutboundMessage.not_before) <= now,
                col(OutboundMessage.queued).is_(True),
            )
            .order_by(col(OutboundMessage.not_before), col(OutboundMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if night:
            query = query.where(col(OutboundMessage.night_ok).is_(True))
        rows = (await self._session.exec(query)).all()
        for row in rows:
            row.status = CLAIMED
            row.claimed_by = worker
            row.claimed_until = now + lease
            self._session.add(row)
        await self._session.flush()
        return rows

    async def start_sending(self, *, row_id: int, worker: str) -> OutboundMessage | None:
        """The last step before the call to Telegram; None if the claim is no longer ours."""
        row = await self._session.get(OutboundMessage, row_id, with_for_update=True)
        if row is None or row.status != CLAIMED or row.claimed_by != worker:
            return None
        row.status = SENDING
        row.attempts += 1
        self._session.add(row)
        await self._session.flush()
        return row

    async def get(self, *, row_id: int) -> OutboundMessage | None:
        return await self._session.get(OutboundMessage, row_id)

    async def save(self, *, row: OutboundMessage) -> None:
        self._session.add(row)
        await self._session.flush()

    async def save_all(self, *, rows: Iterable[OutboundMessage]) -> None:
        """Written with the unit of work's next flush or commit, in one batch."""
        self._session.add_all(list(rows))

    async def abandoned(
        self, *, now: datetime, worker: str, leading: bool = False, limit: int = 500
    ) -> Sequence[OutboundMessage]:
        """Claims another dispatcher left: all of them when this one leads (whoever led before
        is gone), else only those whose lease ran out."""
        query = (
            select(OutboundMessage)
            .where(
                col(OutboundMessage.status).in_((CLAIMED, SENDING)),
                col(OutboundMessage.claimed_by) != worker,
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if not leading:
            query = query.where(col(OutboundMessage.claimed_until) < now)
        return (await self._session.exec(query)).all()

    async def unclaim(self, *, worker: str) -> int:
        """Hand back this dispatcher's untried claims (on a clean shutdown)."""
        statement = (
            update(OutboundMessage)
            .where(
                col(OutboundMessage.status) == CLAIMED, col(OutboundMessage.claimed_by) == worker
            )
            .values(status=PENDING, claimed_by=None, claimed_until=None)
        )
        result = await self._session.exec(statement)
        return int(result.rowcount or 0)

    async def drop_pending_for_chat(self, *, chat_id: int, status: str) -> int:
        """Give up on everything still waiting for a chat that cannot be reached."""
        statement = (
            update(OutboundMessage)
            .where(
                col(OutboundMessage.chat_id) == chat_id,
                col(OutboundMessage.status) == PENDING,
                col(OutboundMessage.queued).is_(True),
            )
            .values(status=status, payload={})
        )
        result = await self._session.exec(statement)
        return int(result.rowcount or 0)

    async def next_due(self, *, night: bool) -> datetime | None:
        query = select(func.min(OutboundMessage.not_before)).where(
            OutboundMessage.status == PENDING, col(OutboundMessage.queued).is_(True)
        )
        if night:
            query = query.where(col(OutboundMessage.night_ok).is_(True))
        return (await self._session.exec(query)).one()

    async def queued_keys(self, *, keys: Sequence[str]) -> set[str]:
        """Which of `keys` are already in the outbox, whatever became of them."""
        if not keys:
            return set()
        query = select(OutboundMessage.idempotency_key).where(
            col(OutboundMessage.idempotency_key).in_(list(keys))
        )
        return set((await self._session.exec(query)).all())

    async def for_reminder(self, *, reminder_id: int) -> Sequence[OutboundMessage]:
        query = select(OutboundMessage).where(OutboundMessage.reminder_id == reminder_id)
        return (await self._session.exec(query)).all()

    async def shown_by_reply(self, *, key: str, message_id: int, now: datetime) -> bool:
        """A held row the turn's own reply delivered: sent, so the dispatcher never sends it.
        False when it was no longer waiting (the dispatcher got to it first)."""
        statement = (
            update(OutboundMessage)
            .where(
                col(OutboundMessage.idempotency_key) == key,
                col(OutboundMessage.status) == PENDING,
            )
            .values(
                status=SENT, payload={}, sent_at=now, telegram_message_id=message_id,
                last_error=None,
            )
        )  # fmt: skip
        result = await self._session.exec(statement)
        return bool(result.rowcount)

    async def release_held(
        self, *, now: datetime, keys: Sequence[str] = (), kind: str | None = None,
        created_before: datetime | None = None,
    ) -> int:  # fmt: skip
        """Held rows (pending, due later) made due now: the given keys (a reply that could not
        deliver them), or every row of `kind` created before a moment (a reply that died)."""
        query = update(OutboundMessage).where(
            col(OutboundMessage.status) == PENDING, col(OutboundMessage.not_before) > now
        )
        if keys:
            query = query.where(col(OutboundMessage.idempotency_key).in_(list(keys)))
        elif kind is not None and created_before is not None:
            query = query.where(
                col(OutboundMessage.kind) == kind, col(OutboundMessage.created_at) < created_before
            )
        else:
            return 0
        result = await self._session.exec(query.values(not_before=now))
        return int(result.rowcount or 0)
