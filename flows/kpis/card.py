"""The weekly card's content, from the board: one row per KPI (name, value against target, status,
trend arrow) and three short lines saying what changed most.

What changed most = the KPIs whose current value moved furthest from the previous period's,
relative to it (a move from 0 counts as the largest). Only values the board may show take part:
a figure hidden ("< 5") or missing ("—") has no change to tell. Aggregates only, as the board.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flows.kpis.board import Board, Figure, Line, board
from flows.kpis.catalogue import Status, Unit
from flows.settings import Settings
from storage.uow import UnitOfWork

Text = Callable[..., str]
CHANGES = 3  # lines of "what changed most"
UP, DOWN, FLAT = "↑", "↓", "→"
# A mark beside the colour, so the status reads without colour too.
MARKS = {Status.ON_TRACK: "✓", Status.AT_RISK: "!", Status.OFF_TRACK: "✗", None: "·"}


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    value: str  # "72%", "< 5" or "—"
    target: str  # "≥ 90%"
    status: Status | None
    arrow: str  # ↑ ↓ → , or "" where no trend can be said

    @property
    def mark(self) -> str:
        return MARKS[self.status]


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    rows: tuple[Row, ...]
    lines: tuple[str, ...]  # what changed most (the photo's caption)
    legend: str

    @property
    def caption(self) -> str:
        return "\n".join(self.lines)


def line_name(line: Line, text: Text) -> str:
    """The KPI's name, and the programme's title on a line counted over one programme."""
    name = text(line.kpi.name_key)
    if line.programme_title is None:
        return name
    return text("kpi.per_programme", name=name, programme=line.programme_title)


def unit_label(unit: Unit, text: Text) -> str:
    """What a reader sees for `unit`: "%", a duration's "h" or "gg", nothing for a count."""
    if unit in (Unit.HOURS, Unit.DAYS):
        return text(f"kpi.unit.{unit.name.lower()}")
    return unit.value if unit is Unit.PERCENT else ""


def shown(figure: Figure, unit: Unit, text: Text) -> str:
    """The board's text for `figure`, with the unit of a duration ("36.5 h", "3.0 gg")."""
    out = figure.text(unit)
    if figure.known is None or unit not in (Unit.HOURS, Unit.DAYS):
        return out
    return f"{out} {unit_label(unit, text)}"


def target_text(line: Line, text: Text) -> str:
    """The KPI's target as the card and the report show it: "≥ 90%", "≤ 24.0 h"."""
    kpi = line.kpi
    sign = "≥" if kpi.higher_is_better else "≤"
    return f"{sign} {shown(Figure(kpi.target), kpi.unit, text)}"


def arrow(line: Line) -> str:
    trend = line.trend
    if trend is None:
        return ""
    if abs(trend) < 1e-9:
        return FLAT
    return UP if trend > 0 else DOWN


def relative_change(line: Line) -> float | None:
    """|current - previous| / |previous|; infinite for a move from 0; None when unknown."""
    trend, before = line.trend, line.previous.known
    if trend is None or before is None:
        return None
    if before == 0:
        return math.inf if trend else 0.0
    return abs(trend) / abs(before)


def largest_changes(result: Board, count: int = CHANGES) -> list[Line]:
    """The `count` lines that moved most, largest first (ties in catalogue order)."""
    moved = [(change, i, line) for i, line in enumerate(result.lines)
             if (change := relative_change(line)) is not None and change > 0]  # fmt: skip
    moved.sort(key=lambda item: (-item[0], item[1]))
    return [line for _, _, line in moved[:count]]


def _change_line(line: Line, text: Text) -> str:
    kpi = line.kpi
    better = (line.trend or 0) > 0 if kpi.higher_is_better else (line.trend or 0) < 0
    return text(
        "kpi.card.change.better" if better else "kpi.card.change.worse",
        name=line_name(line, text),
        before=shown(line.previous, kpi.unit, text),
        now=shown(line.current, kpi.unit, text),
        arrow=arrow(line),
    )


def change_lines(result: Board, text: Text) -> tuple[str, ...]:
    """What changed most, in plain words; one line saying so when nothing can be compared."""
    lines = tuple(_change_line(line, text) for line in largest_changes(result))
    return lines or (text("kpi.card.no_change"),)


def card_of(result: Board, text: Text, settings: Settings) -> Card:
    local = result.now.astimezone(settings.tz)
    week = local.isocalendar()
    rows = tuple(
        Row(
            name=line_name(line, text),
            value=shown(line.current, line.kpi.unit, text),
            target=target_text(line, text),
            status=line.status,
            arrow=arrow(line),
        )
        for line in result.lines
    )
    title = text(
        "kpi.card.title", practice=settings.practice_name, week=week.week, date=f"{local:%d/%m/%Y}"
    )
    return Card(title, rows, change_lines(result, text), text("kpi.card.legend"))


async def weekly_card(uow: UnitOfWork, settings: Settings, now: datetime, text: Text) -> Card:
    """The card as it stands at `now`."""
    return card_of(await board(uow, settings, now, series=False), text, settings)
