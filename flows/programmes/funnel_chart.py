"""A programme cycle's funnel as a picture: a horizontal bar for each stage, labelled with its
count and the share of the stage before, then the other ways out in grey. Tall and with large
type, so it reads on a phone; rendered off-screen to PNG bytes.

A count of one to four patients is labelled "< 5" and drawn as a hatched bar of five, so
neither the label nor the bar's length tells how many (see `funnel_view`)."""

from __future__ import annotations

import io

from flows.programmes.funnel import OUTCOMES, STAGES, Funnel
from flows.programmes.funnel_view import SMALL, Text, count_text, share_text, small, stage_share

STAGE_COLOUR = "#4c78a8"
OUTCOME_COLOUR = "#9d9d9d"


def _bars(found: Funnel, text: Text) -> list[tuple[str, int, str, str]]:
    """(name, count, label, colour) from the top of the chart down."""
    bars = []
    for stage in STAGES:
        n = found.counts.get(stage, 0)
        pair = stage_share(found, stage)
        share = "—" if pair is None else share_text(*pair)
        label = count_text(n) if share == "—" else f"{count_text(n)} · {share}"
        bars.append((text(f"programmes.stage.{stage}"), n, label, STAGE_COLOUR))
    for outcome in OUTCOMES:
        n = found.counts.get(outcome, 0)
        bars.append((text(f"programmes.stage.{outcome}"), n, count_text(n), OUTCOME_COLOUR))
    return bars


def funnel_chart(found: Funnel, text: Text, *, title: str) -> bytes:
    """The chart of `found`, headed by the programme's `title` (already in the reader's words)."""
    # Here, not at the top: matplotlib takes longer to import than the rest of the bot.
    from matplotlib.figure import Figure

    bars = _bars(found, text)
    figure = Figure(figsize=(6, 7.5), dpi=110)
    axes = figure.subplots()
    positions = list(range(len(bars)))
    widest = max([SMALL, *(n for _, n, _, _ in bars)])
    for y, (_, n, label, colour) in zip(positions, bars, strict=True):
        hidden = small(n)
        axes.barh(y, SMALL if hidden else n, color=colour, alpha=0.45 if hidden else 1.0,
                  hatch="//" if hidden else None, height=0.7)  # fmt: skip
        axes.text((SMALL if hidden else n) + widest * 0.02, y, label, va="center", fontsize=12)
    axes.set_yticks(positions, [name for name, _, _, _ in bars], fontsize=12)
    axes.invert_yaxis()  # eligible at the top, as a funnel is read
    axes.set_xlim(0, widest * 1.45)
    axes.set_xticks([])
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.axhline(len(STAGES) - 0.5, color="#cccccc", linewidth=1)
    axes.set_title(text("programmes.chart.title", title=title, cycle=found.cycle), fontsize=14)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
