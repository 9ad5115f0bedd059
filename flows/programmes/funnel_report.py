"""The programmes' funnels in `frontdesk report`: CSV rows beside the KPIs' and an HTML section
with each live programme's funnel and its chart. Counts of one to four patients read "< 5"
and their shares are left empty, as everywhere the funnel leaves the staff chat."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

from flows.programmes.funnel import OUTCOMES, STAGES
from flows.programmes.funnel_chart import funnel_chart
from flows.programmes.funnel_view import (
    Live,
    Text,
    count_text,
    funnel_lines,
    median_shown,
    share_value,
    stage_share,
)


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def funnel_rows(found: Sequence[Live]) -> list[tuple[str, str, str]]:
    """(metric, dimension, value) rows; the dimension is `programme:cycle[:stage or step]`."""
    out: list[tuple[str, str, str]] = []
    for live in found:
        f = live.funnel
        at = f"{live.programme_id}:{f.cycle}"
        for name in (*STAGES, *OUTCOMES):
            out.append(("programme_funnel", f"{at}:{name}", count_text(f.counts.get(name, 0))))
        for stage in STAGES[1:]:
            pair = stage_share(f, stage)
            assert pair is not None
            out.append(("programme_conversion", f"{at}:{stage}", _rate(share_value(*pair))))
        for m in f.messages:
            step = f"{at}:{m.step + 1}"
            out.append(("programme_message_sent", step, count_text(m.sent)))
            out.append(("programme_message_delivered", step, count_text(m.delivered)))
            out.append(("programme_message_answered", step, count_text(m.answered)))
            rate = _rate(share_value(m.answered, m.delivered))
            out.append(("programme_message_conversion", step, rate))
        median = median_shown(f)
        out.append(("programme_median_days_to_appointment", at, _rate(median)))
    return out


def funnel_html(found: Sequence[Live], text: Text) -> str:
    """The report's section on programmes (empty when none is under way)."""
    if not found:
        return ""
    parts = [f"<h2>{html.escape(text('report.programmes'))}</h2>"]
    for live in found:
        title = live.title
        items = "\n".join(
            f"<li>{html.escape(line)}</li>" for line in funnel_lines(live.funnel, text)
        )
        chart = base64.b64encode(funnel_chart(live.funnel, text, title=title)).decode()
        alt = html.escape(text("programmes.chart.title", title=title, cycle=live.funnel.cycle))
        parts.append(f"<h3>{html.escape(title)}</h3>\n<ul>\n{items}\n</ul>\n"
                     f"<img alt='{alt}' src='data:image/png;base64,{chart}'>")  # fmt: skip
    return "\n".join(parts) + "\n"
