"""The house rule: nothing outside bot/ imports a Telegram framework."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
BANNED = {"telegram", "aiogram"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_telegram_framework_outside_bot() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for room in ("flows", "storage", "scheduler", "tests", "bench")
        for path in (ROOT / room).rglob("*.py")
        if imported_roots(path) & BANNED
    ]
    assert offenders == []


# The storage boundary: SQL is written in storage/ only. The rest of the house reaches data
# through the unit of work's repositories (`uow.requests`, `uow.outbox`, ...) and may use the
# table classes as plain records. ruff's banned-api rule says the same for flows/ and scheduler/;
# bot/ is exempt from that rule (it imports the Telegram frameworks), so it is checked here.
SQL_LIBRARIES = {"sqlalchemy", "sqlmodel"}
OUTSIDE_STORAGE = ("flows", "scheduler", "bot")


def reaches_for_the_session(path: Path) -> list[int]:
    """Lines where a unit of work's session is used: `uow.session`, `turn.uow.session`."""
    tree = ast.parse(path.read_text(), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "session":
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if name == "uow" or name.endswith("_uow"):
                lines.append(node.lineno)
    return lines


def test_no_sql_library_outside_storage() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for room in OUTSIDE_STORAGE
        for path in (ROOT / room).rglob("*.py")
        if imported_roots(path) & SQL_LIBRARIES
    ]
    assert offenders == []


def test_no_session_outside_storage() -> None:
    offenders = {
        str(path.relative_to(ROOT)): lines
        for room in OUTSIDE_STORAGE
        for path in (ROOT / room).rglob("*.py")
        if (lines := reaches_for_the_session(path))
    }
    assert offenders == {}
