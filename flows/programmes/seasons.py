"""A season as the practice writes it: two months, by number or by name (Italian or English,
whole or the first three letters): `["ottobre", "dicembre"]`, `[10, 12]`, `"october-december"`.
"""

from __future__ import annotations

from typing import Any, Final

from flows.programmes.model import Season

_NAMES: Final = (
    ("gennaio", "january"), ("febbraio", "february"), ("marzo", "march"), ("aprile", "april"),
    ("maggio", "may"), ("giugno", "june"), ("luglio", "july"), ("agosto", "august"),
    ("settembre", "september"), ("ottobre", "october"), ("novembre", "november"),
    ("dicembre", "december"),
)  # fmt: skip
MONTHS: Final = {
    name[:length]: number
    for number, names in enumerate(_NAMES, start=1)
    for name in names
    for length in (3, len(name))
}


def month_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 12 else None
    if isinstance(value, str):
        text = value.strip().casefold()
        if text.isdigit():
            return month_of(int(text))
        return MONTHS.get(text)
    return None


def season_of(value: Any) -> Season | None:
    """The season, or None when `value` is not two months. A season may wrap the new year."""
    if isinstance(value, str):
        value = value.split("-")
    if not isinstance(value, list) or len(value) != 2:
        return None
    first, last = month_of(value[0]), month_of(value[1])
    if first is None or last is None:
        return None
    return Season(first_month=first, last_month=last)
