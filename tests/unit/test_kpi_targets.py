"""The practice's KPI targets: defaults ship, overrides apply, bad ones are refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from flows.kpis.catalogue import BY_ID, CATALOGUE, Category, Status
from flows.settings import Settings


def _refusal(value: str) -> str:
    with pytest.raises(ValidationError) as caught:
        Settings(kpi_targets=value)
    message = str(caught.value.errors()[0]["msg"])
    assert "\n" not in message
    return message


def test_the_catalogue_covers_the_practices_goals() -> None:
    assert len({kpi.id for kpi in CATALOGUE}) == len(CATALOGUE)
    assert {kpi.category for kpi in CATALOGUE} == set(Category)
    assert BY_ID["first_response_in_time"].target == 90
    assert BY_ID["no_show"].window == "monthly"
    assert not BY_ID["no_show"].higher_is_better
    assert BY_ID["doses_confirmed"].window == "weekly"
    assert BY_ID["satisfaction_good"].window == "quarterly"


def test_status_rule() -> None:
    doses, no_show = BY_ID["doses_confirmed"], BY_ID["no_show"]
    assert doses.status(80) is Status.ON_TRACK
    assert doses.status(72) is Status.AT_RISK  # within 10 % of 80
    assert doses.status(71.9) is Status.OFF_TRACK
    assert no_show.status(5.5) is Status.AT_RISK
    assert no_show.status(6) is Status.OFF_TRACK
    assert no_show.status(None) is None


def test_overrides_inline_and_from_a_toml_file(tmp_path: Path) -> None:
    settings = Settings(kpi_targets='{"no_show": 4, "doses_confirmed": {"window": "monthly"}}')
    kpis = {kpi.id: kpi for kpi in settings.kpis}
    assert kpis["no_show"].target == 4
    assert kpis["doses_confirmed"].window == "monthly"
    assert kpis["doses_confirmed"].target == 80
    file = tmp_path / "targets.toml"
    file.write_text('[satisfaction_good]\ntarget = 85\nwindow = "monthly"\n', encoding="utf-8")
    kpis = {kpi.id: kpi for kpi in Settings(kpi_targets=str(file)).kpis}
    assert (kpis["satisfaction_good"].target, kpis["satisfaction_good"].window) == (85, "monthly")
    assert len(Settings().kpis) == len(CATALOGUE)


def test_bad_targets_are_refused_in_one_line(tmp_path: Path) -> None:
    assert "unknown KPI id 'no_shows'" in _refusal('{"no_shows": 4}')
    assert "no_show: target 140 is outside 0–100 %" in _refusal('{"no_show": 140}')
    assert "window 'yearly' is not daily/weekly/monthly/quarterly" in _refusal(
        '{"no_show": {"target": 4, "window": "yearly"}}'
    )
    assert "target must be a number" in _refusal('{"no_show": "four"}')
    assert "not valid JSON" in _refusal("{no_show: 4}")
    assert "not found" in _refusal(str(tmp_path / "missing.toml"))


def test_a_programme_may_have_its_own_target() -> None:
    settings = Settings(
        kpi_targets='{"programme_booked": 15, "programme_booked.flu": {"target": 40}}'
    )
    own = settings.programme_kpis
    assert set(own) == {"programme_booked.flu"}
    assert (own["programme_booked.flu"].target, own["programme_booked.flu"].window) == (
        40,
        "monthly",
    )
    assert own["programme_booked.flu"].programme == "flu"
    assert {kpi.id: kpi for kpi in settings.kpis}["programme_booked"].target == 15
    assert "is not counted per programme" in _refusal('{"no_show.flu": 4}')
    assert "'Flu!' is not a programme id" in _refusal('{"programme_booked.Flu!": 4}')
    assert "programme_reviewed.flu: target 140 is outside" in _refusal(
        '{"programme_reviewed.flu": 140}'
    )


def test_a_target_for_a_programme_nobody_declared_stops_the_start() -> None:
    from bot.bootstrap import KpiTargetsInvalid, programmes_of
    from flows.i18n import Catalog

    catalog = Catalog.load()
    settings = Settings(kpi_targets='{"programme_booked.diabetes": 20}')
    assert [p.id for p in programmes_of(settings, catalog).programmes]
    settings = Settings(kpi_targets='{"programme_booked.asthma": 20}')
    with pytest.raises(KpiTargetsInvalid) as caught:
        programmes_of(settings, catalog)
    assert "programme_booked.asthma names programme 'asthma' (declared: " in str(caught.value)
