"""The staff digest's buffer: notices held while the practice is closed, gathered at opening."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import DigestNotice


class DigestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def hold(
        self,
        *,
        chat_ids: Iterable[int],
        key: str,
        params: dict[str, Any],
        due_at: datetime,
        now: datetime,
    ) -> None:
        """Keep notice `key` for each staff chat until `due_at` (written with the unit of work:
        callers outside a coroutine, the CLI's erasure, need not await)."""
        for chat_id in chat_ids:
            self._session.add(
                DigestNotice(
                    chat_id=chat_id, key=key, params=dict(params), due_at=due_at, created_at=now
                )
            )

    async def due(self, *, now: datetime, limit: int = 500) -> Sequence[DigestNotice]:
        """Notices whose opening has come, oldest first."""
        query = (
            select(DigestNotice)
            .where(col(DigestNotice.due_at) <= now)
            .order_by(col(DigestNotice.id))
            .limit(limit)
        )
        return (await self._session.exec(query)).all()

    async def discard(self, *, notice_ids: Sequence[int]) -> int:
        """Notices gathered into a digest: the digest now says them."""
        if not notice_ids:
            return 0
        statement = delete(DigestNotice).where(col(DigestNotice.id).in_(list(notice_ids)))
        result = await self._session.exec(statement)
        return int(result.rowcount or 0)
