"""Every Monday at opening, each doctor gets the weekly card: a photo, its caption the three lines
on what changed most. It goes through the outbox like every push to someone who did not just act.

Due at the week's first opening in the practice's time zone (Monday's first opening time; on a
Monday holiday, the next opening). The row is keyed `weekly_card:<staff id>:<ISO week>`, so a
doctor gets one card a week however many passes, restarts and workers there are. The row holds
no image: the card is drawn when the dispatcher sends it, from the board at that moment, which
keeps the outbox small and the card current.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from flows.calendar import OpeningHours
from flows.engine import FrontDesk
from flows.kpis.card import Card, Text, weekly_card
from flows.reminders import outbox
from flows.reply import FileRef, Outgoing
from flows.settings import Settings
from storage.uow import UnitOfWork

KIND = "weekly_card"
RENDER = "kpi_card"  # the payload's `render`: drawn at send time
DOCTOR = "doctor"
FILE_NAME = "kpi-card.png"


def week_due(now: datetime, settings: Settings) -> tuple[str, datetime] | None:
    """The ISO week `now` falls in (practice time) and when its card is due; None when the
    practice does not open within a year (a settings error, reported elsewhere)."""
    hours = OpeningHours.parse(settings.opening_hours)
    local = now.astimezone(settings.tz)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, time(0), tzinfo=settings.tz)
    try:
        closed = settings.extra_closed_days
        due = hours.next_opening(start, tz=settings.tz, extra_closed_days=closed)
    except LookupError:
        return None
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", due


async def queue_weekly_cards(desk: FrontDesk, now: datetime) -> int:
    """Queue this week's card for every active doctor who has none yet, once it is due and
    until the end of that day: a bot that was down all Monday, or a doctor added on a Thursday,
    does not get a card out of the blue mid-week (`/stats` shows it on demand)."""
    if not desk.settings.weekly_card:
        return 0
    found = week_due(now, desk.settings)
    if found is None or now < found[1]:
        return 0
    tz = desk.settings.tz
    if now.astimezone(tz).date() != found[1].astimezone(tz).date():
        return 0
    week, _ = found
    async with desk.database.uow() as uow:
        doctors = {
            f"{KIND}:{member.id}:{week}": member
            for member in await uow.staff.list()
            if member.role == DOCTOR
        }
        missing = sorted(set(doctors) - await uow.outbox.queued_keys(keys=list(doctors)))
        if not missing:
            return 0
        rows = [_row(key, doctors[key].telegram_id, now, desk.settings) for key in missing]
        added = await uow.outbox.add(rows=rows)
        await uow.commit()
    if desk.wake_outbox is not None:
        desk.wake_outbox()
    return added


def _row(key: str, chat_id: int, now: datetime, settings: Settings) -> dict[str, Any]:
    # Sent while the practice opens: not night for its staff, whatever the quiet hours say.
    row = outbox.row(key=key, message=Outgoing(chat_id=chat_id, text=""), kind=KIND, now=now,
                     settings=settings, night_ok=True)  # fmt: skip
    row["payload"]["render"] = RENDER
    return row


async def card_message(
    uow: UnitOfWork, settings: Settings, now: datetime, message: Outgoing, text: Text
) -> tuple[Outgoing, Card]:
    """`message` as the card's photo, drawn from the board at `now`, captioned."""
    from flows.kpis.card_chart import card_png

    card = await weekly_card(uow, settings, now, text)
    # Drawing takes a few tenths of a second: off the loop, so other chats keep moving.
    png = await asyncio.to_thread(card_png, card)
    photo = FileRef(None, "photo", data=png, name=FILE_NAME)
    return replace(message, text=card.caption, file=photo), card


async def rendered(desk: FrontDesk, message: Outgoing, payload: dict[str, Any]) -> Outgoing:
    """For the dispatcher: the message a payload names a drawing for, drawn now."""
    if payload.get("render") != RENDER:
        return message
    lang = desk.settings.default_language

    def text(key: str, **params: object) -> str:
        return desk.catalog.text(key, lang, **params)

    async with desk.database.uow() as uow:
        drawn, _ = await card_message(uow, desk.settings, desk.clock.now(), message, text)
    return drawn
