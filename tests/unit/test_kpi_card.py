"""The weekly card's content (rows, marks, the three largest changes) and when it falls due."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flows.i18n import Catalog
from flows.kpis.board import Board, Figure, Line
from flows.kpis.card import card_of, change_lines, largest_changes
from flows.kpis.card_chart import card_png
from flows.kpis.catalogue import BY_ID, Status
from flows.kpis.weekly import week_due
from flows.settings import Settings
from tests.clocks import HOURS

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CATALOG = Catalog.load()


def it(key: str, **params: object) -> str:
    return CATALOG.text(key, "it", **params)


def settings(**extra: object) -> Settings:
    return Settings(_env_file=None, **{**HOURS, **extra})  # type: ignore[arg-type]


def line(kpi: str, now: Figure, before: Figure) -> Line:
    entry = BY_ID[kpi]
    return Line(entry, now, before, entry.status(now.known), (), ())


BOARD = Board(
    NOW,
    (
        line("first_response_in_time", Figure(80.0), Figure(40.0)),  # +100 %
        line("no_show", Figure(10.0), Figure(0.0)),  # from 0: the largest
        line("doses_confirmed", Figure(85.0), Figure(80.0)),  # +6 %
        line("reminders_delivered", Figure(90.0), Figure(100.0)),  # -10 %
        line("cancellations", Figure(None, hidden=True), Figure(50.0)),  # "< 5": no change
        line("satisfaction_good", Figure(None), Figure(None)),  # "—"
        line("first_response_median", Figure(12.0), Figure(12.0)),  # no change
    ),
)


def test_the_three_largest_relative_changes_in_plain_words() -> None:
    ids = [item.kpi.id for item in largest_changes(BOARD)]
    assert ids == ["no_show", "first_response_in_time", "reminders_delivered"]
    lines = change_lines(BOARD, it)
    assert lines[0] == "↑ Assenze agli appuntamenti: da 0% a 10%, peggio."
    assert lines[1] == "↑ Prima risposta nei tempi promessi: da 40% a 80%, meglio."
    assert "da 100% a 90%, peggio" in lines[2]


def test_rows_show_few_and_nothing_and_a_mark_beside_the_colour() -> None:
    card = card_of(BOARD, it, settings(practice_name="Studio Rossi"))
    rows = {row.name: row for row in card.rows}
    assert "settimana 49" in card.title
    assert rows["Disdette"].value == "< 5"
    assert rows["Disdette"].arrow == ""
    assert rows["Soddisfazione buona o molto buona"].value == "—"
    assert rows["Soddisfazione buona o molto buona"].mark == "·"
    assert rows["Prima risposta nei tempi promessi"].status is Status.OFF_TRACK  # 80 < 81
    assert rows["Prima risposta nei tempi promessi"].mark == "✗"
    assert rows["Promemoria consegnati"].mark == "!"  # 90 against 95: within 10 %
    assert rows["Dosi di terapia confermate"].mark == "✓"
    assert rows["Prima risposta nei tempi promessi"].target == "≥ 90%"
    assert rows["Tempo alla prima risposta (mediana)"].value == "12.0 h"
    assert rows["Tempo alla prima risposta (mediana)"].arrow == "→"
    assert card.caption.count("\n") == 2
    png = card_png(card)
    assert png.startswith(b"\x89PNG")
    assert int.from_bytes(png[16:20], "big") == 1080  # phone width


def test_nothing_to_compare_says_so() -> None:
    empty = Board(NOW, (line("no_show", Figure(None), Figure(None)),))
    assert change_lines(empty, it) == (it("kpi.card.no_change"),)


def test_due_at_mondays_first_opening_or_the_next_one_on_a_holiday() -> None:
    week, due = week_due(datetime(2026, 12, 2, 12, 0, tzinfo=ROME), settings()) or ("", NOW)
    assert week == "2026-W49"
    assert due == datetime(2026, 11, 30, 8, 30, tzinfo=ROME)
    # Easter Monday 2027 is a holiday: the card waits for Tuesday's opening.
    week, due = week_due(datetime(2027, 3, 29, 10, 0, tzinfo=ROME), settings()) or ("", NOW)
    assert week == "2027-W13"
    assert due == datetime(2027, 3, 30, 8, 30, tzinfo=ROME)
    closed = settings(extra_closed_days=["2026-11-30"])
    assert week_due(NOW, closed) == ("2026-W49", datetime(2026, 12, 1, 8, 30, tzinfo=ROME))
