"""Named validators for typed steps: turn what a person typed into a stored value, or say why not.

Stored values are JSON-friendly (dates as ISO strings, times as HH:MM); `shown` turns them back
into what a person reads on a summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from flows import parsing as v
from flows.declarations import Typed

NUMBER_EXAMPLE = "2"


@dataclass(frozen=True, slots=True)
class Problem:
    reason: str
    params: dict[str, Any]
    example: str | None


Checker = Callable[[str, Typed, date], Any]


def _text(raw: str, spec: Typed, _today: date) -> v.Result[str]:
    return v.clean_text(raw, max_length=spec.max_length)


def _long_text(raw: str, spec: Typed, _today: date) -> v.Result[str]:
    return v.clean_text(raw, max_length=spec.max_length, multiline=True)


def _future_date(raw: str, _spec: Typed, today: date) -> v.Result[date]:
    return v.parse_date(raw, today=today, allow_past=False, allow_future=True, max_days_ahead=366)


def _any_date(raw: str, _spec: Typed, today: date) -> v.Result[date]:
    return v.parse_date(
        raw, today=today, allow_past=True, allow_future=True, max_years_back=2, max_days_ahead=366
    )


def _past_date(raw: str, _spec: Typed, today: date) -> v.Result[date]:
    return v.parse_date(raw, today=today, allow_past=True, allow_future=False, max_years_back=10)


def _birth_date(raw: str, _spec: Typed, today: date) -> v.Result[date]:
    return v.parse_birth_date(raw, today=today)


def _fiscal_code(raw: str, _spec: Typed, _today: date) -> v.Result[str]:
    return v.validate_fiscal_code(raw)


def _time(raw: str, _spec: Typed, _today: date) -> v.Result[time]:
    return v.parse_time(raw)


def _number(raw: str, spec: Typed, _today: date) -> v.Result[int]:
    text = raw.strip()
    if not text.isdigit() or len(text) > 6:
        return v.Invalid("invalid.number.format", NUMBER_EXAMPLE)
    value = int(text)
    low = spec.min_value if spec.min_value is not None else 0
    high = spec.max_value if spec.max_value is not None else 999_999
    if not low <= value <= high:
        return v.Invalid("invalid.number.range", None, {"low": low, "high": high})
    return v.Valid(value)


VALIDATORS: dict[str, Checker] = {
    "text": _text,
    "long_text": _long_text,
    "future_date": _future_date,
    "any_date": _any_date,
    "past_date": _past_date,
    "birth_date": _birth_date,
    "fiscal_code": _fiscal_code,
    "time": _time,
    "number": _number,
}
REASON_KEYS = (
    *v.REASON_KEYS,
    "invalid.number.format",
    "invalid.number.range",
    "invalid.fiscal_code.birth_date",
)
# A value checked against the answers given before it (stored values, as `check` returns them).
CrossCheck = Callable[[Any, Mapping[str, Any]], Problem | None]


def _fiscal_code_agrees(code: Any, given: Mapping[str, Any]) -> Problem | None:
    """The code must encode the date of birth typed at the step before (the sex it encodes is
    not asked, so a man's or a woman's day both fit)."""
    try:
        birth = date.fromisoformat(str(given["birth_date"]))
    except (KeyError, ValueError):
        return None
    if v.fiscal_code_matches(str(code), birth_date=birth):
        return None
    return Problem("invalid.fiscal_code.birth_date", {"birth": birth.strftime("%d/%m/%Y")}, None)


CROSS_CHECKS: dict[str, CrossCheck] = {"fiscal_code": _fiscal_code_agrees}


def check(
    raw: str, spec: Typed, *, today: date, given: Mapping[str, Any] | None = None
) -> Any | Problem:
    """The stored value, or a Problem to show. `given`: the answers so far, for the values
    that must agree with them."""
    result = VALIDATORS[spec.validator](raw, spec, today)
    if isinstance(result, v.Invalid):
        return Problem(result.reason, dict(result.params), result.example)
    cross = CROSS_CHECKS.get(spec.validator)
    if cross is not None and given is not None and (problem := cross(result.value, given)):
        return problem
    value = result.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def shown(value: Any, spec: Typed) -> str:
    if value is None:
        return ""
    if spec.validator.endswith("date") and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)
