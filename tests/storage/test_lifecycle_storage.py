"""Moves persist with their audit event, refused ones change nothing, races have one winner."""

from __future__ import annotations

import asyncio

import pytest

from flows.errors import NotFound, TransitionRefused
from flows.lifecycle import Action, Actor, move
from storage.uow import Database
from tests import clocks
from tests.factories import make_patient, make_request, make_staff


async def test_move_writes_state_and_event(database: Database) -> None:
    patient = await make_patient(database)
    staff = await make_staff(database)
    request = await make_request(database, patient=patient)
    now = clocks.now()
    async with database.uow() as uow:
        await move(
            uow, request_id=request.id, action=Action.TAKE, actor=Actor("staff", staff.id), now=now
        )
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.requests.get(request_id=request.id)
        events = await uow.requests.events(request_id=request.id)
    assert stored is not None
    assert stored.state == "in_progress"
    assert stored.first_response_at == now
    assert stored.version == 2
    assert [(e.action, e.from_state, e.to_state, e.actor_kind, e.actor_id) for e in events] == [
        ("take", "new", "in_progress", "staff", staff.id)
    ]


async def test_refused_move_changes_nothing(database: Database) -> None:
    patient = await make_patient(database)
    request = await make_request(database, patient=patient, state="closed")
    with pytest.raises(TransitionRefused):
        async with database.uow() as uow:
            await move(
                uow,
                request_id=request.id,
                action=Action.TAKE,
                actor=Actor("staff", 1),
                now=clocks.now(),
            )
            await uow.commit()
    async with database.uow() as uow:
        stored = await uow.requests.get(request_id=request.id)
        events = await uow.requests.events(request_id=request.id)
    assert stored is not None
    assert stored.state == "closed"
    assert stored.version == 1
    assert events == []


async def test_unknown_request_is_not_found(database: Database) -> None:
    async with database.uow() as uow:
        with pytest.raises(NotFound):
            await move(
                uow, request_id=999, action=Action.TAKE, actor=Actor.system(), now=clocks.now()
            )


async def test_crash_after_move_leaves_nothing(database: Database) -> None:
    """`transitions` does not roll back; the unit of work does."""
    patient = await make_patient(database)
    request = await make_request(database, patient=patient)
    with pytest.raises(RuntimeError):
        async with database.uow() as uow:
            await move(
                uow,
                request_id=request.id,
                action=Action.CANCEL,
                actor=Actor("patient", patient.id),
                now=clocks.now(),
            )
            raise RuntimeError("the notifier failed")
    async with database.uow() as uow:
        stored = await uow.requests.get(request_id=request.id)
        assert stored is not None
        assert stored.state == "new"
        assert await uow.requests.events(request_id=request.id) == []


async def test_two_staff_take_at_once_one_wins(database: Database) -> None:
    patient = await make_patient(database)
    first = await make_staff(database, name="Dott. Rossi")
    second = await make_staff(database, role="assistant", name="Anna")
    request = await make_request(database, patient=patient)

    async def take(staff_id: int | None) -> str:
        try:
            async with database.uow() as uow:
                await move(
                    uow,
                    request_id=request.id,
                    action=Action.TAKE,
                    actor=Actor("staff", staff_id),
                    now=clocks.now(),
                )
                await asyncio.sleep(0.05)  # hold the lock while the other one tries
                await uow.commit()
        except TransitionRefused as exc:
            return exc.key
        return "won"

    results = await asyncio.gather(take(first.id), take(second.id))
    assert sorted(results) == ["lifecycle.refused.in_progress", "won"]
    async with database.uow() as uow:
        events = await uow.requests.events(request_id=request.id)
    assert len(events) == 1
