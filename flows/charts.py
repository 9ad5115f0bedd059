"""Charts staff would rather look at than read, rendered off-screen to PNG bytes.

Counts are whole numbers on their axis; legends sit below the plots, so they never hide a bar;
times are told as a GP says them ("half within", "9 in 10 within"), not as percentiles."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from flows.lifecycle import State
from flows.stats import Stats

if TYPE_CHECKING:
    from matplotlib.axes import Axes

STATE_COLOURS = {
    State.NEW: "#4c78a8",
    State.IN_PROGRESS: "#f58518",
    State.WAITING_PATIENT: "#eeca3b",
    State.SNOOZED: "#b279a2",
    State.READY: "#54a24b",
    State.CLOSED: "#9d9d9d",
    State.REJECTED: "#e45756",
    State.CANCELLED: "#c7c7c7",
    State.EXPIRED: "#7f7f7f",
}


def series(stats: Stats, kinds: Sequence[str]) -> list[str]:
    """A bar for every declared kind, even with nothing filed, then any other kind counted
    (filed under a kind since withdrawn), so no request goes uncounted."""
    return [*kinds, *sorted(set(stats.by_kind) - set(kinds))]


def requests_chart(stats: Stats, text: Callable[[str], str], *, kinds: Sequence[str]) -> bytes:
    """Requests by kind (`kinds`: the declared ones, in order), stacked by state, and response
    times against the promise."""
    # Here, not at the top: matplotlib takes longer to import than the rest of the report.
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 4.5), dpi=100)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    shown = series(stats, kinds)
    labels = [text(f"kind.{kind}") for kind in shown]
    bottoms = [0] * len(shown)
    for state, colour in STATE_COLOURS.items():
        heights = [stats.by_kind_state[(kind, state.value)] for kind in shown]
        if any(heights):
            left.bar(
                labels,
                heights,
                bottom=bottoms,
                color=colour,
                label=text(f"staff.state.{state.value}"),
            )
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    left.set_title(text("chart.by_kind"))
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    if any(bottoms):
        _legend_below(left, columns=3)
    left.tick_params(axis="x", labelsize=8, rotation=20)
    names = [text("chart.first_response"), text("chart.to_close")]
    medians = [stats.first_response_median or 0, stats.close_median or 0]
    p90s = [stats.first_response_p90 or 0, stats.close_p90 or 0]
    positions = range(len(names))
    right.bar(
        [p - 0.2 for p in positions],
        medians,
        width=0.4,
        color="#4c78a8",
        label=text("chart.median"),
    )
    right.bar(
        [p + 0.2 for p in positions],
        p90s,
        width=0.4,
        color="#f58518",
        label=text("chart.p90"),
    )
    right.set_xticks(list(positions), names, fontsize=8)
    right.set_ylabel(text("chart.hours"))
    right.set_title(text("chart.times"))
    _legend_below(right, columns=1)
    figure.suptitle(text("chart.title"))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _legend_below(axes: Axes, *, columns: int) -> None:
    axes.legend(
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22),
        ncol=columns,
        frameon=False,
    )
