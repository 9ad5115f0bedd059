"""Satisfaction in /stats and `frontdesk report`: the share of "good" or "very good" answers
(leaving out "don't know"), per touchpoint, the likelihood to recommend when asked, and — only
when some were given — the old 1–5 stars, apart and labelled as the old scale."""

from __future__ import annotations

from collections.abc import Callable

from flows.satisfaction.words import touchpoint_name
from flows.stats import Stats

Text = Callable[..., str]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def stats_lines(stats: Stats, t: Text) -> list[str]:
    lines = []
    total = stats.answers
    if total.answered:
        lines.append(
            t(
                "stats.satisfaction",
                good=_percent(total.good_share),
                n=total.answered,
                patients=total.patients,
            )
        )
        for name, figures in sorted(stats.by_touchpoint.items()):
            if figures.answered:
                lines.append(
                    t(
                        "stats.satisfaction.touchpoint",
                        touchpoint=touchpoint_name(t, name),
                        good=_percent(figures.good_share),
                        n=figures.answered,
                    )
                )
    if total.nps is not None:
        lines.append(t("stats.recommend", nps=f"{total.nps:+.0f}", n=len(total.recommend_scores)))
    if stats.satisfaction is not None:
        lines.append(
            t(
                "stats.satisfaction.old.one"
                if len(stats.ratings) == 1
                else "stats.satisfaction.old",
                score=f"{stats.satisfaction:.1f}",
                n=len(stats.ratings),
            )
        )
    return lines


def report_rows(stats: Stats) -> list[tuple[str, str, str]]:
    """(metric, touchpoint, value): "" is every touchpoint together."""

    def share(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    out: list[tuple[str, str, str]] = []
    figures = {"": stats.answers, **stats.by_touchpoint}
    for touchpoint, row in figures.items():
        out.append(("satisfaction_answers", touchpoint, str(row.answered)))
        out += [(f"satisfaction_{code}", touchpoint, str(n)) for code, n in row.counts.items()]
        out.append(("satisfaction_good_share", touchpoint, share(row.good_share)))
        out.append(("satisfaction_patients", touchpoint, str(row.patients)))
        out.append(("recommend_answers", touchpoint, str(len(row.recommend_scores))))
        out.append(("recommend_nps", touchpoint, "" if row.nps is None else f"{row.nps:.1f}"))
    mean = stats.satisfaction
    out.append(("old_scale_ratings", "", str(len(stats.ratings))))
    out.append(("old_scale_rating_mean", "", "" if mean is None else f"{mean:.2f}"))
    return out
