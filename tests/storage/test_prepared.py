"""The per-turn statements (`storage.prepared`) write and read what the ORM does, on SQLite and
PostgreSQL, inside the unit of work's transaction; the writer gate serves urgent work first."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.tables import Conversation, ProcessedUpdate
from storage.uow import Database, WriterGate


async def test_a_conversation_saved_whole_reads_back_through_the_orm(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.conversations.get(chat_id=7) is None
        conversation = Conversation(chat_id=7, user_id=70, flow="question", step="text")
        conversation.answers = {"text": "Posso prendere il farmaco? è urgente?", "n": [1, 2]}
        conversation.trail = ["category"]
        conversation.menu_message_id = 12
        conversation.nonce = 3
        await uow.conversations.save(conversation=conversation)
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.session.get(Conversation, 7)
        assert stored is not None
        assert (stored.flow, stored.step, stored.trail) == ("question", "text", ["category"])
        assert stored.answers == {"text": "Posso prendere il farmaco? è urgente?", "n": [1, 2]}
        assert (stored.menu_message_id, stored.nonce, stored.user_id) == (12, 3, 70)
        assert stored.updated_at.tzinfo is not None
        fast = await uow.conversations.get(chat_id=7)
        assert fast is not None
        assert fast.model_dump() == stored.model_dump()


async def test_saving_again_updates_the_same_row(database: Database) -> None:
    async with database.uow() as uow:
        await uow.conversations.save(conversation=Conversation(chat_id=8, user_id=80, step="a"))
        await uow.commit()
    async with database.uow() as uow:
        conversation = await uow.conversations.get(chat_id=8)
        assert conversation is not None
        conversation.step, conversation.answers = "b", {"x": 1}
        await uow.conversations.save(conversation=conversation)
        await uow.commit()
    async with database.uow() as uow:
        rows = (await uow.session.exec(select(Conversation))).all()
        assert [(row.chat_id, row.step, row.answers) for row in rows] == [(8, "b", {"x": 1})]


async def test_prepared_statements_roll_back_with_the_unit_of_work(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.uow() as uow:
            await uow.conversations.save(conversation=Conversation(chat_id=9, user_id=90))
            assert await uow.updates.record(update_id=5, chat_id=9, payload={"a": 1})
            raise RuntimeError("crash before the commit")
    async with database.uow() as uow:
        assert await uow.conversations.get(chat_id=9) is None
        assert await uow.updates.get(update_id=5) is None


async def test_the_journal_records_once_and_marks_done(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.updates.record(update_id=11, chat_id=1, payload={"message": {"t": "x"}})
        assert not await uow.updates.record(update_id=11, chat_id=1, payload={})
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.updates.mark_done(update_id=11)
        await uow.commit()
    async with database.uow() as uow:
        row = await uow.session.get(ProcessedUpdate, 11)
        assert row is not None
        assert (row.status, row.payload) == ("done", {})
        assert row.handled_at is not None
        # The journal's bookkeeping is on real time (storage/types.py utcnow), whatever the
        # practice's clock says: so is the comparison.
        assert row.handled_at <= datetime.now(UTC)
        # Done already (by someone else): this transaction must not keep its work.
        assert not await uow.updates.mark_done(update_id=11)


async def test_roles_tell_staff_and_acting_caregivers_apart(database: Database) -> None:
    async with database.uow() as uow:
        await uow.staff.upsert(telegram_id=500, name="Dott. Rossi", role="doctor")
        await uow.commit()
    async with database.uow() as uow:
        staff = await uow.patients.roles_of(telegram_id=500)
        someone = await uow.patients.roles_of(telegram_id=501)
    assert (staff.staff, staff.acting_caregiver) == (True, False)
    assert (someone.staff, someone.acting_caregiver) == (False, False)


async def test_the_gate_serves_urgent_work_before_queued_turns() -> None:
    gate = WriterGate()
    order: list[str] = []

    async def work(name: str, urgent: bool) -> None:
        await gate.acquire(urgent=urgent)
        order.append(name)
        await asyncio.sleep(0)
        gate.release()

    await gate.acquire()
    tasks = [asyncio.create_task(work(f"turn{n}", False)) for n in range(3)]
    tasks.append(asyncio.create_task(work("journal", True)))
    await asyncio.sleep(0)
    gate.release()
    await asyncio.gather(*tasks)
    assert order == ["journal", "turn0", "turn1", "turn2"]


async def test_a_cancelled_waiter_does_not_keep_the_gate() -> None:
    gate = WriterGate()
    await gate.acquire()
    waiting = asyncio.create_task(gate.acquire())
    after = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    gate.release()  # handed to `waiting`, which is cancelled before it runs
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.wait_for(after, 1)
    gate.release()
    await asyncio.wait_for(gate.acquire(), 1)  # free again
    gate.release()


async def test_a_unit_of_work_inside_another_is_refused() -> None:
    gate = WriterGate()
    await gate.acquire()
    with pytest.raises(RuntimeError):
        await gate.acquire(urgent=True)
    gate.release()
