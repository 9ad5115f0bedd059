"""One KPI's weekly and monthly series as a small PNG, its target drawn as a dashed line.
Points hidden ("< 5") or empty ("—") are gaps, never zeros."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from flows.kpis.board import Line, Point
from flows.kpis.card import line_name, unit_label


def _values(points: Sequence[Point]) -> list[float]:
    return [float("nan") if p.figure.known is None else p.figure.known for p in points]


def series_chart(line: Line, text: Callable[..., str]) -> bytes:
    # Here, not at the top: matplotlib takes longer to import than the rest of the report.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 2.6), dpi=80)
    axes = figure.subplots(1, 2, sharey=True)
    kpi = line.kpi
    for ax, points, key in (
        (axes[0], line.weekly, "kpi.weekly"),
        (axes[1], line.monthly, "kpi.monthly"),
    ):
        labels = [p.label[-3:] if "W" in p.label else p.label[2:] for p in points]
        ax.plot(labels, _values(points), marker="o", color="#4c78a8")
        ax.axhline(
            kpi.target, color="#e45756", linestyle="--", linewidth=1, label=text("kpi.target")
        )
        ax.set_title(text(key), fontsize=8)
        ax.tick_params(axis="x", labelsize=6, rotation=45)
        ax.tick_params(axis="y", labelsize=7)
    axes[0].set_ylabel(unit_label(kpi.unit, text), fontsize=7)
    axes[1].legend(fontsize=6, loc="best", frameon=False)
    figure.suptitle(line_name(line, text), fontsize=9)
    # Fixed margins fit the rotated labels: tight_layout measured every text, half of each
    # chart's time (14 charts: 1.1 s of the HTML report's 2.4 s).
    figure.subplots_adjust(left=0.07, right=0.99, bottom=0.2, top=0.82, wspace=0.06)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
