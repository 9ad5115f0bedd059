"""The CLI's commands other than `run` load neither Telegram framework (aiogram alone takes
seconds to import): each command is run in a real process and its `sys.modules` read at exit."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

FRAMEWORKS = ("telegram", "aiogram")
# What `frontdesk staff list` has no use for: the migrations, the scheduler, the charts.
NOT_FOR_STAFF = (*FRAMEWORKS, "alembic", "apscheduler", "matplotlib", "babel")
PROBE = """
import atexit, sys
def loaded():
    tops = sorted({name.partition('.')[0] for name in sys.modules})
    print('LOADED ' + ' '.join(tops), file=sys.stderr)
atexit.register(loaded)
from bot.cli import main
main()
"""


def loaded_by(cwd: Path, *args: str) -> set[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))
    }
    environment["PYTHONPATH"] = str(Path(__file__).parents[1])
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in result.stderr.splitlines() if line.startswith("LOADED ")]
    assert lines, result.stderr
    return set(lines[-1].split()[1:])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-imports")
    loaded = loaded_by(folder, "db", "upgrade")
    assert (folder / "frontdesk.db").exists()
    assert not loaded & set(FRAMEWORKS)
    return folder


def test_staff_list_loads_only_what_it_uses(migrated: Path) -> None:
    loaded = loaded_by(migrated, "staff", "list")
    assert "sqlalchemy" in loaded  # the probe saw the command run
    assert not loaded & set(NOT_FOR_STAFF)


@pytest.mark.parametrize(
    "args",
    [
        ("db", "current"),
        ("staff", "add", "42", "--role", "doctor", "--name", "Dott. Rossi"),
        ("staff", "remove", "42"),
        ("patient", "export", "42"),
        ("patient", "erase", "42", "--yes"),
        ("report", "--since", "7d"),
        ("report", "--since", "7d", "--format", "html"),
        ("programme", "list"),
        ("programme", "preview", "diabetes"),
        ("--help",),
    ],
)
def test_other_commands_load_no_framework(migrated: Path, args: tuple[str, ...]) -> None:
    assert not loaded_by(migrated, *args) & set(FRAMEWORKS)


def test_importing_the_cli_loads_no_database_nor_framework(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "--help")
    assert not loaded & {*FRAMEWORKS, "sqlalchemy", "sqlmodel", "alembic", "flows", "storage"}


@pytest.mark.parametrize(("adapter", "other"), [("ptb", "aiogram"), ("aiogram", "telegram")])
def test_run_loads_only_the_configured_framework(tmp_path: Path, adapter: str, other: str) -> None:
    """`frontdesk run --emulator` until it polls, then SIGTERM: the other framework never loads."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))
    }
    environment.update(
        PYTHONPATH=str(Path(__file__).parents[1]), TELEGRAM_FRAMEWORK=adapter, PYTHONUNBUFFERED="1"
    )
    bot = subprocess.Popen(
        [sys.executable, "-c", PROBE, "run", "--emulator", str(port)],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    try:
        assert bot.stderr is not None
        for line in bot.stderr:
            seen.append(line)
            if "polling for updates" in line:
                bot.send_signal(signal.SIGTERM)
                break
        _, rest = bot.communicate(timeout=60)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
    lines = [line for line in [*seen, *rest.splitlines()] if line.startswith("LOADED ")]
    assert lines, "".join(seen[-20:]) + rest[-2000:]
    loaded = set(lines[-1].split()[1:])
    assert adapter.replace("ptb", "telegram") in loaded
    assert other not in loaded
