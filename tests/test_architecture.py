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
