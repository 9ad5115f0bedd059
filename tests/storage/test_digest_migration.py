"""Migration 0005 on a database whose outbox still holds the staff digest's buffer: the waiting
notices move to their own table, the buffer leaves the outbox, and back again on a downgrade."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, text

from storage import migrate
from storage.tables import DigestNotice
from storage.types import JSONDocument, UTCDateTime
from storage.uow import Database

OUTBOX = text(
    "INSERT INTO outbound_messages (id, idempotency_key, chat_id, payload, status, not_before, "
    "attempts, created_at, queued, night_ok) VALUES "
    "(:id, :key, :chat, :payload, :status, :due, 0, :due, :queued, :queued)"
).bindparams(bindparam("payload", type_=JSONDocument()), bindparam("due", type_=UTCDateTime()))
NEW = {"kind": "staff_notice", "key": "staff.notice.new"}
ROWS = (
    # waiting for the opening
    {"id": 1, "key": "staff_notice:a", "chat": 77, "status": "pending", "queued": False,
     "due": datetime(2026, 11, 25, 7, 30, tzinfo=UTC),
     "payload": {**NEW, "params": {"number": 4, "kind": "Domanda"}}},
    # gathered into an earlier digest
    {"id": 2, "key": "staff_notice:b", "chat": 77, "status": "sent", "queued": False,
     "due": datetime(2026, 11, 24, 7, 30, tzinfo=UTC), "payload": {**NEW, "params": {"number": 3}}},
    # a real push, untouched
    {"id": 3, "key": "reminder:9:0", "chat": 78, "status": "pending", "queued": True,
     "due": datetime(2026, 11, 25, 7, 0, tzinfo=UTC), "payload": {"text": "Ramipril"}},
)  # fmt: skip


async def test_waiting_notices_move_to_their_table_and_back(empty_database: Database) -> None:
    engine = empty_database.engine
    await migrate.upgrade(engine, "0004")
    async with engine.begin() as connection:
        await connection.execute(OUTBOX, list(ROWS))
    await migrate.upgrade(engine, "0005")
    async with empty_database.uow() as uow:
        notices = await uow.digest.due(now=datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    assert [(n.chat_id, n.key, n.params) for n in notices] == [
        (77, "staff.notice.new", {"number": 4, "kind": "Domanda"})
    ]
    assert notices[0].due_at == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    assert isinstance(notices[0], DigestNotice)
    async with engine.connect() as connection:
        left = (await connection.execute(text("SELECT id FROM outbound_messages"))).all()
    assert [row[0] for row in left] == [3]

    await migrate.downgrade(engine, "0004")
    async with engine.connect() as connection:
        back = (
            await connection.execute(
                text(
                    "SELECT chat_id, status, queued FROM outbound_messages "
                    "WHERE idempotency_key LIKE 'staff_notice:%'"
                )
            )
        ).all()
    assert [(row[0], row[1], bool(row[2])) for row in back] == [(77, "pending", False)]
    await migrate.upgrade(engine)
    async with empty_database.uow() as uow:
        again = await uow.digest.due(now=datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    assert [(n.chat_id, n.key) for n in again] == [(77, "staff.notice.new")]
