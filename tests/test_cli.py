"""The `frontdesk` CLI as an admin uses it: real processes, a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_a_bad_clock_is_one_line(tmp_path: Path) -> None:
    result = frontdesk(tmp_path, "db", "upgrade", FRONTDESK_CLOCK="2027-03-28 02:30")
    assert result.returncode == 2
    assert result.stderr.startswith("frontdesk: FRONTDESK_CLOCK must be an ISO 8601 instant")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "frontdesk.db").exists()
