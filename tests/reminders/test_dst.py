"""Daylight saving: a daily 08:00 therapy fires at 08:00 in Rome on both sides of the last Sunday
of October and of March, through the whole scheduler with a moved clock; quiet hours too."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import App
from flows.clock import FixedClock
from flows.reminders.times import doses, in_quiet_hours, quiet_ends
from flows.reply import Outgoing
from flows.settings import Settings
from scheduler.port import SendResult
from tests import clocks
from tests.flows.harness import Person
from tests.reminders.fakes import FakePort, add_therapy

ROME = ZoneInfo("Europe/Rome")
Registered = Callable[[int], Awaitable[Person]]


class TimedPort(FakePort):
    """Notes the practice's clock at each send."""

    clock: FixedClock
    at: list[datetime]

    async def send(self, message: Outgoing) -> SendResult:
        if message.edit_message_id is None:  # not the edits of unanswered doses
            self.at.append(self.clock.now())
        return await super().send(message)


@pytest.mark.parametrize(
    ("first_day", "offsets"),
    [
        # Friday to Tuesday: the clocks change at 03:00 on the Sunday, the third day.
        (date(2026, 10, 23), ["+02:00", "+02:00", "+01:00", "+01:00", "+01:00"]),
        (date(2027, 3, 26), ["+01:00", "+01:00", "+02:00", "+02:00", "+02:00"]),
    ],
    ids=["october", "march"],
)
async def test_daily_0800_fires_at_0800_local_across_dst(
    app: App,
    clock: FixedClock,
    port: FakePort,
    registered: Registered,
    first_day: date,
    offsets: list[str],
) -> None:
    clock.at = datetime.combine(first_day, time(0, 0), tzinfo=ROME).astimezone(UTC)
    await registered(901)
    timed = TimedPort(port.renderer)
    timed.clock, timed.at = clock, []
    app.scheduler.bind(timed)
    await add_therapy(app, 901, times=["08:00"], start=first_day)
    for _ in range(5 * 24 * 2):  # five days, a look every half hour
        clock.advance(timedelta(minutes=30))
        await app.scheduler.run_once()
    local = [moment.astimezone(ROME) for moment in timed.at]
    assert [(m.date(), m.strftime("%H:%M")) for m in local] == [
        (first_day + timedelta(days=n), "08:00") for n in range(5)
    ]
    assert [m.isoformat()[-6:] for m in local] == offsets
    assert all("Sono le 08:00" in m.text for m in timed.sent if m.edit_message_id is None)


def test_planned_times_are_wall_clock_times() -> None:
    autumn = list(
        doses(times=["08:00", "02:30"], start=date(2026, 10, 24), end=None, weekdays=[],
              first=date(2026, 10, 24), last=date(2026, 10, 26), tz=ROME)
    )  # fmt: skip
    assert [due.astimezone(UTC).strftime("%d %H:%M") for _, _, due in autumn] == [
        "24 00:30", "24 06:00", "25 00:30", "25 07:00", "26 01:30", "26 07:00",
    ]  # fmt: skip
    spring = list(
        doses(times=["02:30"], start=date(2027, 3, 28), end=date(2027, 3, 28), weekdays=[],
              first=date(2027, 3, 27), last=date(2027, 3, 29), tz=ROME)
    )  # fmt: skip
    # 02:30 does not exist that night: it comes an hour later, at 03:30 summer time.
    assert [due.astimezone(ROME).strftime("%H:%M") for _, _, due in spring] == ["03:30"]


def test_weekdays_start_and_end() -> None:
    found = [
        day
        for day, _, _ in doses(times=["09:00"], start=date(2026, 11, 25), end=date(2026, 12, 4),
                               weekdays=[1, 3, 5], first=date(2026, 11, 20),
                               last=date(2026, 12, 31), tz=ROME)
    ]  # fmt: skip
    assert [d.strftime("%a %d") for d in found] == [
        "Wed 25", "Fri 27", "Mon 30", "Wed 02", "Fri 04",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("local", "quiet", "ends"),
    [
        ("2026-11-24 20:59", False, "2026-11-24 20:59"),
        ("2026-11-24 21:00", True, "2026-11-25 08:00"),
        ("2026-11-25 03:00", True, "2026-11-25 08:00"),
        ("2026-11-25 08:00", False, "2026-11-25 08:00"),
        ("2026-10-24 23:00", True, "2026-10-25 08:00"),  # the long night of October
    ],
)
def test_quiet_hours(local: str, quiet: bool, ends: str) -> None:
    settings = Settings(_env_file=None, **clocks.HOURS)  # type: ignore[call-arg]
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=ROME)
    assert in_quiet_hours(moment, settings) is quiet
    assert quiet_ends(moment, settings).astimezone(ROME).strftime("%Y-%m-%d %H:%M") == ends


def test_quiet_hours_can_be_switched_off_or_moved() -> None:
    off = Settings(_env_file=None, quiet_hours="off")  # type: ignore[call-arg]
    moment = datetime(2026, 11, 24, 23, 0, tzinfo=ROME)
    assert not in_quiet_hours(moment, off)
    daytime = Settings(_env_file=None, quiet_hours="13:00-15:00")  # type: ignore[call-arg]
    assert in_quiet_hours(datetime(2026, 11, 24, 14, 0, tzinfo=ROME), daytime)
    assert not in_quiet_hours(moment, daytime)
    with pytest.raises(ValueError, match="quiet hours"):
        Settings(_env_file=None, quiet_hours="25:00-08:00")  # type: ignore[call-arg]
