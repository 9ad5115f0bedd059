"""Working days, promised answer times and opening hours, in the practice's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.calendar import (
    OpeningHours,
    add_working_days,
    is_working_day,
    working_days_between,
)

ROME = ZoneInfo("Europe/Rome")
SETTING = "mon-fri 08:30-12:30,15:00-18:00; sat 09:00-12:00"


def rome(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=ROME)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- working days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 24), True),  # an ordinary Tuesday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 1, 1), False),
        (date(2026, 1, 6), False),  # Epiphany
        (date(2026, 4, 3), True),  # Good Friday is not a holiday in Italy
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2025, 4, 25), False),  # Liberation Day on a Friday
        (date(2026, 5, 1), False),
        (date(2026, 6, 2), False),
        (date(2025, 8, 15), False),  # Ferragosto on a Friday
        (date(2027, 10, 4), False),  # St Francis, a national holiday again from 2026
        (date(2027, 11, 1), False),  # All Saints on a Monday
        (date(2025, 11, 4), True),  # National Unity Day is not a day off
        (date(2026, 12, 8), False),
        (date(2025, 12, 25), False),
        (date(2025, 12, 26), False),
        (date(2026, 12, 7), True),  # Sant'Ambrogio is Milan's patron, not national
        (date(2026, 6, 29), True),  # Saints Peter and Paul, Rome's patrons
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_extra_closed_days_close_a_patron_saint() -> None:
    assert not is_working_day(date(2026, 6, 29), extra_closed_days=[date(2026, 6, 29)])


# --- the promised answer time ------------------------------------------------------------------

END = (23, 59, 59)


@pytest.mark.parametrize(
    ("arrived", "days", "due"),
    [
        (rome(2026, 11, 24, 10, 0), 0, rome(2026, 11, 24, *END)),
        (rome(2026, 11, 24, 10, 0), 1, rome(2026, 11, 25, *END)),
        (rome(2026, 11, 20, 15, 0), 2, rome(2026, 11, 24, *END)),  # Friday → Tuesday
        (rome(2026, 11, 20, 15, 0), 3, rome(2026, 11, 25, *END)),  # Friday → Wednesday
        (rome(2026, 11, 20, 0, 0), 1, rome(2026, 11, 23, *END)),
        (rome(2026, 11, 21, 9, 0), 2, rome(2026, 11, 24, *END)),  # Saturday, as from Friday
        (rome(2026, 11, 22, 23, 0), 2, rome(2026, 11, 24, *END)),  # Sunday night
        (rome(2026, 11, 21, 9, 0), 0, rome(2026, 11, 23, *END)),  # weekend: next working day
        (rome(2026, 4, 2, 11, 0), 2, rome(2026, 4, 7, *END)),  # over Easter Monday
        (rome(2025, 4, 24, 11, 0), 1, rome(2025, 4, 28, *END)),  # over 25 April
        (rome(2026, 4, 30, 11, 0), 1, rome(2026, 5, 4, *END)),  # over 1 May
        (rome(2026, 6, 1, 11, 0), 1, rome(2026, 6, 3, *END)),  # over 2 June
        (rome(2025, 8, 14, 11, 0), 1, rome(2025, 8, 18, *END)),  # over Ferragosto
        (rome(2027, 10, 29, 11, 0), 1, rome(2027, 11, 2, *END)),  # over 1 November
        (rome(2026, 12, 7, 11, 0), 1, rome(2026, 12, 9, *END)),  # over 8 December
        (rome(2025, 12, 24, 11, 0), 2, rome(2025, 12, 30, *END)),  # over Christmas and St Stephen
        (rome(2026, 12, 8, 11, 0), 0, rome(2026, 12, 9, *END)),  # on a holiday
    ],
)
def test_add_working_days(arrived: datetime, days: int, due: datetime) -> None:
    result = add_working_days(arrived, days, tz=ROME)
    assert result == due
    assert result.tzinfo is UTC


def test_the_local_day_decides_not_the_utc_day() -> None:
    thursday_night = utc(2026, 11, 19, 22, 30)  # 23:30 in Rome: still Thursday
    friday_early = utc(2026, 11, 19, 23, 30)  # 00:30 in Rome: already Friday
    assert add_working_days(thursday_night, 1, tz=ROME) == rome(2026, 11, 20, *END)
    assert add_working_days(friday_early, 1, tz=ROME) == rome(2026, 11, 23, *END)


@pytest.mark.parametrize(
    ("arrived", "due_utc"),
    [
        # Friday in winter time, due Monday in summer time (clocks go forward 29 March 2026).
        (rome(2026, 3, 27, 10, 0), utc(2026, 3, 30, 21, 59, 59)),
        # Friday in summer time, due Monday in winter time (clocks go back 25 October 2026).
        (rome(2026, 10, 23, 10, 0), utc(2026, 10, 26, 22, 59, 59)),
        # 02:30 happens twice on 25 October; both are Sunday.
        (utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 22, 59, 59)),
        (utc(2026, 10, 25, 1, 30), utc(2026, 10, 26, 22, 59, 59)),
        (utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 21, 59, 59)),  # 03:30 CEST, just after the jump
    ],
)
def test_add_working_days_across_clock_changes(arrived: datetime, due_utc: datetime) -> None:
    assert add_working_days(arrived, 1, tz=ROME) == due_utc


def test_closing_time_as_the_end_of_the_day() -> None:
    closing = time(18, 0)
    before = add_working_days(rome(2026, 11, 19, 17, 0), 1, tz=ROME, day_ends_at=closing)
    after = add_working_days(rome(2026, 11, 19, 19, 0), 1, tz=ROME, day_ends_at=closing)
    same_day = add_working_days(rome(2026, 11, 20, 19, 0), 0, tz=ROME, day_ends_at=closing)
    assert before == rome(2026, 11, 20, 18, 0)
    assert after == rome(2026, 11, 23, 18, 0)  # after closing counts as arriving on Friday
    assert same_day == rome(2026, 11, 23, 18, 0)  # never due before it arrived


def test_add_working_days_skips_extra_closed_days() -> None:
    milan_patron = [date(2026, 12, 7)]
    due = add_working_days(rome(2026, 12, 4, 9, 0), 1, tz=ROME, extra_closed_days=milan_patron)
    assert due == rome(2026, 12, 9, *END)


def test_add_working_days_refuses_programming_errors() -> None:
    with pytest.raises(ValueError, match="timezone"):
        add_working_days(datetime(2026, 11, 24, 10, 0), 1, tz=ROME)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(rome(2026, 11, 24, 10, 0), -1, tz=ROME)


# --- business time elapsed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "elapsed"),
    [
        (rome(2026, 11, 24, 9, 0), rome(2026, 11, 24, 15, 0), 0.25),
        (rome(2026, 11, 20, 18, 0), rome(2026, 11, 23, 6, 0), 0.5),  # over a weekend
        (rome(2026, 11, 23, 0, 0), rome(2026, 11, 30, 0, 0), 5.0),
        (rome(2026, 4, 2, 0, 0), rome(2026, 4, 8, 0, 0), 3.0),  # Easter Monday does not count
        (rome(2026, 3, 28, 12, 0), rome(2026, 3, 30, 12, 0), 0.5),  # over the clock change
        (utc(2026, 11, 24, 8, 0), rome(2026, 11, 24, 15, 0), 0.25),  # mixed timezones
        (rome(2026, 11, 24, 15, 0), rome(2026, 11, 24, 9, 0), -0.25),
        (rome(2026, 11, 28, 9, 0), rome(2026, 11, 29, 9, 0), 0.0),
    ],
)
def test_working_days_between(start: datetime, end: datetime, elapsed: float) -> None:
    assert working_days_between(start, end, tz=ROME) == pytest.approx(elapsed)


def test_working_days_between_counts_real_hours_when_clocks_change_on_a_weekday() -> None:
    # Rome changes clocks on Sundays; Cairo's summer time ends on Thursday 29 October 2026
    # (23:59 is followed by 23:00), so that working day lasts 25 hours.
    cairo = ZoneInfo("Africa/Cairo")
    start = datetime(2026, 10, 29, 20, 0, tzinfo=cairo)
    end = datetime(2026, 10, 29, 23, 30, fold=1, tzinfo=cairo)  # the second 23:30
    assert working_days_between(start, end, tz=cairo) == pytest.approx(4.5 / 25)


def test_a_request_answered_at_its_due_time_took_about_its_working_days() -> None:
    arrived = rome(2026, 11, 20, 15, 0)
    due = add_working_days(arrived, 2, tz=ROME)
    assert working_days_between(arrived, due, tz=ROME) == pytest.approx(2.375, abs=1e-4)


# --- opening hours: parsing --------------------------------------------------------------------

WEEKDAY = ((time(8, 30), time(12, 30)), (time(15, 0), time(18, 0)))
SATURDAY = ((time(9, 0), time(12, 0)),)


def test_parse_the_documented_setting() -> None:
    hours = OpeningHours.parse(SETTING)
    assert hours.week == (WEEKDAY,) * 5 + (SATURDAY, ())


@pytest.mark.parametrize(
    "text",
    [
        "lun-ven 08:30-12:30,15:00-18:00; sab 09:00-12:00",
        "LUN-VEN 8.30-12.30, 15.00-18.00\nSAB 9:00-12:00",
        "lunedì-venerdì 08:30–12:30, 15:00–18:00; sabato 09:00-12:00",
        "Monday - Friday 08:30 - 12:30 , 15:00 - 18:00 ; Saturday 09:00-12:00;",
        "mon,tue,wed,thu,fri 15:00-18:00,08:30-12:30; sat 09:00-12:00",
        "lunedi-mercoledi 08:30-12:30,15:00-18:00; gio,ven 08:30-12:30,15:00-18:00; sab 9:00-12:00",
    ],
)
def test_parse_accepts_italian_english_and_loose_spelling(text: str) -> None:
    assert OpeningHours.parse(text) == OpeningHours.parse(SETTING)


def test_a_day_range_may_wrap_over_the_weekend() -> None:
    hours = OpeningHours.parse("ven-lun 10:00-11:00")
    assert [bool(day) for day in hours.week] == [True, False, False, False, True, True, True]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (" ; ", "empty"),
        ("mon-fri", "give days then hours"),
        ("08:00-12:00", "give days then hours"),
        ("mon-fry 08:00-12:00", "cannot read days 'mon-fry'"),
        ("mon-wed-fri 08:00-12:00", "cannot read days"),
        ("mon 8-12", "cannot read hours '8-12'"),
        ("mon 08:00-12:00 15:00-18:00", "cannot read hours"),
        ("mon 25:00-26:00", "not a time of day"),
        ("mon 12:00-08:00", "closes before it opens"),
        ("mon 08:00-08:00", "closes before it opens"),
        ("mon 08:00-12:00,11:00-13:00", "overlap"),
        ("mon-fri 08:00-12:00; fri 15:00-18:00", "friday is given more than once"),
    ],
)
def test_parse_explains_a_bad_setting(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OpeningHours.parse(text)


# --- opening hours: open now, next opening -----------------------------------------------------


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (rome(2026, 11, 24, 10, 0), True),
        (rome(2026, 11, 24, 8, 30), True),  # opening minute included
        (rome(2026, 11, 24, 8, 29, 59), False),
        (rome(2026, 11, 24, 12, 30), False),  # closing minute excluded
        (rome(2026, 11, 24, 13, 0), False),  # lunch
        (rome(2026, 11, 28, 10, 0), True),  # Saturday morning
        (rome(2026, 11, 28, 15, 30), False),
        (rome(2026, 11, 29, 10, 0), False),  # Sunday
        (rome(2026, 4, 6, 10, 0), False),  # Easter Monday
        (rome(2026, 6, 2, 10, 0), False),
        (rome(2026, 12, 26, 10, 0), False),  # St Stephen on a Saturday
        (utc(2026, 11, 24, 7, 45), True),  # 08:45 in Rome (winter)
        (utc(2026, 11, 24, 7, 15), False),  # 08:15 in Rome
        (utc(2026, 7, 7, 6, 45), True),  # 08:45 in Rome (summer)
    ],
)
def test_is_open(at: datetime, is_open: bool) -> None:
    assert OpeningHours.parse(SETTING).is_open(at, tz=ROME) is is_open


def test_is_open_respects_extra_closed_days() -> None:
    hours = OpeningHours.parse(SETTING)
    assert not hours.is_open(
        rome(2026, 6, 29, 10, 0), tz=ROME, extra_closed_days=[date(2026, 6, 29)]
    )


@pytest.mark.parametrize(
    ("after", "opens"),
    [
        (rome(2026, 11, 24, 10, 0), rome(2026, 11, 24, 10, 0)),  # open now: now
        (rome(2026, 11, 24, 7, 0), rome(2026, 11, 24, 8, 30)),
        (rome(2026, 11, 24, 13, 0), rome(2026, 11, 24, 15, 0)),  # after lunch
        (rome(2026, 11, 20, 19, 0), rome(2026, 11, 21, 9, 0)),  # Friday evening → Saturday
        (rome(2026, 11, 28, 12, 0), rome(2026, 11, 30, 8, 30)),  # Saturday noon → Monday
        (rome(2026, 4, 4, 13, 0), rome(2026, 4, 7, 8, 30)),  # over Easter Monday
        (rome(2026, 12, 24, 19, 0), rome(2026, 12, 28, 8, 30)),  # over Christmas and St Stephen
        (rome(2026, 3, 28, 13, 0), rome(2026, 3, 30, 8, 30)),  # over the clock change
    ],
)
def test_next_opening(after: datetime, opens: datetime) -> None:
    result = OpeningHours.parse(SETTING).next_opening(after, tz=ROME)
    assert result == opens
    assert result.tzinfo is UTC


def test_next_opening_after_a_summer_closure() -> None:
    closed = [date(2026, 8, 8) + timedelta(days=n) for n in range(16)]  # 8 to 23 August
    opens = OpeningHours.parse(SETTING).next_opening(
        rome(2026, 8, 7, 19, 0), tz=ROME, extra_closed_days=closed
    )
    assert opens == utc(2026, 8, 24, 6, 30)


def test_next_opening_gives_up_on_a_closure_longer_than_a_year() -> None:
    closed = [date(2026, 1, 1) + timedelta(days=n) for n in range(800)]
    with pytest.raises(LookupError):
        OpeningHours.parse(SETTING).next_opening(
            rome(2026, 1, 1, 9, 0), tz=ROME, extra_closed_days=closed
        )


# --- opening hours: description ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "rows"),
    [
        (SETTING, "it", [("lun–ven", "08:30–12:30, 15:00–18:00"), ("sab", "09:00–12:00")]),
        (SETTING, "en", [("Mon–Fri", "08:30–12:30, 15:00–18:00"), ("Sat", "09:00–12:00")]),
        (SETTING, "it-IT", [("lun–ven", "08:30–12:30, 15:00–18:00"), ("sab", "09:00–12:00")]),
        (SETTING, "de", [("Mon–Fri", "08:30–12:30, 15:00–18:00"), ("Sat", "09:00–12:00")]),
        (
            "mon,wed,fri 08:00-12:00; tue,thu 15:00-19:00",
            "it",
            [("lun, mer, ven", "08:00–12:00"), ("mar, gio", "15:00–19:00")],
        ),
        ("lun-gio 09:00-12:00; sab-dom 09:00-12:00", "it", [("lun–gio, sab, dom", "09:00–12:00")]),
    ],
)
def test_describe(text: str, lang: str, rows: list[tuple[str, str]]) -> None:
    assert OpeningHours.parse(text).describe(lang) == rows
