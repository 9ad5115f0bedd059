"""A patient's data rights end to end over the emulator: a copy of their data arrives in the
chat as protected files, and erasure (confirmed twice) leaves nothing personal behind."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, text

from bot.bootstrap import App
from bot.emulator import EmulatorClient
from tests.e2e.conftest import RunningBot
from tests.e2e.people import Someone, onboard
from tests.e2e.test_patient_journeys import question

pytestmark = pytest.mark.e2e
CODE = "BNCMRA80A41H501E"


async def test_export_then_erase(tg: EmulatorClient, app: App, frontdesk: RunningBot) -> None:
    maria = await Someone.join(tg, 9501)
    await onboard(maria, code=CODE)
    await question(maria)
    await maria.tap("Invia")
    await maria.tap("Impostazioni e privacy")
    await maria.tap("Privacy")
    await maria.tap("Copia dei miei dati")
    files = [m for m in await maria.bot_messages() if m.kind == "document"]
    assert len(files) == 2
    assert all(m.protect_content for m in files)
    json_file = next(f for f in files if str(f.media["document"]["file_name"]).endswith(".json"))
    exported = json.loads(await tg.download(json_file.media["document"]["file_id"]))
    assert CODE in json.dumps(exported)
    assert "Posso prendere il farmaco" in json.dumps(exported, ensure_ascii=False)
    await maria.tap("Impostazioni e privacy")
    await maria.tap("Privacy")
    await maria.tap("Cancella i miei dati")
    await maria.tap("Sì, continua")
    await maria.tap("Sì, cancella tutto")
    async with app.database.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        for table in tables:
            rows = (await connection.execute(text(f'SELECT * FROM "{table}"'))).all()
            dump = repr(rows)
            for personal in (CODE, "Bianchi", "Posso prendere il farmaco"):
                assert personal not in dump, f"{personal} left in {table}"
