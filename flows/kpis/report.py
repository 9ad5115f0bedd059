"""The KPI section of `frontdesk report`: one CSV row per KPI plus its series rows, and an HTML
section with each KPI's definition, target, window, value, status and a chart with its target."""

from __future__ import annotations

import base64
import csv
import html
import io
from collections.abc import Callable

from flows.kpis.board import Board, Figure, Line
from flows.kpis.card import line_name, shown, target_text
from flows.kpis.catalogue import Unit

Text = Callable[..., str]
HEADER = (
    "kpi", "row", "period", "category", "name", "definition", "unit", "higher_is_better",
    "target", "window", "value", "status", "trend",
)  # fmt: skip


def _value(figure: Figure, unit: Unit) -> str:
    if figure.hidden or figure.value is None:
        return figure.text(unit)
    return f"{figure.value:.2f}"


def _status(line: Line, figure: Figure) -> str:
    status = line.kpi.status(figure.known)
    return "" if status is None else status.value


def csv_rows(board: Board, text: Text) -> list[tuple[str, ...]]:
    """Per KPI a `kpi` row (value over its window) then its `weekly` and `monthly` points."""
    out: list[tuple[str, ...]] = []
    for line in board.lines:
        kpi = line.kpi
        trend = "" if line.trend is None else f"{line.trend:.2f}"
        out.append((
            kpi.key, "kpi", kpi.window, kpi.category.value, line_name(line, text),
            f"{text(kpi.definition_key)} {text('kpi.rule')}", kpi.unit.value,
            str(kpi.higher_is_better).lower(), f"{kpi.target:g}", kpi.window,
            _value(line.current, kpi.unit), _status(line, line.current), trend,
        ))  # fmt: skip
        for row, points in (("weekly", line.weekly), ("monthly", line.monthly)):
            for point in points:
                out.append((
                    kpi.key, row, point.label, "", "", "", kpi.unit.value, "",
                    f"{kpi.target:g}", "", _value(point.figure, kpi.unit),
                    _status(line, point.figure), "",
                ))  # fmt: skip
    return out


def to_csv(board: Board, text: Text) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(csv_rows(board, text))
    return buffer.getvalue()


def _arrow(line: Line) -> str:
    if line.trend is None or line.trend == 0:
        return "→"
    return "↑" if line.trend > 0 else "↓"


def to_html(board: Board, text: Text) -> str:
    """The section: a table of every KPI, the status rule, then one chart per KPI's series."""
    from flows.kpis.chart import series_chart

    rows = []
    for line in board.lines:
        kpi = line.kpi
        status = _status(line, line.current)
        cells = (
            line_name(line, text), text(f"kpi.category.{kpi.category.value}"),
            text(kpi.definition_key),
            target_text(line, text),
            text(f"kpi.window.{kpi.window}"),
            f"{shown(line.current, kpi.unit, text)} {_arrow(line)}",
            text(f"kpi.status.{status}") if status else "—",
        )  # fmt: skip
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    charts = []
    for line in board.lines:
        if line.weekly or line.monthly:
            png = base64.b64encode(series_chart(line, text)).decode()
            alt = html.escape(line_name(line, text))
            charts.append(f"<img alt='{alt}' src='data:image/png;base64,{png}'>")
    return (
        f"<h2>{html.escape(text('kpi.title'))}</h2>\n<table>\n"
        + "\n".join(rows)
        + f"\n</table>\n<p>{html.escape(text('kpi.rule'))}</p>\n"
        + "\n".join(charts)
        + "\n"
    )
