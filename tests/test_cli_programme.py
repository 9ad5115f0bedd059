"""`frontdesk programme ...` and `frontdesk patients import` as an admin uses them: real
processes, a real database file."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from flows.parsing import fiscal_code_check_char
from storage.tables import Patient, PatientTag
from storage.uow import Database
from tests.test_cli import frontdesk

pytestmark = pytest.mark.slow  # a process per command
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def code(prefix: str) -> str:
    first15 = f"{prefix}80A01H501"
    return first15 + fiscal_code_check_char(first15)


MARIA, LUCA, GINO = code("BNCMRA"), code("VRDLCU"), code("RSSGNI")
NOBODY = code("NSSNNN")


async def _seed(path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.uow() as uow:
            for telegram_id, name, fiscal_code in ((501, "Maria", MARIA), (502, "Luca", LUCA)):
                patient = await uow.patients.add(
                    patient=Patient(
                        telegram_id=telegram_id, first_name=name, last_name="Bianchi",
                        birth_date=date(1980, 1, 1), fiscal_code=fiscal_code,
                        consent_version="2026-11", consent_at=NOW, registered_at=NOW,
                    )
                )  # fmt: skip
                assert patient.id is not None
                await uow.programmes.give_prevention_consent(
                    patient_id=patient.id, version="2026-11", now=NOW
                )
            await uow.programmes.add_tags(pairs=[(2, "fragile")], now=NOW)
            await uow.commit()
    finally:
        await database.dispose()


async def _tags(path: Path) -> set[tuple[int, str]]:
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.uow() as uow:
            rows = (await uow.session.exec(select(PatientTag))).all()
        return {(row.patient_id, row.tag) for row in rows}
    finally:
        await database.dispose()


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    assert frontdesk(tmp_path, "db", "upgrade").returncode == 0
    asyncio.run(_seed(tmp_path / "frontdesk.db"))
    return tmp_path


def test_validate_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('tags = ["celiachia"]\n\n[[programme]]\nid = "flu"\nenabled = false\n')
    result = frontdesk(tmp_path, "programme", "validate", str(good))
    assert result.returncode == 0, result.stderr
    assert "OK, 4 programmes, 8 tags" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[programme]]\nid = "diabetes"\ncolour = "red"\n\n[[programme.step]]\nday = 0\n'
        'text = "programme.diabetes.invite.1"\n',
        encoding="utf-8",
    )
    result = frontdesk(tmp_path, "programme", "validate", str(bad), FRONTDESK_DEFAULT_LANGUAGE="en")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{bad}:3: programme “diabetes”: unknown field “colour”")
    assert lines[1].startswith(f"{bad}:5: programme “diabetes”, step 1: a step without buttons")
    assert lines[2] == f"frontdesk: {bad}: 2 problem(s); nothing was changed"


def test_import_dry_run_then_for_real(practice: Path) -> None:
    sheet = practice / "tags.csv"
    sheet.write_bytes(
        ("\ufeffCodice fiscale;Patologie\n"
         f"{MARIA};diabete, ipertensione\n{LUCA};\n{NOBODY};BPCO\n").encode()
    )  # fmt: skip
    dry = frontdesk(practice, "patients", "import", str(sheet), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"  {MARIA}: +diabete +ipertensione" in dry.stdout
    assert f"  {LUCA}: -fragile" in dry.stdout
    assert NOBODY in dry.stdout
    assert "Would change 2 patients (2 tags added, 1 removed)" in dry.stdout
    assert asyncio.run(_tags(practice / "frontdesk.db")) == {(2, "fragile")}

    done = frontdesk(practice, "patients", "import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "Changed 2 patients" in done.stdout
    assert asyncio.run(_tags(practice / "frontdesk.db")) == {(1, "diabete"), (1, "ipertensione")}


def test_a_bad_csv_changes_nothing(practice: Path) -> None:
    sheet = practice / "tags.csv"
    sheet.write_text(f"{MARIA},diabete\n{LUCA},diabetes\n{MARIA},BPCO\n", encoding="latin-1")
    result = frontdesk(practice, "patients", "import", str(sheet), FRONTDESK_DEFAULT_LANGUAGE="en")
    assert result.returncode == 1
    assert "tags.csv:2: unknown tag “diabetes”" in result.stderr
    assert f"tags.csv:3: codice fiscale {MARIA} already on line 1" in result.stderr
    assert "nothing was changed" in result.stderr
    assert asyncio.run(_tags(practice / "frontdesk.db")) == {(2, "fragile")}
    binary = practice / "tags.xlsx"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    result = frontdesk(practice, "patients", "import", str(binary))
    assert result.returncode == 1
    assert "tags.xlsx:" in result.stderr


def test_list_preview_start_pause_and_stats(practice: Path) -> None:
    sheet = practice / "tags.csv"
    sheet.write_text(f"{MARIA};diabete\n")
    assert frontdesk(practice, "patients", "import", str(sheet)).returncode == 0
    listed = frontdesk(practice, "programme", "list")
    assert listed.returncode == 0, listed.stderr
    assert "diabetes" in listed.stdout
    assert "draft" in listed.stdout
    preview = frontdesk(practice, "programme", "preview", "diabetes")
    assert preview.returncode == 0, preview.stderr
    assert "1 would be invited now" in preview.stdout
    started = frontdesk(practice, "programme", "start", "diabetes", "--yes")
    assert started.returncode == 0, started.stderr
    assert "cycle 1, 1 patients enrolled" in started.stdout
    assert frontdesk(practice, "programme", "pause", "diabetes").returncode == 0
    again = frontdesk(practice, "programme", "pause", "diabetes")
    assert again.returncode == 1
    assert "is paused" in again.stderr
    stats = frontdesk(practice, "programme", "stats", "diabetes", "--format", "csv")
    assert stats.returncode == 0, stats.stderr
    rows = {
        (r["section"], r["name"]): r["count"] for r in csv.DictReader(io.StringIO(stats.stdout))
    }
    # Aggregates only: one patient is a figure over fewer than 5, so it reads "< 5".
    assert rows[("stage", "eligible")] == "< 5"
    assert rows[("stage", "booked")] == "0"
    unknown = frontdesk(practice, "programme", "preview", "nope")
    assert unknown.returncode == 1
    assert "no programme 'nope'" in unknown.stderr
