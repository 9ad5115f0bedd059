"""Small factory helpers for tests, instead of fixture mountains."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from storage.tables import Patient, Request, Staff
from storage.uow import Database
from tests import clocks

_ids = count(1_000_000)


async def make_patient(database: Database, **fields: Any) -> Patient:
    values: dict[str, Any] = {
        "telegram_id": next(_ids),
        "first_name": "Maria",
        "last_name": "Bianchi",
        "verification": "verified",
    }
    values.update(fields)
    async with database.uow() as uow:
        patient = await uow.patients.add(patient=Patient(**values))
        await uow.commit()
    return patient


async def make_staff(
    database: Database, *, role: str = "doctor", name: str = "Dott. Rossi"
) -> Staff:
    async with database.uow() as uow:
        staff, _ = await uow.staff.upsert(telegram_id=next(_ids), name=name, role=role)
        await uow.commit()
    return staff


async def make_request(
    database: Database, *, patient: Patient, kind: str = "prescription", state: str = "new"
) -> Request:
    now = clocks.now()
    assert patient.id is not None
    async with database.uow() as uow:
        request = await uow.requests.add(
            request=Request(
                kind=kind,
                state=state,
                patient_id=patient.id,
                answers={"medicine": "Ramipril"},
                created_at=now,
                due_at=now + timedelta(days=2),
            )
        )
        await uow.commit()
    return request
