"""Migration 0004 on a database that already has therapies, reminders and queued messages."""

from __future__ import annotations

from sqlalchemy import text

from storage import migrate
from storage.uow import Database

ROWS = (
    "INSERT INTO patients (id, telegram_id, verification, language, reachable, created_at) "
    "VALUES (1, 77, 'verified', 'it', true, '2026-11-01 08:00:00')",
    "INSERT INTO therapies (id, patient_id, medicine, times, weekdays, start_date, active, "
    "paused, created_at) VALUES (1, 1, 'Ramipril', '[\"08:00\"]', '[]', '2026-11-01', true, "
    "false, '2026-11-01 08:00:00')",
    "INSERT INTO reminders (id, kind, idempotency_key, patient_id, therapy_id, due_at, status, "
    "created_at) VALUES (1, 'therapy_dose', 'dose:1', 1, 1, '2026-11-02 07:00:00', 'scheduled', "
    "'2026-11-01 08:00:00')",
    "INSERT INTO outbound_messages (id, idempotency_key, chat_id, payload, status, not_before, "
    "attempts, created_at) VALUES (1, 'staff_notice:1', 77, '{}', 'pending', "
    "'2026-11-01 08:00:00', 0, '2026-11-01 08:00:00')",
)


async def test_upgrade_keeps_existing_rows(empty_database: Database) -> None:
    engine = empty_database.engine
    await migrate.upgrade(engine, "0003")
    async with engine.begin() as connection:
        for statement in ROWS:
            await connection.execute(text(statement))
    await migrate.upgrade(engine, "0004")
    async with engine.connect() as connection:
        therapy = (await connection.execute(text("SELECT added_by FROM therapies"))).one()
        reminder = (await connection.execute(text("SELECT snoozes, payload FROM reminders"))).one()
        message = (
            await connection.execute(text("SELECT queued, night_ok FROM outbound_messages"))
        ).one()
    assert therapy == ("patient",)
    assert reminder[0] == 0
    assert reminder[1] in ({}, "{}")
    assert (bool(message[0]), bool(message[1])) == (False, False)  # staff digests stay the tick's
    await migrate.downgrade(engine, "0003")
    await migrate.upgrade(engine)
