"""Dates and times as a person reads them, in the practice's timezone and their language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime


def day(moment: datetime, *, tz: ZoneInfo, lang: str) -> str:
    """'martedì 1 dicembre' / 'Tuesday 1 December'."""
    return format_date(moment.astimezone(tz).date(), format="EEEE d MMMM", locale=lang)


def day_and_time(moment: datetime, *, tz: ZoneInfo, lang: str) -> str:
    """'mar 1 dic, 10:30' / 'Tue 1 Dec, 10:30'."""
    local = moment.astimezone(tz)
    return format_datetime(local, format="EEE d MMM, HH:mm", tzinfo=tz, locale=lang)


def short(moment: datetime, *, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M")
