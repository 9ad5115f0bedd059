"""`frontdesk patient export|erase` as an admin uses them: real processes, a real database file."""

from __future__ import annotations

import asyncio
import json
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from storage.tables import DigestNotice, Patient, Request
from storage.uow import Database
from tests.test_cli import frontdesk

pytestmark = pytest.mark.slow  # a process per command
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


async def _seed(path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.uow() as uow:
            await uow.staff.upsert(telegram_id=42, name="Dott. Rossi", role="doctor")
            patient = await uow.patients.add(
                patient=Patient(
                    telegram_id=501,
                    first_name="Maria",
                    last_name="Bianchi",
                    birth_date=date(1980, 1, 1),
                    fiscal_code="BNCMRA80A41H501E",
                    phone="+393331234567",
                    consent_version="2026-11",
                    consent_at=NOW,
                    registered_at=NOW,
                )
            )
            assert patient.id is not None
            await uow.requests.add(
                request=Request(
                    kind="question",
                    patient_id=patient.id,
                    answers={"text": "Posso prendere la Tachipirina?"},
                    created_at=NOW,
                    due_at=NOW,
                )
            )
            await uow.commit()
    finally:
        await database.dispose()


async def _read(path: Path) -> tuple[list[Patient], list[Request], list[DigestNotice]]:
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.uow() as uow:
            patients = list((await uow.session.exec(select(Patient))).all())
            requests = list((await uow.session.exec(select(Request))).all())
            notices = list((await uow.session.exec(select(DigestNotice))).all())
        return patients, requests, notices
    finally:
        await database.dispose()


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    assert frontdesk(tmp_path, "db", "upgrade").returncode == 0
    asyncio.run(_seed(tmp_path / "frontdesk.db"))
    return tmp_path


def test_export_prints_everything_held(practice: Path) -> None:
    result = frontdesk(practice, "patient", "export", "501")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["patient"]["fiscal_code"] == "BNCMRA80A41H501E"
    assert data["requests"][0]["answers"]["text"] == "Posso prendere la Tachipirina?"


def test_export_to_a_file_only_its_owner_can_read(practice: Path) -> None:
    result = frontdesk(practice, "patient", "export", "501", "--output", "maria.json")
    assert result.returncode == 0, result.stderr
    written = practice / "maria.json"
    assert json.loads(written.read_text())["patient"]["first_name"] == "Maria"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "Maria" not in result.stdout


def test_erase_needs_yes(practice: Path) -> None:
    result = frontdesk(practice, "patient", "erase", "501")
    assert result.returncode == 2
    assert result.stderr.strip() == "frontdesk: an erasure cannot be undone: add --yes to confirm"
    patients, _, _ = asyncio.run(_read(practice / "frontdesk.db"))
    assert patients[0].first_name == "Maria"


def test_erase_anonymises_and_tells_staff(practice: Path) -> None:
    result = frontdesk(practice, "patient", "erase", "501", "--yes")
    assert result.returncode == 0, result.stderr
    assert "anonymous patient no. 1" in result.stdout
    patients, requests, notices = asyncio.run(_read(practice / "frontdesk.db"))
    (patient,) = patients
    assert (patient.first_name, patient.last_name, patient.fiscal_code, patient.phone) == (
        None, None, None, None
    )  # fmt: skip
    assert patient.telegram_id < 0
    assert requests[0].answers == {}
    assert requests[0].kind == "question"  # what the KPIs count stays
    (notice,) = notices
    assert notice.chat_id == 42
    assert notice.key == "staff.notice.erased"
    assert notice.params == {"patient": 1, "requests": "#1", "appointments": 0}
    again = frontdesk(practice, "patient", "export", "501")
    assert again.returncode == 1
    assert again.stderr.strip() == "frontdesk: no patient with Telegram id 501"


@pytest.mark.parametrize("command", ["export", "erase"])
def test_unknown_patient_is_one_line(practice: Path, command: str) -> None:
    result = frontdesk(practice, "patient", command, "777", "--yes" if command == "erase" else "")
    assert result.returncode in (1, 2)
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("frontdesk: ")


@pytest.mark.parametrize("args", [("export", "abc"), ("export", "0"), ("erase", "-5", "--yes")])
def test_bad_ids_get_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = frontdesk(tmp_path, "patient", *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_patient_commands_need_a_migrated_database(tmp_path: Path) -> None:
    result = frontdesk(tmp_path, "patient", "export", "501")
    assert result.returncode == 1
    assert "frontdesk db upgrade" in result.stderr
