"""Small helpers for programme tests: declarations, consenting patients, a plain composer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count
from typing import Any

from flows.programmes.model import Answer, EveryMonths, Programme, Segment, Step
from flows.reply import Outgoing
from flows.settings import Settings
from storage.repositories.programmes import DueStep
from storage.tables import Patient
from storage.uow import Database
from tests import clocks

# Tuesday 6 October 2026, 10:00 in Rome: inside the flu season, outside quiet hours.
TUESDAY = datetime(2026, 10, 6, 8, 0, tzinfo=UTC)
ALL = (Answer.BOOK, Answer.DONE, Answer.LATER, Answer.DECLINE)
_ids = count(5_000_000)


def diabetes(**changes: Any) -> Programme:
    values: dict[str, Any] = {
        "id": "diabetes",
        "title": "programme.diabetes.title",
        "segment": Segment(tags_any=("diabete",)),
        "recurrence": EveryMonths(6),
        "steps": (
            Step(0, "programme.diabetes.step0", ALL),
            Step(3, "programme.diabetes.step1", ALL),
            Step(7, "programme.diabetes.step2", ALL),
        ),
        "reason": "programme.diabetes.reason",
        "final_wait_days": 7,
    }
    values.update(changes)
    return Programme(**values)


def make_settings(**changes: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="sqlite+aiosqlite:///unused.db",
        practice_name="Studio Rossi",
        practice_phone="06 1234567",
        bot_username="StudioRossiBot",
        **{**clocks.HOURS, **changes},
    )


SETTINGS = make_settings()
TZ = SETTINGS.tz


def compose(due: DueStep, step: Any) -> Outgoing:
    return Outgoing(chat_id=due.telegram_id, text=f"{step.text} {due.first_name}")


async def make_patient(
    database: Database, *, tags: tuple[str, ...] = ("diabete",), consent: bool = True,
    born: date = date(1950, 3, 1), fiscal_code: str | None = "RSSMRA50C01H501X",
    now: datetime = TUESDAY, **fields: Any,
) -> Patient:  # fmt: skip
    async with database.uow() as uow:
        patient = await uow.patients.add(
            patient=Patient(telegram_id=next(_ids), first_name="Maria", birth_date=born,
                            fiscal_code=fiscal_code, registered_at=now, consent_at=now,
                            consent_version="1", **fields)
        )  # fmt: skip
        assert patient.id is not None
        if consent:
            await uow.programmes.give_prevention_consent(
                patient_id=patient.id, version="1", now=now
            )
        await uow.programmes.add_tags(pairs=[(patient.id, t) for t in tags], now=now)
        await uow.commit()
    return patient
