"""A request kind is one declaration module and its texts in the two catalogs, nothing else.

A throw-away kind, Commissione, is written here as a module of `flows.kinds` (in a folder added
to the package's path) with its texts appended to copies of the catalogs; then it must show up
wherever kinds do: the menu, a deep link, the patient's card, the staff inbox (its icon and its
filter), the staff card, /stats, and `frontdesk report`.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import flows.i18n
import flows.kinds
from bot.bootstrap import App
from bot.cli import app as cli
from flows.assembly import build_registry
from flows.charts import series
from flows.i18n import Catalog
from tests.flows.harness import Person
from tests.flows.test_staff_desk import add_staff

Registered = Callable[[int], Awaitable[Person]]
MODULE = "flows.kinds.errand"
DECLARATION = '''
"""Commissione: something the practice should do that no other kind covers."""

from flows.declarations import Step, Typed
from flows.kinds.common import request_flow

KIND = request_flow(
    "errand",
    Step(
        "what",
        prompt="errand.what",
        input=Typed("what", max_length=120),
        summary_label="errand.label.what",
    ),
    icon="🧺",
    rank=35,  # between Referti and Domanda
    links=("commissione",),
)
'''
TEXTS = {
    "it": {
        "kind.errand": "Commissione",
        "menu.errand": "🧺 Commissione",
        "errand.what": "Che cosa serve?",
        "errand.label.what": "Che cosa",
    },
    "en": {
        "kind.errand": "Errand",
        "menu.errand": "🧺 Errand",
        "errand.what": "What do you need?",
        "errand.label.what": "What",
    },
}


@pytest.fixture
def errand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The kind's module in the kinds package, and catalogs with its texts, for this test."""
    package = tmp_path / "kinds"
    package.mkdir()
    (package / "errand.py").write_text(DECLARATION)
    monkeypatch.setattr(flows.kinds, "__path__", [*flows.kinds.__path__, str(package)])
    locales = tmp_path / "locales"
    shutil.copytree(flows.i18n.LOCALES, locales)
    for lang, texts in TEXTS.items():
        with (locales / lang / "LC_MESSAGES" / "frontdesk.po").open("a") as catalog:
            for key, text in texts.items():
                catalog.write(f'\nmsgid "{key}"\nmsgstr "{text}"\n')
    monkeypatch.setattr(flows.i18n, "LOCALES", locales)
    yield
    sys.modules.pop(MODULE, None)
    vars(flows.kinds).pop(MODULE.rpartition(".")[2], None)


@pytest.fixture
def app(errand: None, app: App) -> App:
    # Built as bootstrap builds them, now that the kind and its texts are in place.
    app.desk.registry = build_registry()
    app.desk.catalog = Catalog.load()
    return app


async def test_a_kind_declared_once_shows_up_everywhere(
    app: App, registered: Registered, person: Callable[[int], Person]
) -> None:
    assert app.desk.registry.kind_names() == [
        "prescription", "certificate", "reports", "errand", "question", "visit"
    ]  # fmt: skip
    await add_staff(app, 900, "Dott. Rossi")
    maria = await registered(501)
    menu = [b.label for row in maria.last().buttons for b in row]
    assert menu.index("🧺 Commissione") == menu.index("🧾 Referti") + 1

    await maria.text("/start commissione")  # a deep link opens it as the menu does
    await maria.tap("non è urgente")
    assert "Che cosa serve?" in maria.last().text
    await maria.text("Ritirare le analisi dal laboratorio")
    assert "• Che cosa: Ritirare le analisi dal laboratorio" in maria.last().text
    await maria.tap("Invia")
    assert any("📄 Richiesta n. 1 · Commissione" in t for t in maria.texts())  # the live card

    doctor = person(900)
    assert any("Nuova richiesta n. 1 (Commissione)" in t for t in doctor.texts())
    await doctor.text("/inbox")
    assert "#1 🧺 Bianchi M." in str(doctor.last().buttons)
    for _ in range(4):  # all, Ricetta, Certificato, Referti, then the new kind
        await doctor.tap("Tipo")
    assert "Filtri: tipo Commissione" in doctor.last().text
    assert "#1 🧺" in str(doctor.last().buttons)
    await doctor.tap("Tipo")
    assert "Filtri: tipo Domanda" in doctor.last().text
    await doctor.text("/open 1")
    card = doctor.last().text
    assert "Richiesta n. 1 · Commissione" in card
    assert "• Che cosa: Ritirare le analisi dal laboratorio" in card

    await doctor.text("/stats")
    assert any("Per tipo: Commissione 1" in t for t in doctor.texts())

    database = ["--database", app.settings.database_url]
    runner = CliRunner()
    # The report counts up to the desk's moment (the fixed clock the request was filed at),
    # not the day the suite happens to run.
    env = {"FRONTDESK_CLOCK": app.desk.clock.now().isoformat()}
    csv = await asyncio.to_thread(runner.invoke, cli, [*database, "report"], env=env)
    assert csv.exit_code == 0, csv.output
    assert "requests_by_kind,errand,1\n" in csv.output
    html = await asyncio.to_thread(
        runner.invoke, cli, [*database, "report", "--format", "html"], env=env
    )
    assert html.exit_code == 0, html.output
    assert "Per tipo: Commissione 1" in html.output


def test_a_chart_has_a_bar_for_every_kind_counted() -> None:
    from collections import Counter
    from datetime import UTC, datetime

    from flows.stats import Stats

    stats = Stats(days=30, since=datetime(2026, 1, 1, tzinfo=UTC), by_kind=Counter(retired=2))
    assert series(stats, ["prescription", "visit"]) == ["prescription", "visit", "retired"]
