"""Checks for the values patients type: each returns the parsed value or why to ask again.

Nothing here raises for bad input. A conversation step shows the catalog message named by
``Invalid.reason`` (formatted with ``Invalid.params``) and, when there is one, the example.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Generic, TypeAlias, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Valid(Generic[T]):
    value: T


@dataclass(frozen=True, slots=True)
class Invalid:
    reason: str
    example: str | None = None
    params: Mapping[str, int] = field(default_factory=dict)


Result: TypeAlias = Valid[T] | Invalid

# Catalog keys for every refusal; the comments name the params each one is formatted with.
REASON_KEYS = (
    "invalid.text.empty", "invalid.text.too_long",  # limit, length
    "invalid.date.format", "invalid.date.impossible", "invalid.date.year_missing",
    "invalid.date.past", "invalid.date.future",
    "invalid.date.too_far_ahead", "invalid.date.too_far_back",  # days; years
    "invalid.birth_date.future", "invalid.birth_date.too_old",  # -; years
    "invalid.time.format", "invalid.time.out_of_range",
    "invalid.fiscal_code.length", "invalid.fiscal_code.pattern",  # length; -
    "invalid.fiscal_code.check_char",
    "invalid.phone.format",
)  # fmt: skip

FISCAL_CODE_EXAMPLE = "RSSMRA80A01H501U"
PHONE_EXAMPLE = "+39 333 123 4567"
TIME_EXAMPLE = "08:30"
BIRTH_DATE_EXAMPLE = "15/03/1950"
MAX_AGE_YEARS = 120

# Zero-width joiner and tag characters are format characters that emoji sequences need
# (families, flags of Scotland/Wales); other format characters only serve to hide text.
_KEPT_FORMAT = frozenset({0x200D, *range(0xE0020, 0xE0080)})


def clean_text(raw: str, *, max_length: int, multiline: bool = False) -> Result[str]:
    if max_length < 1:
        raise ValueError("max_length must be positive")
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n")
    kept: list[str] = []
    for ch in text:
        if ch in "\n\r\u2028\u2029":
            kept.append("\n" if multiline else " ")
        elif ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cs", "Cf") or ord(ch) in _KEPT_FORMAT:
            kept.append(ch)
    lines = (re.sub(r" {2,}", " ", line).strip() for line in "".join(kept).split("\n"))
    # One blank line may separate paragraphs; more is padding.
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not cleaned:
        return Invalid("invalid.text.empty")
    if len(cleaned) > max_length:
        return Invalid("invalid.text.too_long", None, {"limit": max_length, "length": len(cleaned)})
    return Valid(cleaned)


_RELATIVE_DAYS = {
    "oggi": 0, "today": 0, "domani": 1, "tomorrow": 1,
    "dopodomani": 2, "ieri": -1, "yesterday": -1,
}  # fmt: skip
_MONTH_NAMES = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
    "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# Three-letter abbreviations never collide across the two languages (mar, set/sep, dic/dec).
_MONTHS = {n: i % 12 + 1 for i, name in enumerate(_MONTH_NAMES) for n in (name, name[:3])}
_SEP = r"(?:\s*[/.\-]\s*|\s+)"
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DATE = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}})(?:{_SEP}(\d{{4}}|\d{{2}}))?")
_COMPACT_DATE = re.compile(r"(\d{2})(\d{2})(\d{4})")
_WORDED_DATE = re.compile(r"(\d{1,2})\s*([a-z]+)\.?(?:\s+(\d{4}|\d{2}))?")


def parse_date(
    raw: str,
    *,
    today: date,
    allow_past: bool,
    allow_future: bool,
    max_years_back: int | None = None,
    max_days_ahead: int | None = None,
    year_required: bool = False,
) -> Result[date]:
    """Read a date as Italians type it; a missing or two-digit year picks the nearest fit.

    "Nearest fit" means the candidate closest to ``today`` among those on the allowed side
    of it, so ``25/11`` is the coming 25 November when only future dates make sense.
    """
    example = today.strftime("%d/%m/%Y")
    # NFKC would turn the ordinal in "1º maggio" into a letter, so drop it first.
    text = re.sub(r"(?<=\d)\s*[°º]", "", raw)
    text = " ".join(unicodedata.normalize("NFKC", text).lower().split()).rstrip(".")
    if text in _RELATIVE_DAYS:
        chosen = today + timedelta(days=_RELATIVE_DAYS[text])
    else:
        parts = _date_parts(text)
        if parts is None:
            return Invalid("invalid.date.format", example)
        day, month, year = parts
        if year is None and year_required:
            return Invalid("invalid.date.year_missing", example)
        candidates = []
        for candidate_year in _candidate_years(year, today):
            try:
                candidates.append(date(candidate_year, month, day))
            except ValueError:
                continue
        if not candidates:
            return Invalid("invalid.date.impossible", example)
        allowed = [
            d for d in candidates if (allow_past or d >= today) and (allow_future or d <= today)
        ]
        chosen = min(allowed or candidates, key=lambda d: abs((d - today).days))
    if chosen < today and not allow_past:
        return Invalid("invalid.date.past", example)
    if chosen > today and not allow_future:
        return Invalid("invalid.date.future", example)
    if max_days_ahead is not None and (chosen - today).days > max_days_ahead:
        return Invalid("invalid.date.too_far_ahead", example, {"days": max_days_ahead})
    if max_years_back is not None and chosen < _years_before(today, max_years_back):
        return Invalid("invalid.date.too_far_back", example, {"years": max_years_back})
    return Valid(chosen)


def _date_parts(text: str) -> tuple[int, int, str | None] | None:
    if match := _ISO_DATE.fullmatch(text):
        return int(match[3]), int(match[2]), match[1]
    if match := _NUMERIC_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text):
        return int(match[1]), int(match[2]), match[3]
    if (match := _WORDED_DATE.fullmatch(text)) and match[2] in _MONTHS:
        return int(match[1]), _MONTHS[match[2]], match[3]
    return None


def _candidate_years(year: str | None, today: date) -> list[int]:
    if year is None:
        return [today.year - 1, today.year, today.year + 1]
    if len(year) == 4:
        return [int(year)]
    century = today.year - today.year % 100
    return [century - 100 + int(year), century + int(year), century + 100 + int(year)]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def parse_birth_date(raw: str, *, today: date) -> Result[date]:
    result = parse_date(
        raw, today=today, allow_past=True, allow_future=False,
        max_years_back=MAX_AGE_YEARS, year_required=True,
    )  # fmt: skip
    if isinstance(result, Invalid):
        renamed = {"invalid.date.future": "invalid.birth_date.future",
                   "invalid.date.too_far_back": "invalid.birth_date.too_old"}  # fmt: skip
        return Invalid(renamed.get(result.reason, result.reason), BIRTH_DATE_EXAMPLE, result.params)
    return result


_TIME = re.compile(r"(?:ore\s*)?(\d{1,2})(?:\s*[:.,h]\s*(\d{2}))?")
_COMPACT_TIME = re.compile(r"(\d{1,2})(\d{2})")


def parse_time(raw: str) -> Result[time]:
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    match = _TIME.fullmatch(text) or _COMPACT_TIME.fullmatch(text)
    if match is None:
        return Invalid("invalid.time.format", TIME_EXAMPLE)
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return Invalid("invalid.time.out_of_range", TIME_EXAMPLE)
    return Valid(time(hour, minute))


# Omocodia: when two people would share a code, the office swaps digits for these letters.
_OMOCODE_LETTERS = "LMNPQRSTUV"
_FROM_OMOCODE = str.maketrans(_OMOCODE_LETTERS, "0123456789")
_CF_MONTHS = "ABCDEHLMPRST"
_CF_PATTERN = re.compile(
    r"[A-Z]{6}[0-9L-NP-V]{2}[ABCDEHLMPRST][0-9L-NP-V]{2}[A-Z][0-9L-NP-V]{3}[A-Z]"
)
# Value of each character (0-9 like A-J) in an odd position, from the 1976 decree.
_ODD_VALUES = (
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
)  # fmt: skip
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def fiscal_code_check_char(first15: str) -> str:
    """The 16th character for the first 15 of a code that matches the pattern (DM 23/12/1976)."""
    total = 0
    for index, ch in enumerate(first15):
        # Digits count like the letter at the same place (0 like A, 9 like J).
        rank = int(ch) if ch.isdigit() else ord(ch) - ord("A")
        total += _ODD_VALUES[rank] if index % 2 == 0 else rank
    return chr(ord("A") + total % 26)


def validate_fiscal_code(raw: str) -> Result[str]:
    code = "".join(unicodedata.normalize("NFKC", raw).upper().split())
    if len(code) != 16:
        return Invalid("invalid.fiscal_code.length", FISCAL_CODE_EXAMPLE, {"length": len(code)})
    if not _CF_PATTERN.fullmatch(code) or _encoded_birth(code) is None:
        return Invalid("invalid.fiscal_code.pattern", FISCAL_CODE_EXAMPLE)
    if fiscal_code_check_char(code[:15]) != code[15]:
        return Invalid("invalid.fiscal_code.check_char", FISCAL_CODE_EXAMPLE)
    return Valid(code)


def _encoded_birth(code: str) -> tuple[int, int, int] | None:
    """Two-digit year, month and day of birth, or None when the day cannot exist."""
    year = int(code[6:8].translate(_FROM_OMOCODE))
    month = _CF_MONTHS.index(code[8]) + 1
    day = int(code[9:11].translate(_FROM_OMOCODE))
    day = day - 40 if day > 40 else day  # women's days are shifted by 40
    return (year, month, day) if 1 <= day <= _MONTH_DAYS[month - 1] else None


def fiscal_code_birth_date(code: str, *, today: date) -> date | None:
    """The encoded date of birth, in the latest century that puts it on or before today."""
    result = validate_fiscal_code(code)
    if isinstance(result, Invalid) or (encoded := _encoded_birth(result.value)) is None:
        return None
    year, month, day = encoded
    century = today.year - today.year % 100
    for full_year in (century + year, century - 100 + year):
        with contextlib.suppress(ValueError):  # 29 February outside a leap year
            if (born := date(full_year, month, day)) <= today:
                return born
    return None


def fiscal_code_matches(code: str, *, birth_date: date) -> bool:
    """Whether a valid code encodes this date of birth (the code never holds the century)."""
    result = validate_fiscal_code(code)
    if isinstance(result, Invalid):
        return False
    return _encoded_birth(result.value) == (birth_date.year % 100, birth_date.month, birth_date.day)


# Italian numbers as dialled at home: mobiles start with 3, landlines keep their leading 0.
_ITALIAN_NATIONAL = re.compile(r"3[0-9]{8,9}|0[0-9]{5,10}")


def normalise_phone(raw: str) -> Result[str]:
    """E.164 from a shared contact (``393331234567``) or a typed number (``333 123 4567``)."""
    text = re.sub(r"[\s\-./()]", "", unicodedata.normalize("NFKC", raw))
    if international := re.fullmatch(r"(?:\+|00)(.*)", text):
        digits = international[1]
    elif _ITALIAN_NATIONAL.fullmatch(text):
        digits = "39" + text
    else:  # Telegram shares contacts as the full number without the plus sign
        digits = text
    if not re.fullmatch(r"[1-9][0-9]{7,14}", digits) or (
        digits.startswith("39") and not _ITALIAN_NATIONAL.fullmatch(digits[2:])
    ):
        return Invalid("invalid.phone.format", PHONE_EXAMPLE)
    return Valid("+" + digits)
