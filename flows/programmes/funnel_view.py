"""A programme's funnel as staff read it: the card's full funnel, /stats's short section and the
figures the report and the chart are made of.

These are aggregates that leave the staff's own Da chiamare list (a screen shared over a
shoulder, a report sent to the health authority, a chart forwarded), so any count of one to four
patients shows as "< 5" and a share computed from one is not shown: a 2 of 3 would otherwise
name the two who declined in a small practice. Nobody (0) names nobody and is shown, as the
usual small-cell rule does, so a funnel visibly moves when its first patient answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flows.programmes.funnel import OUTCOMES, STAGES, Funnel, funnel
from flows.programmes.model import Programme
from flows.reply import FileRef
from flows.turn import Turn
from storage.uow import UnitOfWork

Text = Callable[..., str]
SMALL = 5
HIDDEN = f"< {SMALL}"
# Programmes whose funnel is live: still sending, or paused mid-cycle.
LIVE = ("running", "paused")
# /stats's one line per programme, in the order a doctor reads it.
SHORT = ("invited", "answered", "booked", "attended", "non_responders")


def small(n: int) -> bool:
    """A count of patients too small to show."""
    return 0 < n < SMALL


def count_text(n: int) -> str:
    """A count of patients, or "< 5" when it is fewer."""
    return HIDDEN if small(n) else str(n)


def share_value(part: int, whole: int) -> float | None:
    """part / whole, or None when either is too small to show (or whole is 0)."""
    return None if not whole or small(part) or small(whole) else part / whole


def share_text(part: int, whole: int) -> str:
    value = share_value(part, whole)
    return "—" if value is None else f"{value:.0%}"


def stage_share(found: Funnel, stage: str) -> tuple[int, int] | None:
    """(this stage, the one before) for a stage after the first."""
    index = STAGES.index(stage)
    if index == 0:
        return None
    return found.counts.get(stage, 0), found.counts.get(STAGES[index - 1], 0)


def median_shown(found: Funnel) -> float | None:
    """The median wait, only when at least `SMALL` appointments make it up."""
    if found.median_days_to_appointment is None or small(found.appointments):
        return None
    return found.median_days_to_appointment


@dataclass(frozen=True, slots=True)
class Live:
    """A programme with a cycle under way, its title in words for the reader."""

    programme_id: str
    title: str
    status: str
    funnel: Funnel


async def live_funnels(
    uow: UnitOfWork, programmes: Sequence[Programme], own: Callable[[str], str]
) -> list[Live]:
    """The funnel of the current cycle of every running or paused programme, declared ones
    first; one no longer declared (its file changed) is still counted, under its id. `own`
    turns a title (a catalog key or the practice's own words) into words."""
    order = {p.id: i for i, p in enumerate(programmes)}
    titles = {p.id: own(p.title) for p in programmes}
    states = [s for s in await uow.programmes.programme_states() if s.status in LIVE and s.cycle]
    states.sort(key=lambda s: (order.get(s.programme_id, len(order)), s.programme_id))
    return [
        Live(s.programme_id, titles.get(s.programme_id, s.programme_id), s.status,
             await funnel(uow, s.programme_id, s.cycle))
        for s in states
    ]  # fmt: skip


def funnel_lines(found: Funnel, text: Text) -> list[str]:
    """The card's full funnel: each stage with its conversion, the other ways out, each
    message of the sequence, and the median wait for an appointment."""
    counts = found.counts
    lines = [text("programmes.funnel.head", cycle=found.cycle,
                  eligible=count_text(counts.get("eligible", 0)))]  # fmt: skip
    for stage in STAGES[1:]:
        pair = stage_share(found, stage)
        assert pair is not None
        lines.append(text("programmes.funnel.stage", stage=text(f"programmes.stage.{stage}"),
                          n=count_text(pair[0]), share=share_text(*pair)))  # fmt: skip
    outs = " · ".join(
        text(f"programmes.funnel.{name}", n=count_text(counts.get(name, 0))) for name in OUTCOMES
    )
    lines.append(text("programmes.funnel.outcomes", outcomes=outs))
    for message in found.messages:
        lines.append(text("programmes.funnel.message", step=message.step + 1,
                          sent=count_text(message.sent), delivered=count_text(message.delivered),
                          answered=count_text(message.answered),
                          share=share_text(message.answered, message.delivered)))  # fmt: skip
    median = median_shown(found)
    if median is not None:
        lines.append(text("programmes.funnel.median", days=f"{median:.1f}"))
    if any(small(n) for n in counts.values()):
        lines.append(text("programmes.funnel.small"))
    return lines


def short_line(live: Live, text: Text) -> str:
    """/stats's line for one programme."""
    counts = live.funnel.counts
    figures = " · ".join(
        text(f"programmes.funnel.{name}", n=count_text(counts.get(name, 0))) for name in SHORT
    )
    booked = share_text(counts.get("booked", 0), counts.get("invited", 0))
    return text("stats.programme", title=live.title, cycle=live.funnel.cycle,
                figures=figures, booked=booked)  # fmt: skip


def stats_lines(found: Sequence[Live], text: Text) -> list[str]:
    """/stats's section: a heading and a line per live programme (nothing when none runs)."""
    if not found:
        return []
    return [text("stats.programmes"), *(short_line(live, text) for live in found)]


async def stats_section(turn: Turn) -> list[str]:
    """/stats's lines on the practice's live programmes."""
    return stats_lines(await live_funnels(turn.uow, turn.desk.programmes, turn.own), turn.t)


async def send_chart(turn: Turn, programme: Programme) -> bool:
    """The funnel chart of the programme's current cycle, as a photo; False when it has not run."""
    state = await turn.uow.programmes.programme_state(programme_id=programme.id)
    if state is None or not state.cycle:
        return False
    # Here, not at the top: the chart module imports matplotlib when drawing, not before.
    from flows.programmes.funnel_chart import funnel_chart

    found = await funnel(turn.uow, programme.id, state.cycle)
    title = turn.own(programme.title)
    chart = funnel_chart(found, turn.t, title=title)
    caption = turn.t("programmes.chart.title", title=title, cycle=state.cycle)
    turn.say(caption, file=FileRef(None, "photo", data=chart, name="funnel.png"))
    return True
