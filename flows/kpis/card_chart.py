"""The weekly card as one PNG, made to be read on a phone: 1080 px wide, large type, one KPI a
row (status mark, name, value, target, trend arrow). The status is a coloured disc AND a mark
(✓ ! ✗), so it reads without colour; "< 5" and "—" are shown as the board says."""

from __future__ import annotations

import io
import textwrap

from flows.kpis.card import Card, Row
from flows.kpis.catalogue import Status

WIDTH_IN, DPI = 10.8, 100  # 1080 px
ROW_IN = 0.78
HEAD_IN, FOOT_IN = 1.1, 0.8
NAME_CHARS = 30  # wrapped beyond this, on two lines at most
COLOURS = {
    Status.ON_TRACK: "#2e7d32",
    Status.AT_RISK: "#ef8f00",
    Status.OFF_TRACK: "#c62828",
    None: "#9e9e9e",
}


def _name(row: Row) -> str:
    lines = textwrap.wrap(row.name, NAME_CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), NAME_CHARS, placeholder="…")]
    return "\n".join(lines)


def card_png(card: Card) -> bytes:
    # Here, not at the top: matplotlib takes longer to import than the rest of the desk.
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    height = HEAD_IN + FOOT_IN + ROW_IN * max(1, len(card.rows))
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, WIDTH_IN)
    axes.set_ylim(height, 0)  # rows downwards, in inches
    axes.set_aspect("equal")
    axes.axis("off")
    axes.text(0.35, 0.6, card.title, fontsize=24, fontweight="bold", va="center")
    for index, row in enumerate(card.rows):
        middle = HEAD_IN + ROW_IN * (index + 0.5)
        if index % 2 == 0:
            axes.axhspan(middle - ROW_IN / 2, middle + ROW_IN / 2, color="#f4f4f4", zorder=0)
        axes.add_patch(Circle((0.6, middle), 0.26, color=COLOURS[row.status], zorder=1))
        axes.text(0.6, middle, row.mark, fontsize=20, color="white", fontweight="bold",
                  ha="center", va="center", zorder=2)  # fmt: skip
        axes.text(1.05, middle, _name(row), fontsize=17, va="center", linespacing=1.1)
        axes.text(7.55, middle, row.value, fontsize=24, fontweight="bold", ha="right",
                  va="center")  # fmt: skip
        axes.text(7.75, middle, row.target, fontsize=15, color="#555555", va="center")
        axes.text(10.35, middle, row.arrow, fontsize=26, ha="center", va="center")
    axes.text(0.35, height - FOOT_IN / 2, card.legend, fontsize=14, color="#555555",
              va="center", wrap=True)  # fmt: skip
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
