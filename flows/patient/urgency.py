"""What the urgency question before every request leads to: advice on whom to call, never a
request. An emergency means 112 now; something urgent but not an emergency means the practice's
phone while it is open, the Continuità Assistenziale (116117) while it is closed, and for a
medicine that has run out, the pharmacist too.

The advice comes as a new message at the bottom of the chat, below the menu, so on a small phone
it is what the patient sees; its button brings the menu back below it.
"""

from __future__ import annotations

from flows import runner
from flows.calendar import OpeningHours
from flows.dates import day_and_time
from flows.practice import practice_text
from flows.registry import Registry
from flows.reminders.common import home_button
from flows.turn import Turn

# Request kinds for which a pharmacist can help at once (an urgent supply of a medicine).
PHARMACY_KINDS = frozenset({"prescription"})


def _kind(turn: Turn) -> str | None:
    position = runner.current(turn)
    return position[0].kind if position is not None else None


def _closed_until(turn: Turn) -> str | None:
    """None while the practice is open; else when it opens again, as a patient reads it."""
    settings = turn.desk.settings
    hours = OpeningHours.parse(settings.opening_hours)
    closed = settings.extra_closed_days
    if hours.is_open(turn.now, tz=settings.tz, extra_closed_days=closed):
        return None
    try:
        opening = hours.next_opening(turn.now, tz=settings.tz, extra_closed_days=closed)
    except LookupError:
        return ""
    return day_and_time(opening, tz=settings.tz, lang=turn.lang)


def urgent_advice(turn: Turn, kind: str | None) -> str:
    """Whom to call today when it is urgent but not an emergency, at this hour."""
    lines = [turn.t("urgent.today.title")]
    reopens = _closed_until(turn)
    if reopens is None:
        lines.append(practice_text(turn, "urgent.today.open"))
    else:
        lines.append(turn.t("urgent.today.closed"))
        if reopens:
            lines.append(turn.t("urgent.today.reopens", when=reopens))
    if kind in PHARMACY_KINDS:
        lines.append(turn.t("urgent.today.pharmacist"))
    lines.append(turn.t("urgent.today.worse"))
    lines.append(turn.t("urgent.nothing_sent"))
    return "\n\n".join(lines)


async def _advise(turn: Turn, text: str) -> None:
    # The tapped question becomes the menu again; the advice goes below it, last.
    await runner.go_home(turn)
    turn.say(text, buttons=((home_button(turn),),))


async def emergency(turn: Turn) -> None:
    await _advise(turn, turn.t("emergency.urgent"))


async def urgent_today(turn: Turn) -> None:
    await _advise(turn, urgent_advice(turn, _kind(turn)))


def registry() -> Registry:
    result = Registry()
    result.actions.update(emergency=emergency, urgent_today=urgent_today)
    return result
