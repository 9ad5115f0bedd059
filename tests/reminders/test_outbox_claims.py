"""Row claims on SQLite and PostgreSQL: two dispatchers never hold the same row, a key is
queued once, and a dead dispatcher's claims come back (or become uncertain)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.repositories.outbox import OutboxRepository
from storage.tables import OutboundMessage
from storage.uow import Database

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def rows(count: int) -> list[dict[str, object]]:
    return [
        {
            "idempotency_key": f"test:{n}",
            "chat_id": 1000 + n,
            "payload": {"text": "x"},
            "status": "pending",
            "not_before": NOW,
            "attempts": 0,
            "created_at": NOW,
            "queued": True,
            "night_ok": True,
        }
        for n in range(count)
    ]


async def test_a_key_is_queued_once(database: Database) -> None:
    async with database.uow() as uow:
        assert await OutboxRepository(uow.session).add(rows=rows(5)) == 5
        assert await OutboxRepository(uow.session).add(rows=rows(6)) == 1
        await uow.commit()


async def test_two_dispatchers_claim_disjoint_rows(database: Database) -> None:
    async with database.uow() as uow:
        await OutboxRepository(uow.session).add(rows=rows(40))
        await uow.commit()

    async def claim(worker: str) -> set[int]:
        taken: set[int] = set()
        while True:
            async with database.uow() as uow:
                claimed = await OutboxRepository(uow.session).claim(
                    now=NOW, worker=worker, lease=timedelta(minutes=5), limit=7, night=False
                )
                await asyncio.sleep(0.01)  # hold the rows a moment, as a real claim does
                await uow.commit()
            if not claimed:
                return taken
            taken |= {row.id for row in claimed if row.id is not None}

    first, second = await asyncio.gather(claim("a"), claim("b"))
    assert not first & second
    assert len(first | second) == 40


async def test_dead_claims_come_back_or_become_uncertain(database: Database) -> None:
    async with database.uow() as uow:
        outbox = OutboxRepository(uow.session)
        await outbox.add(rows=rows(2))
        claimed = await outbox.claim(
            now=NOW, worker="dead", lease=timedelta(minutes=1), limit=2, night=False
        )
        assert await outbox.start_sending(row_id=claimed[0].id or 0, worker="dead") is not None
        await uow.commit()
    later = NOW + timedelta(minutes=2)
    async with database.uow() as uow:
        outbox = OutboxRepository(uow.session)
        assert await outbox.abandoned(now=NOW, worker="alive") == []
        found = await outbox.abandoned(now=later, worker="alive")
        assert sorted(row.status for row in found) == ["claimed", "sending"]
        assert await outbox.abandoned(now=later, worker="dead") == []
    async with database.uow() as uow:
        assert await OutboxRepository(uow.session).unclaim(worker="dead") == 1
        await uow.commit()
        rows_now = await uow.session.get(OutboundMessage, claimed[1].id)
        assert rows_now is not None
