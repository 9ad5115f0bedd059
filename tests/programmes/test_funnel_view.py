"""The funnel as staff and the report read it: counts of one to four patients read "< 5" and
their shares are hidden (nobody is shown as 0); the card's lines, /stats's section, the report's
rows and HTML section, and the chart."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flows.clock import FixedClock
from flows.i18n import Catalog
from flows.kpi_report import to_csv
from flows.programmes.funnel import Funnel, MessageFigures
from flows.programmes.funnel_chart import funnel_chart
from flows.programmes.funnel_report import funnel_html, funnel_rows
from flows.programmes.funnel_view import (
    Live,
    count_text,
    funnel_lines,
    live_funnels,
    share_text,
    stats_lines,
)
from flows.stats import Stats
from storage.uow import Database
from tests.programmes.helpers import TUESDAY, diabetes, make_patient
from tests.programmes.test_sequences import started, tick

CATALOG = Catalog.load()


def it(key: str, **params: object) -> str:
    return CATALOG.text(key, "it", **params)


COUNTS = {"eligible": 120, "enrolled": 100, "invited": 100, "delivered": 96, "answered": 40,
          "booked": 12, "attended": 3, "already_done": 20, "declined": 0, "snoozed": 4,
          "non_responders": 30, "unreachable": 2}  # fmt: skip
FOUND = Funnel("diabetes", 2, COUNTS,
               (MessageFigures(0, 100, 96, 25), MessageFigures(1, 50, 49, 3)), 6.5,
               appointments=9)  # fmt: skip
LIVE = Live("diabetes", "Controllo del diabete (ogni 6 mesi)", "running", FOUND)


def test_a_few_patients_read_less_than_five_and_nobody_reads_zero() -> None:
    assert [count_text(n) for n in (0, 1, 4, 5, 120)] == ["0", "< 5", "< 5", "5", "120"]
    assert share_text(3, 100) == "—"  # would tell the three
    assert share_text(40, 4) == "—"
    assert share_text(0, 0) == "—"
    assert share_text(0, 10) == "0%"
    assert share_text(12, 40) == "30%"


def test_the_card_has_every_stage_outcome_and_message() -> None:
    lines = funnel_lines(FOUND, it)
    assert lines[0] == "Giro 2: idonei 120"
    assert "↳ prenotati 12 (30%)" in lines
    assert "↳ venuti < 5 (—)" in lines
    assert any("non interessati 0" in line and "rimandati < 5" in line for line in lines)
    assert "Messaggio 1: inviati 100, consegnati 96, risposte 25 (26%)" in lines
    assert "Messaggio 2: inviati 50, consegnati 49, risposte < 5 (—)" in lines
    assert any("6.5 giorni" in line for line in lines)
    assert lines[-1].startswith("«< 5»")
    few = Funnel("diabetes", 1, {**COUNTS, "booked": 3}, (), 4.0, appointments=3)
    assert not any("giorni" in line for line in funnel_lines(few, it))  # a median of three


def test_stats_report_and_chart() -> None:
    assert stats_lines([], it) == []
    section = stats_lines([LIVE], it)
    assert section[0] == "Programmi di richiamo:"
    assert "venuti < 5" in section[1]
    assert "prenotati sugli invitati 12%" in section[1]
    rows = {(m, d): v for m, d, v in funnel_rows([LIVE])}
    assert rows[("programme_funnel", "diabetes:2:attended")] == "< 5"
    assert rows[("programme_funnel", "diabetes:2:declined")] == "0"
    assert rows[("programme_conversion", "diabetes:2:booked")] == "0.30"
    assert rows[("programme_message_conversion", "diabetes:2:2")] == ""
    assert rows[("programme_median_days_to_appointment", "diabetes:2")] == "6.50"
    stats = Stats(days=30, since=datetime(2026, 9, 6, tzinfo=UTC))
    table = list(csv.reader(io.StringIO(to_csv(stats, [LIVE]))))
    assert ["programme_funnel", "diabetes:2:invited", "100"] in table
    page = funnel_html([LIVE], it)
    assert "<h2>Programmi di richiamo</h2>" in page
    assert "data:image/png;base64," in page
    assert funnel_html([], it) == ""
    assert funnel_chart(FOUND, it, title="Diabete").startswith(b"\x89PNG")


async def test_live_funnels_are_the_running_and_paused_programmes(
    sqlite_database: Database,
) -> None:
    await make_patient(sqlite_database)
    await started(sqlite_database)
    await tick(sqlite_database, FixedClock(TUESDAY))
    async with sqlite_database.uow() as uow:
        live = await live_funnels(uow, [diabetes()], lambda title: CATALOG.own(title, "it"))
    assert [(x.programme_id, x.status, x.funnel.counts["invited"]) for x in live] == [
        ("diabetes", "running", 1)
    ]
