"""The KPIs off Telegram: `frontdesk report --since 30d --format csv|html`: /stats's figures,
then the practice's goals (flows.kpis: each KPI against its target, with its series)."""

from __future__ import annotations

import base64
import csv
import html
import io
from collections.abc import Callable, Sequence

from flows.charts import requests_chart
from flows.kpis import report as kpi_report
from flows.kpis.board import Board
from flows.kpis.card import change_lines
from flows.programmes.funnel_report import funnel_html, funnel_rows
from flows.programmes.funnel_view import Live
from flows.satisfaction import report as satisfaction
from flows.staff.stats_view import stats_text
from flows.stats import Stats

Text = Callable[..., str]


def rows(stats: Stats) -> list[tuple[str, str, str]]:
    """(metric, dimension, value) rows, stable names for spreadsheets."""
    out: list[tuple[str, str, str]] = [("period_days", "", str(stats.days))]
    out.append(("requests_total", "", str(stats.total)))
    out += [("requests_by_kind", kind, str(n)) for kind, n in sorted(stats.by_kind.items())]
    out += [("requests_by_state", state, str(n)) for state, n in sorted(stats.by_state.items())]
    for name, value in (
        ("first_response_median_hours", stats.first_response_median),
        ("first_response_p90_hours", stats.first_response_p90),
        ("time_to_close_median_hours", stats.close_median),
        ("time_to_close_p90_hours", stats.close_p90),
        ("oldest_open_days", stats.oldest_open_days),
    ):
        out.append((name, "", "" if value is None else f"{value:.2f}"))
    out.append(("responded_within_promise", "", str(stats.responded_in_time)))
    out.append(("responded_total", "", str(len(stats.first_response_hours))))
    out.append(("closed_within_promise", "", str(stats.closed_in_time)))
    out.append(("closed_total", "", str(len(stats.close_hours))))
    out.append(("overdue_open", "", str(stats.overdue_open)))
    return out + satisfaction.report_rows(stats) + reminder_rows(stats)


def reminder_rows(stats: Stats) -> list[tuple[str, str, str]]:
    """The figures of /stats's reminder and appointment lines, counts and rates."""
    kpis = stats.reminders
    counts = (
        ("reminders_delivered", kpis.delivered),
        ("reminders_undelivered", kpis.undelivered),
        ("doses_taken", kpis.taken),
        ("doses_skipped", kpis.skipped),
        ("doses_unanswered", kpis.unanswered),
        ("appointments_reminded", kpis.reminded),
        ("appointments_confirmed", kpis.confirmed),
        ("appointments_cancelled", kpis.cancelled),
        ("appointments_attended", kpis.attended),
        ("appointments_no_show", kpis.no_show),
    )
    rates = (
        ("reminder_delivery_rate", kpis.delivery),
        ("dose_adherence_rate", kpis.adherence),
        ("appointment_confirmation_rate", kpis.confirmation_rate),
        ("appointment_cancellation_rate", kpis.cancellation_rate),
        ("appointment_no_show_rate", kpis.no_show_rate),
    )
    out = [(name, "", str(n)) for name, n in counts]
    out += [(name, "", "" if rate is None else f"{rate:.2f}") for name, rate in rates]
    return out


def to_csv(
    stats: Stats,
    programmes: Sequence[Live] = (),
    board: Board | None = None,
    text: Text | None = None,
) -> str:
    """/stats's rows and the live funnels; with a `board`, a blank line then the KPI table
    (its own header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("metric", "dimension", "value"))
    writer.writerows(rows(stats))
    writer.writerows(funnel_rows(programmes))
    if board is not None and text is not None:
        buffer.write("\n" + kpi_report.to_csv(board, text))
    return buffer.getvalue()


def to_html(
    stats: Stats,
    text: Text,
    *,
    practice: str,
    kinds: Sequence[str],
    programmes: Sequence[Live] = (),
    board: Board | None = None,
) -> str:
    """The page: /stats's lines and its chart, with a bar for each of `kinds` (in order), then
    the funnel of each live programme; with a `board`, the practice's goals after them."""
    chart = base64.b64encode(requests_chart(stats, text, kinds=kinds)).decode()
    items = "\n".join(f"<li>{html.escape(line)}</li>" for line in stats_text(stats, text))
    title = html.escape(text("report.title", practice=practice, days=stats.days))
    goals = "" if board is None else kpi_report.to_html(board, text)
    # The weekly card's three lines on what changed most, first: what a doctor reads first.
    changes = (
        ""
        if board is None
        else "".join(f"<li>{html.escape(line)}</li>" for line in change_lines(board, text))
    )
    changed = f"<ul class='changes'>\n{changes}\n</ul>\n" if changes else ""
    return (
        "<!doctype html>\n<html><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;line-height:1.5}"
        "img{max-width:100%}td{padding:.2rem .5rem;border-bottom:1px solid #ddd}</style>"
        "</head>\n"
        f"<body><h1>{title}</h1>\n{changed}<ul>\n{items}\n</ul>\n"
        f"<img alt='{html.escape(text('chart.title'))}' src='data:image/png;base64,{chart}'>\n"
        f"{funnel_html(programmes, text)}{goals}</body></html>\n"
    )
