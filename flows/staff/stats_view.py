"""`/stats [7d|30d|90d]`: the KPIs as a short text and a chart, then the weekly card (the KPIs
against their targets, as each doctor gets it on Monday) on demand."""

from __future__ import annotations

from collections.abc import Callable

from flows.charts import requests_chart
from flows.errors import DomainError
from flows.kpis.weekly import card_message
from flows.programmes.funnel_view import stats_section
from flows.reply import FileRef, Outgoing
from flows.satisfaction import report as satisfaction
from flows.staff.actions import staff_of
from flows.stats import Stats, compute, parse_period
from flows.turn import Turn


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h"


def stats_text(stats: Stats, t: object) -> list[str]:
    text = t  # a catalog lookup bound to the reader's language
    assert callable(text)
    lines = [text("stats.title", days=stats.days, total=stats.total)]
    kinds = ", ".join(f"{text(f'kind.{k}')} {n}" for k, n in stats.by_kind.most_common())
    states = ", ".join(f"{text(f'staff.state.{s}')} {n}" for s, n in stats.by_state.most_common())
    lines.append(text("stats.by_kind", kinds=kinds or "—"))
    lines.append(text("stats.by_state", states=states or "—"))
    responded = len(stats.first_response_hours)
    closed = len(stats.close_hours)
    lines.append(
        text(
            "stats.first_response",
            median=_hours(stats.first_response_median),
            p90=_hours(stats.first_response_p90),
            in_time=stats.responded_in_time,
            n=responded,
        )
    )
    lines.append(
        text(
            "stats.to_close",
            median=_hours(stats.close_median),
            p90=_hours(stats.close_p90),
            in_time=stats.closed_in_time,
            n=closed,
        )
    )
    oldest = "—" if stats.oldest_open_days is None else f"{stats.oldest_open_days:.1f}"
    lines.append(text("stats.backlog", overdue=stats.overdue_open, oldest=oldest))
    lines.extend(satisfaction.stats_lines(stats, text))
    lines.extend(reminder_lines(stats, text))
    return lines


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def reminder_lines(stats: Stats, text: Callable[..., str]) -> list[str]:
    kpis = stats.reminders
    lines = []
    if kpis.delivered or kpis.undelivered:
        lines.append(
            text(
                "stats.reminders",
                delivery=_percent(kpis.delivery),
                delivered=kpis.delivered,
                total=kpis.delivered + kpis.undelivered,
                adherence=_percent(kpis.adherence),
                taken=kpis.taken,
                skipped=kpis.skipped,
                missed=kpis.unanswered,
            )
        )
    if kpis.reminded or kpis.attended or kpis.no_show:
        lines.append(
            text(
                "stats.appointments",
                n=kpis.reminded,
                confirmed=_percent(kpis.confirmation_rate),
                cancelled=_percent(kpis.cancellation_rate),
                no_show=_percent(kpis.no_show_rate),
                marked=kpis.attended + kpis.no_show,
            )
        )
    return lines


async def show_stats(turn: Turn, args: str) -> None:
    staff_of(turn)
    days = parse_period(args)
    if days is None:
        raise DomainError("staff.usage", usage=turn.t("staff.usage.stats"))
    stats = await compute(turn.uow, now=turn.now, days=days)
    turn.say("\n".join([*stats_text(stats, turn.t), *await stats_section(turn)]))
    chart = requests_chart(stats, turn.t, kinds=turn.desk.registry.kind_names())
    turn.reply.add(
        Outgoing(
            chat_id=turn.chat_id,
            text=turn.t("stats.chart_caption", days=days),
            file=FileRef(None, "photo", data=chart, name="stats.png"),
        )
    )
    card, _ = await card_message(
        turn.uow, turn.desk.settings, turn.now, Outgoing(chat_id=turn.chat_id, text=""), turn.t
    )
    turn.reply.add(card)
