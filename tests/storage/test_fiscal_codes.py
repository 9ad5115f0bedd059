"""Who else holds a fiscal code: only registered patients count (a half-finished registration
holds none)."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.uow import Database
from tests.factories import make_patient

CODE = "BNCMRA80A41H501E"
OTHER = "RSSMRA80A01H501U"


async def test_registered_holders_of_fiscal_codes(database: Database) -> None:
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    first = await make_patient(database, fiscal_code=CODE, registered_at=now)
    second = await make_patient(database, fiscal_code=CODE, registered_at=now)
    await make_patient(database, fiscal_code=CODE)  # never finished registering
    other = await make_patient(database, fiscal_code=OTHER, registered_at=now)
    async with database.uow() as uow:
        holders = await uow.patients.registered_with_fiscal_codes(codes=[CODE, CODE])
        assert sorted(holders) == [(first.id, CODE), (second.id, CODE)]
        assert await uow.patients.registered_with_fiscal_codes(codes=[OTHER]) == [(other.id, OTHER)]
        assert await uow.patients.registered_with_fiscal_codes(codes=[]) == []
