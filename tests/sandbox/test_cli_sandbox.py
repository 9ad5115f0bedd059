"""`frontdesk sandbox` and `frontdesk run` without a token, as processes: one-line refusals of
bad arguments, and a sandbox that starts, prints its address and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import clocks

pytestmark = pytest.mark.slow
FRONTDESK = [sys.executable, "-c", "from bot.cli import main; main()"]
ROOT = Path(__file__).parents[2]


def environment() -> dict[str, str]:
    ours = ("TELEGRAM_", "DATABASE_", "FRONTDESK_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(clocks.environment())  # the sandbox starts at the test's moment
    return env


@pytest.mark.parametrize(
    "args",
    [
        ("--port", "70000"),
        ("--port", "abc"),
        ("--emulator-port", "-1"),
        ("--database", "no/such/folder/sandbox.db"),
        ("--bogus",),
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = subprocess.run(
        [*FRONTDESK, "sandbox", *args], cwd=tmp_path, env=environment(),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("frontdesk: ")


def test_the_global_database_option_is_not_the_sandbox_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [*FRONTDESK, "--database", "sandbox.db", "sandbox"], cwd=tmp_path, env=environment(),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "sandbox --database FILE" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """Starts `frontdesk ARGS` and returns once it printed the sandbox's address."""
    process = subprocess.Popen(
        [*FRONTDESK, *args], cwd=tmp_path, env=environment(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Sandbox ready" in line:
            return process, lines
    process.kill()
    raise AssertionError("no address printed:\n" + "".join(lines))


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("the sandbox did not stop on SIGTERM") from None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sandbox_prints_its_address_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    process, lines = start(tmp_path, "sandbox", "--port", str(port), "--database", "try.db")
    assert f"http://127.0.0.1:{port}" in lines[-1]
    assert stop(process) == 0
    assert (tmp_path / "try.db").exists()
    # What it printed after its address says how the command reads the sandbox's data.
    assert process.stdout is not None
    assert "frontdesk --database try.db ..." in process.stdout.read()
    staff = subprocess.run(
        [*FRONTDESK, "--database", "try.db", "staff", "list"], cwd=tmp_path, env=environment(),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert staff.returncode == 0, staff.stderr
    assert "1000" in staff.stdout
    assert "Dott. Rossi" in staff.stdout


def test_run_without_a_token_starts_the_sandbox(tmp_path: Path) -> None:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", 8080))
        except OSError:
            pytest.skip("port 8080, the sandbox's default, is in use here")
    process, lines = start(tmp_path, "run")
    output = "".join(lines)
    assert "TELEGRAM_BOT_TOKEN is not set" in output
    assert "http://127.0.0.1:8080" in output
    assert stop(process) == 0
    assert (tmp_path / "sandbox.db").exists()
    assert not (tmp_path / "frontdesk.db").exists()  # the real bot's database is left alone
