"""Migration 0005 on a database whose outbox still holds the staff digest's buffer: the waiting
notices move to their own table, the buffer leaves the outbox, and back again on a downgrade."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from storage import migrate
from storage.tables import DigestNotice
from storage.uow import Database

OUTBOX = (
    "INSERT INTO outbound_messages (id, idempotency_key, chat_id, payload, status, not_before, "
    "attempts, created_at, queued, night_ok) VALUES "
    # waiting for the opening
    "(1, 'staff_notice:a', 77, '{\"kind\": \"staff_notice\", \"key\": \"staff.notice.new\", "
    "\"params\": {\"number\": 4, \"kind\": \"Domanda\"}}', 'pending', '2026-11-25 07:30:00', 0, "
    "'2026-11-24 21:00:00', false, false), "
    # gathered into an earlier digest
    "(2, 'staff_notice:b', 77, '{\"kind\": \"staff_notice\", \"key\": \"staff.notice.new\", "
    "\"params\": {\"number\": 3}}', 'sent', '2026-11-24 07:30:00', 0, '2026-11-23 21:00:00', "
    "false, false), "
    # a real push, untouched
    "(3, 'reminder:9:0', 78, '{\"text\": \"Ramipril\"}', 'pending', '2026-11-25 07:00:00', 0, "
    "'2026-11-24 21:00:00', true, true)"
)


async def test_waiting_notices_move_to_their_table_and_back(empty_database: Database) -> None:
    engine = empty_database.engine
    await migrate.upgrade(engine, "0004")
    async with engine.begin() as connection:
        await connection.execute(text(OUTBOX))
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
