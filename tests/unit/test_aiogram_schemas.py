"""aiogram imported with its schemas deferred (bot/aiogram/schemas.py): nothing is built at
import, and every type and method still builds, validates and dumps as with the plain import.
Each check runs in a fresh interpreter, since the import happens once per process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]

PROBE = """
import json, sys
import bot.aiogram
import aiogram.methods, aiogram.types
from aiogram.methods.base import Response

assert not aiogram.types.InlineQuery.__pydantic_complete__, "built at import"
raw = json.loads(sys.argv[1])
update = Response[aiogram.methods.GetUpdates.__returning__].model_validate(
    {"ok": True, "result": [raw]}
).result[0]
dumped = update.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_unset=True)
assert dumped == raw, dumped
failed = [
    name
    for module in (aiogram.types, aiogram.methods)
    for name in module.__all__
    if hasattr(getattr(module, name), "model_rebuild")
    and getattr(module, name).model_rebuild() is False
]
assert not failed, failed
print("ok")
"""

UPDATE = (
    '{"update_id": 7, "message": {"message_id": 3, "date": 1700000000, '
    '"chat": {"id": 5, "type": "private", "first_name": "Maria"}, '
    '"from": {"id": 5, "is_bot": false, "first_name": "Maria", "language_code": "it"}, '
    '"text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}'
)


def test_deferred_schemas_build_on_use_and_round_trip() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, UPDATE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
