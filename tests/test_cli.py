"""The `frontdesk` CLI as an admin uses it: real processes, a real database file."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import clocks

pytestmark = pytest.mark.slow  # a process per command
FRONTDESK = [sys.executable, "-c", "from bot.cli import main; main()"]


def frontdesk(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))
    }
    environment["PYTHONPATH"] = str(Path(__file__).parents[1])
    environment.update(clocks.environment())  # the test's moment, not the one the run began at
    environment.update(env)
    return subprocess.run(
        [*FRONTDESK, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=60
    )


def test_upgrade_then_staff_add_and_list(tmp_path: Path) -> None:
    result = frontdesk(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "frontdesk.db").exists()
    added = frontdesk(tmp_path, "staff", "add", "42", "--role", "doctor", "--name", "Dott. Rossi")
    assert added.returncode == 0, added.stderr
    assert "Added" in added.stdout
    again = frontdesk(tmp_path, "staff", "add", "42", "--role", "admin", "--name", "Dott. Rossi")
    assert again.returncode == 0
    assert "Updated" in again.stdout
    listed = frontdesk(tmp_path, "staff", "list")
    assert listed.returncode == 0
    assert "42" in listed.stdout
    assert "Dott. Rossi" in listed.stdout
    assert "admin" in listed.stdout
    removed = frontdesk(tmp_path, "staff", "remove", "42")
    assert removed.returncode == 0
    assert "Dott. Rossi" not in frontdesk(tmp_path, "staff", "list").stdout


@pytest.mark.parametrize(
    "args",
    [
        ("staff", "add", "abc", "--role", "doctor", "--name", "X"),
        ("staff", "add", "0", "--role", "doctor", "--name", "X"),
        ("staff", "add", "5", "--role", "nurse", "--name", "X"),
        ("staff", "add", "5", "--role", "doctor"),
        ("staff", "add", "5", "--role", "doctor", "--name", "   "),
        ("bogus",),
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = frontdesk(tmp_path, *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("frontdesk: ")
    assert "Traceback" not in result.stderr


def test_staff_commands_need_a_migrated_database(tmp_path: Path) -> None:
    result = frontdesk(tmp_path, "staff", "list")
    assert result.returncode == 1
    assert "frontdesk db upgrade" in result.stderr


def test_removing_unknown_staff_fails_clearly(tmp_path: Path) -> None:
    frontdesk(tmp_path, "db", "upgrade")
    result = frontdesk(tmp_path, "staff", "remove", "999")
    assert result.returncode == 1
    assert result.stderr.strip() == "frontdesk: no active staff member with Telegram id 999"


def test_bad_setting_is_one_line(tmp_path: Path) -> None:
    result = frontdesk(tmp_path, "db", "upgrade", DATABASE_URL="mysql://x")
    assert result.returncode == 2
    assert result.stderr.startswith("frontdesk: setting DATABASE_URL")
    assert len(result.stderr.strip().splitlines()) == 1


SANDBOX_OPTION = "--database sqlite+aiosqlite:///./sandbox.db"


def test_a_stale_schema_names_the_database_and_points_at_the_sandbox(tmp_path: Path) -> None:
    assert frontdesk(tmp_path, "--database", "sandbox.db", "db", "upgrade").returncode == 0
    result = frontdesk(tmp_path, "staff", "list")  # frontdesk.db: created empty, never upgraded
    assert result.returncode == 1
    assert result.stderr.startswith("frontdesk: frontdesk.db: the database schema is not up to")
    assert f"(the sandbox's data is in sandbox.db: add {SANDBOX_OPTION})" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    opened = frontdesk(tmp_path, *SANDBOX_OPTION.split(), "staff", "list")
    assert opened.returncode == 0, opened.stderr
    assert "No staff yet" in opened.stdout
    current = frontdesk(tmp_path, "--database", "sandbox.db", "db", "current")
    assert current.stdout.startswith("sandbox.db: database schema at revision")


def test_no_sandbox_hint_without_a_sandbox_database(tmp_path: Path) -> None:
    result = frontdesk(tmp_path, "staff", "list")
    assert result.returncode == 1
    assert "frontdesk.db:" in result.stderr
    assert "sandbox" not in result.stderr


@pytest.mark.parametrize("value", ["mysql://x", "./no-such-folder/x.db", ".", ""])
def test_a_bad_database_option_is_one_line(tmp_path: Path, value: str) -> None:
    result = frontdesk(tmp_path, "--database", value, "staff", "list")
    assert result.returncode == 2
    assert result.stderr.startswith("frontdesk: ")
    assert "--database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_postgresql_password_is_never_printed(tmp_path: Path) -> None:
    url = "postgresql://frontdesk:s3cret-pass@127.0.0.1:1/frontdesk"  # nothing listens on port 1
    for env, args in (({}, ("--database", url)), ({"DATABASE_URL": url}, ())):
        result = frontdesk(tmp_path, *args, "staff", "list", **env)
        assert result.returncode == 1
        assert "s3cret" not in result.stdout + result.stderr
        assert "frontdesk:***@127.0.0.1:1/frontdesk: cannot reach the database" in result.stderr


async def _sandbox_database(
    path: Path, *, shift: timedelta | None = None, dose_at: Any = None
) -> None:
    """The sandbox's database: its clock's recorded `shift`, or a dose delivered and taken."""
    from flows.stats import CLOCK_SHIFT_SETTING
    from storage import migrate
    from storage.tables import Reminder
    from storage.uow import Database

    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await migrate.upgrade(database.engine)
        async with database.uow() as uow:
            if shift is not None:
                seconds = int(shift.total_seconds())
                await uow.settings.put(key=CLOCK_SHIFT_SETTING, value=seconds)
            if dose_at is not None:
                uow.session.add(
                    Reminder(kind="therapy_dose", idempotency_key="dose:1", due_at=dose_at,
                             status="answered", answer="taken", sent_at=dose_at,
                             answered_at=dose_at)
                )  # fmt: skip
            await uow.commit()
    finally:
        await database.dispose()


def test_the_report_counts_up_to_the_sandbox_clock_as_stats_does(tmp_path: Path) -> None:
    from flows.settings import Settings

    database = tmp_path / "sandbox.db"
    asyncio.run(_sandbox_database(database, shift=timedelta(days=2)))
    empty = frontdesk(tmp_path, "--database", "sandbox.db", "report", "--format", "csv")
    assert empty.returncode == 0, empty.stderr
    assert "reminders_delivered,,0\n" in empty.stdout
    said = re.fullmatch(
        r"sandbox\.db: its clock is ahead \(time travel\): the report counts up to "
        r"(\d\d/\d\d/\d{4} \d\d:\d\d)\.\n",
        empty.stderr,
    )
    assert said is not None, empty.stderr
    tz = Settings(_env_file=None).tz  # type: ignore[call-arg]
    ahead = datetime.strptime(said[1], "%d/%m/%Y %H:%M").replace(tzinfo=tz)
    # A dose the sandbox delivered a day after the real (or the configured) clock's now.
    asyncio.run(_sandbox_database(database, dose_at=ahead - timedelta(days=1)))
    csv = frontdesk(tmp_path, "--database", "sandbox.db", "report", "--format", "csv")
    assert "reminders_delivered,,1\n" in csv.stdout
    assert "doses_taken,,1\n" in csv.stdout
    assert "dose_adherence_rate,,1.00\n" in csv.stdout
    page = frontdesk(tmp_path, "--database", "sandbox.db", "report", "--format", "html")
    assert page.returncode == 0, page.stderr
    assert "Promemoria: consegnati 100% (1 su 1)" in page.stdout  # /stats's own line


def test_a_bad_clock_is_one_line(tmp_path: Path) -> None:
    result = frontdesk(tmp_path, "db", "upgrade", FRONTDESK_CLOCK="2027-03-28 02:30")
    assert result.returncode == 2
    assert result.stderr.startswith("frontdesk: FRONTDESK_CLOCK must be an ISO 8601 instant")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "frontdesk.db").exists()
