"""The practice's own targets: FRONTDESK_KPI_TARGETS, either JSON written in the setting or the
path of a TOML/JSON file, mapping a KPI id to a target or to {target, window}:

    {"no_show": 4, "doses_confirmed": {"target": 85, "window": "monthly"}}

    [no_show]            # kpi-targets.toml
    target = 4

A programme KPI's target holds for every programme; one programme's own goes under
"<KPI id>.<programme id>" ("programme_booked.flu": 40), starting from the KPI's.

Checked when settings load: an unknown id, a target outside the KPI's range or a window that is
not daily/weekly/monthly/quarterly is refused with one line saying which and why; a programme
nobody declared is refused when the programmes are loaded (`unknown_programmes`).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from flows.kpis.catalogue import BY_ID, CATALOGUE, PER_PROGRAMME, WINDOWS, Kpi
from flows.programmes.checks import ID_PATTERN


def read(value: str) -> dict[str, Any]:
    """The mapping the setting holds: inline JSON, or a .toml/.json file's contents."""
    text = value.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            loaded: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"KPI targets are not valid JSON ({exc.msg})") from None
    else:
        path = Path(text)
        if not path.is_file():
            raise ValueError(f"KPI targets file {text} not found")
        try:
            if path.suffix == ".toml":
                loaded = tomllib.loads(path.read_text(encoding="utf-8"))
            else:
                loaded = json.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"KPI targets file {text} is unreadable ({exc})") from None
    if not isinstance(loaded, dict):
        raise ValueError("KPI targets: expected a mapping of KPI id to target")
    return loaded


def _override(kpi: Kpi, given: Any) -> Kpi:
    name = kpi.key
    if isinstance(given, dict):
        unknown = sorted(set(given) - {"target", "window"})
        if unknown:
            raise ValueError(f"KPI {name}: unknown field {unknown[0]!r} (target, window)")
        target, window = given.get("target", kpi.target), given.get("window", kpi.window)
    else:
        target, window = given, kpi.window
    if isinstance(target, bool) or not isinstance(target, int | float):
        raise ValueError(f"KPI {name}: target must be a number, not {target!r}")
    low, high = kpi.range
    if not low <= target <= high:
        unit = kpi.unit.value
        raise ValueError(f"KPI {name}: target {target} is outside {low:g}–{high:g} {unit}")
    if window not in WINDOWS:
        choices = "/".join(WINDOWS)
        raise ValueError(f"KPI {name}: window {window!r} is not {choices}")
    return replace(kpi, target=float(target), window=str(window))


def apply(overrides: dict[str, Any]) -> tuple[tuple[Kpi, ...], dict[str, Kpi]]:
    """The catalogue with the practice's targets and windows, and the programmes' own targets by
    "<KPI id>.<programme id>"; ValueError (one line) on bad ones."""
    for key in overrides:
        kpi_id, dot, programme = key.partition(".")
        if kpi_id not in BY_ID:
            raise ValueError(f"unknown KPI id {key!r} (known: {', '.join(BY_ID)})")
        if dot and kpi_id not in PER_PROGRAMME:
            raise ValueError(
                f"KPI {kpi_id} is not counted per programme (only {', '.join(PER_PROGRAMME)})"
            )
        if dot and not ID_PATTERN.fullmatch(programme):
            raise ValueError(f"KPI {key}: {programme!r} is not a programme id")
    kpis = tuple(_override(k, overrides[k.id]) if k.id in overrides else k for k in CATALOGUE)
    by_id = {kpi.id: kpi for kpi in kpis}
    own = {}
    for key, given in overrides.items():
        kpi_id, dot, programme = key.partition(".")
        if dot:
            own[key] = _override(replace(by_id[kpi_id], programme=programme), given)
    return kpis, own


def practice_kpis(value: str) -> tuple[Kpi, ...]:
    return apply(read(value))[0]


def programme_kpis(value: str) -> dict[str, Kpi]:
    """The programmes' own targets, by "<KPI id>.<programme id>"."""
    return apply(read(value))[1]


def unknown_programmes(value: str, declared: Iterable[str]) -> str | None:
    """One line naming a programme the targets name and nobody declared; None when all are."""
    known = set(declared)
    for key, kpi in programme_kpis(value).items():
        if kpi.programme not in known:
            names = ", ".join(sorted(known)) or "none"
            return f"KPI targets: {key} names programme {kpi.programme!r} (declared: {names})"
    return None
