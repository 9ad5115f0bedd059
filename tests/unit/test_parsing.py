"""Patient-typed values: what is accepted, what it becomes, and which message a refusal names."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from flows.parsing import (
    BIRTH_DATE_EXAMPLE,
    FISCAL_CODE_EXAMPLE,
    REASON_KEYS,
    Invalid,
    Valid,
    clean_text,
    fiscal_code_birth_date,
    fiscal_code_matches,
    normalise_phone,
    parse_birth_date,
    parse_date,
    parse_time,
    validate_fiscal_code,
)

TODAY = date(2026, 11, 24)  # a Tuesday

# The check-character tables written out independently of the module under test.
_ODD = dict(zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21], strict=True)) | dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            1,
            0,
            5,
            7,
            9,
            13,
            15,
            17,
            19,
            21,
            2,
            4,
            18,
            20,
            11,
            3,
            6,
            8,
            12,
            14,
            16,
            10,
            22,
            25,
            24,
            23,
        ],
        strict=True,
    )
)
_EVEN = {str(d): d for d in range(10)} | {chr(65 + i): i for i in range(26)}
_OMOCODE_POSITIONS = (14, 13, 12, 10, 9, 7, 6)  # replaced right to left


def with_check_char(first15: str) -> str:
    total = sum(_ODD[c] if i % 2 == 0 else _EVEN[c] for i, c in enumerate(first15))
    return first15 + chr(65 + total % 26)


def omocode(code: str, replaced: int) -> str:
    chars = list(code[:15])
    for position in _OMOCODE_POSITIONS[:replaced]:
        chars[position] = "LMNPQRSTUV"[int(chars[position])]
    return with_check_char("".join(chars))


# --- free text -----------------------------------------------------------------------------

CLEAN_TEXT_OK = [
    ("  Buongiorno dottore  ", False, "Buongiorno dottore"),
    ("troppi     spazi\tqui", False, "troppi spazi qui"),
    ("a\x00b\x07c\x1b[31m", False, "abc[31m"),
    ("cafe\u0301", False, "café"),  # decomposed accent becomes one character (NFC)
    ("zero\u200bwidth\ufeff", False, "zerowidth"),
    ("\u202eevil", False, "evil"),  # bidi override could disguise the text
    ("famiglia \U0001f468\u200d\U0001f469\u200d\U0001f467", False, "famiglia 👨‍👩‍👧"),
    ("riga uno\nriga due", False, "riga uno riga due"),
    ("riga uno\r\nriga due", True, "riga uno\nriga due"),
    ("  uno  \n   due   ", True, "uno\ndue"),
    ("uno\n\n\n\n\n due", True, "uno\n\ndue"),
    ("uno\u2028due", True, "uno\ndue"),
    ("a" + " " * 5000 + "b", False, "a b"),  # collapsed before the length check
]


@pytest.mark.parametrize(("raw", "multiline", "expected"), CLEAN_TEXT_OK)
def test_clean_text_accepts_and_tidies(raw: str, multiline: bool, expected: str) -> None:
    assert clean_text(raw, max_length=100, multiline=multiline) == Valid(expected)


@pytest.mark.parametrize("raw", ["", "   ", "\n\t\r", "\x00\x01", "\u200b"])
def test_clean_text_refuses_empty(raw: str) -> None:
    assert clean_text(raw, max_length=100, multiline=True) == Invalid("invalid.text.empty")


def test_clean_text_refuses_5000_characters_with_the_limit() -> None:
    result = clean_text("x" * 5000, max_length=1000)
    assert result == Invalid("invalid.text.too_long", params={"limit": 1000, "length": 5000})


def test_clean_text_accepts_exactly_the_limit() -> None:
    assert clean_text("é" * 10, max_length=10) == Valid("é" * 10)


def test_clean_text_rejects_a_nonsense_limit() -> None:
    with pytest.raises(ValueError, match="max_length"):
        clean_text("x", max_length=0)


# --- dates -----------------------------------------------------------------------------------

# (allow_past, allow_future)
BOTH = (True, True)
FUTURE = (False, True)
PAST = (True, False)

DATES_OK = [
    ("25/11/2026", BOTH, date(2026, 11, 25)),
    ("25-11-2026", BOTH, date(2026, 11, 25)),
    ("25.11.2026", BOTH, date(2026, 11, 25)),
    ("25/11/26", BOTH, date(2026, 11, 25)),
    ("2026-11-25", BOTH, date(2026, 11, 25)),
    ("25 11 2026", BOTH, date(2026, 11, 25)),
    (" 5 / 1 / 2027 ", BOTH, date(2027, 1, 5)),
    ("25112026", BOTH, date(2026, 11, 25)),
    ("3 marzo 2027", BOTH, date(2027, 3, 3)),
    ("1º maggio 2027", BOTH, date(2027, 5, 1)),
    ("1° Maggio", FUTURE, date(2027, 5, 1)),
    ("12 dic", FUTURE, date(2026, 12, 12)),
    ("7 January 2027", BOTH, date(2027, 1, 7)),
    ("oggi", FUTURE, TODAY),
    ("Domani", FUTURE, date(2026, 11, 25)),
    ("today", PAST, TODAY),
    ("tomorrow", BOTH, date(2026, 11, 25)),
    ("ieri", PAST, date(2026, 11, 23)),
    # Day and month alone: the nearest such date on the side that is allowed.
    ("25/11", FUTURE, date(2026, 11, 25)),
    ("24/11", FUTURE, TODAY),
    ("20/11", FUTURE, date(2027, 11, 20)),
    ("20/11", PAST, date(2026, 11, 20)),
    ("25/11", PAST, date(2025, 11, 25)),
    ("20/11", BOTH, date(2026, 11, 20)),
    ("02/01", BOTH, date(2027, 1, 2)),
    ("02.01", PAST, date(2026, 1, 2)),
    # Two-digit years: the century that fits.
    ("01/01/27", FUTURE, date(2027, 1, 1)),
    ("01/01/90", PAST, date(1990, 1, 1)),
]


@pytest.mark.parametrize(("raw", "allowed", "expected"), DATES_OK)
def test_parse_date_reads_italian_formats(
    raw: str, allowed: tuple[bool, bool], expected: date
) -> None:
    past, future = allowed
    assert parse_date(raw, today=TODAY, allow_past=past, allow_future=future) == Valid(expected)


DATES_BAD = [
    ("", BOTH, {}, "invalid.date.format"),
    ("abc", BOTH, {}, "invalid.date.format"),
    ("25/11/202", BOTH, {}, "invalid.date.format"),
    ("25/11/2026/1", BOTH, {}, "invalid.date.format"),
    ("2026", BOTH, {}, "invalid.date.format"),
    ("25 brumaio", BOTH, {}, "invalid.date.format"),
    ("31/02/2026", BOTH, {}, "invalid.date.impossible"),
    ("29/02/2027", BOTH, {}, "invalid.date.impossible"),
    ("31 aprile 2027", BOTH, {}, "invalid.date.impossible"),
    ("00/11/2026", BOTH, {}, "invalid.date.impossible"),
    ("11/25/2026", BOTH, {}, "invalid.date.impossible"),  # American order
    ("23/11/2026", FUTURE, {}, "invalid.date.past"),
    ("ieri", FUTURE, {}, "invalid.date.past"),
    ("25/11/2026", PAST, {}, "invalid.date.future"),
    ("domani", PAST, {}, "invalid.date.future"),
    ("25/12/2026", FUTURE, {"max_days_ahead": 30}, "invalid.date.too_far_ahead"),
    ("23/11/2025", PAST, {"max_years_back": 1}, "invalid.date.too_far_back"),
    ("25/11", BOTH, {"year_required": True}, "invalid.date.year_missing"),
]


@pytest.mark.parametrize(("raw", "allowed", "limits", "reason"), DATES_BAD)
def test_parse_date_names_what_is_wrong(
    raw: str, allowed: tuple[bool, bool], limits: dict[str, Any], reason: str
) -> None:
    past, future = allowed
    result = parse_date(raw, today=TODAY, allow_past=past, allow_future=future, **limits)
    assert isinstance(result, Invalid)
    assert result.reason == reason
    assert result.example == "24/11/2026"


def test_parse_date_limits_are_inclusive_and_carried_as_params() -> None:
    def ahead_within_30(raw: str) -> Valid[date] | Invalid:
        return parse_date(raw, today=TODAY, allow_past=False, allow_future=True, max_days_ahead=30)

    def back_within(raw: str, years: int) -> Valid[date] | Invalid:
        return parse_date(
            raw, today=TODAY, allow_past=True, allow_future=False, max_years_back=years
        )

    assert ahead_within_30("24/12/2026") == Valid(date(2026, 12, 24))
    assert back_within("24/11/2025", 1) == Valid(date(2025, 11, 24))
    ahead = ahead_within_30("25/12/2026")
    back = back_within("01/01/2000", 5)
    assert ahead == Invalid("invalid.date.too_far_ahead", "24/11/2026", {"days": 30})
    assert back == Invalid("invalid.date.too_far_back", "24/11/2026", {"years": 5})


BIRTH_DATES = [
    ("15/03/1950", date(1950, 3, 15)),
    ("15.3.1950", date(1950, 3, 15)),
    ("1950-03-15", date(1950, 3, 15)),
    ("01/01/50", date(1950, 1, 1)),
    ("10/12/05", date(2005, 12, 10)),
    ("24/11/1906", date(1906, 11, 24)),  # exactly 120 today
    ("oggi", TODAY),  # a newborn
]


@pytest.mark.parametrize(("raw", "expected"), BIRTH_DATES)
def test_parse_birth_date_accepts(raw: str, expected: date) -> None:
    assert parse_birth_date(raw, today=TODAY) == Valid(expected)


BIRTH_DATES_BAD = [
    ("25/11", "invalid.date.year_missing"),
    ("25/11/2027", "invalid.birth_date.future"),
    ("domani", "invalid.birth_date.future"),
    ("23/11/1906", "invalid.birth_date.too_old"),
    ("31/02/1980", "invalid.date.impossible"),
    ("marzo 1950", "invalid.date.format"),
]


@pytest.mark.parametrize(("raw", "reason"), BIRTH_DATES_BAD)
def test_parse_birth_date_refuses(raw: str, reason: str) -> None:
    result = parse_birth_date(raw, today=TODAY)
    assert isinstance(result, Invalid)
    assert (result.reason, result.example) == (reason, BIRTH_DATE_EXAMPLE)


# --- times -----------------------------------------------------------------------------------

TIMES = [
    ("8:00", time(8, 0)),
    ("08:00", time(8, 0)),
    ("8.30", time(8, 30)),
    ("8,30", time(8, 30)),
    ("0830", time(8, 30)),
    ("830", time(8, 30)),
    ("8", time(8, 0)),
    ("17h15", time(17, 15)),
    (" ore 9 ", time(9, 0)),
    ("23:59", time(23, 59)),
    ("0:00", time(0, 0)),
]


@pytest.mark.parametrize(("raw", "expected"), TIMES)
def test_parse_time_accepts(raw: str, expected: time) -> None:
    assert parse_time(raw) == Valid(expected)


TIMES_BAD = [
    ("", "invalid.time.format"),
    ("mattina", "invalid.time.format"),
    ("8:5", "invalid.time.format"),
    ("12345", "invalid.time.format"),
    ("-8", "invalid.time.format"),
    ("24:00", "invalid.time.out_of_range"),
    ("8:60", "invalid.time.out_of_range"),
    ("2530", "invalid.time.out_of_range"),
]


@pytest.mark.parametrize(("raw", "reason"), TIMES_BAD)
def test_parse_time_refuses(raw: str, reason: str) -> None:
    result = parse_time(raw)
    assert isinstance(result, Invalid)
    assert result.reason == reason


# --- codice fiscale --------------------------------------------------------------------------

_BASES = ["RSSMRA80A01H501U", "RSSMRA85T10A562S", with_check_char("BNCLCU72E52F205")]
FISCAL_CODES_OK = [
    ("RSSMRA80A01H501U", "RSSMRA80A01H501U"),  # the usual textbook example
    ("RSSMRA85T10A562S", "RSSMRA85T10A562S"),
    ("RSSMRA85T10A56NH", "RSSMRA85T10A56NH"),  # omocodic, as published
    ("rssmra80a01h501u", "RSSMRA80A01H501U"),
    ("RSS MRA 80A01 H501U", "RSSMRA80A01H501U"),
    (" rssmra80a01h501u\n", "RSSMRA80A01H501U"),
    ("ＲＳＳＭＲＡ80A01H501U", "RSSMRA80A01H501U"),  # full-width letters from some keyboards
    *[(omocode(base, n), omocode(base, n)) for base in _BASES for n in range(1, 8)],
]


@pytest.mark.parametrize(("raw", "expected"), FISCAL_CODES_OK)
def test_validate_fiscal_code_accepts(raw: str, expected: str) -> None:
    assert validate_fiscal_code(raw) == Valid(expected)


def test_the_example_shown_to_patients_is_valid() -> None:
    assert with_check_char(FISCAL_CODE_EXAMPLE[:15]) == FISCAL_CODE_EXAMPLE
    assert validate_fiscal_code(FISCAL_CODE_EXAMPLE) == Valid(FISCAL_CODE_EXAMPLE)


FISCAL_CODES_BAD = [
    ("", "invalid.fiscal_code.length"),
    ("RSSMRA80A01H501", "invalid.fiscal_code.length"),
    ("RSSMRA80A01H501UX", "invalid.fiscal_code.length"),
    ("12345678901", "invalid.fiscal_code.length"),  # a VAT number
    ("RSSMRA80Z01H501U", "invalid.fiscal_code.pattern"),  # Z is no month
    ("1SSMRA80A01H501U", "invalid.fiscal_code.pattern"),
    ("RSSMRA8OA01H501U", "invalid.fiscal_code.pattern"),  # letter O for zero
    ("RSSMRA80A01H5O1U", "invalid.fiscal_code.pattern"),
    ("RSSMRA80A01H501-", "invalid.fiscal_code.pattern"),
    ("RSSMRAW0A01H501U", "invalid.fiscal_code.pattern"),  # W is no omocode letter
    (with_check_char("RSSMRA80A32H501"), "invalid.fiscal_code.pattern"),  # day 32
    (with_check_char("RSSMRA80A00H501"), "invalid.fiscal_code.pattern"),
    (with_check_char("RSSMRA80B30H501"), "invalid.fiscal_code.pattern"),  # 30 February
    (with_check_char("RSSMRA80A72H501"), "invalid.fiscal_code.pattern"),  # 32 + 40
    ("RSSMRA80A01H501V", "invalid.fiscal_code.check_char"),
    ("RSSMRA80A01H510U", "invalid.fiscal_code.check_char"),  # swapped digits
    ("RSSMRA80A01H50MV", "invalid.fiscal_code.check_char"),
    *[("RSSMRA80A01H501" + c, "invalid.fiscal_code.check_char") for c in "ABCXYZ"],
]


@pytest.mark.parametrize(("raw", "reason"), FISCAL_CODES_BAD)
def test_validate_fiscal_code_refuses(raw: str, reason: str) -> None:
    result = validate_fiscal_code(raw)
    assert isinstance(result, Invalid)
    assert (result.reason, result.example) == (reason, FISCAL_CODE_EXAMPLE)


def test_wrong_length_says_how_many_characters_were_typed() -> None:
    result = validate_fiscal_code("RSS MRA 80A01")
    assert isinstance(result, Invalid)
    assert result.params == {"length": 11}


@pytest.mark.parametrize(
    ("code", "born"),
    [
        ("RSSMRA80A01H501U", date(1980, 1, 1)),
        ("RSSMRA85T10A56NH", date(1985, 12, 10)),
        (with_check_char("BNCLCU72E52F205"), date(1972, 5, 12)),  # a woman: day + 40
        (with_check_char("RSSMRA10A01H501"), date(2010, 1, 1)),
        (with_check_char("RSSMRA26A01H501"), date(2026, 1, 1)),
        (with_check_char("RSSMRA26T10H501"), date(1926, 12, 10)),  # 2026-12-10 is still ahead
        (omocode(with_check_char("RSSMRA10A01H501"), 7), date(2010, 1, 1)),
        ("RSSMRA80A01H501V", None),
        ("nonsense", None),
    ],
)
def test_fiscal_code_birth_date(code: str, born: date | None) -> None:
    assert fiscal_code_birth_date(code, today=TODAY) == born


@pytest.mark.parametrize(
    ("code", "birth_date", "matches"),
    [
        ("RSSMRA80A01H501U", date(1980, 1, 1), True),
        ("rssmra80a01h501u", date(1980, 1, 1), True),
        ("RSSMRA85T10A56NH", date(1985, 12, 10), True),
        (with_check_char("BNCLCU72E52F205"), date(1972, 5, 12), True),
        ("RSSMRA80A01H501U", date(1980, 1, 2), False),
        ("RSSMRA80A01H501U", date(1980, 2, 1), False),
        ("RSSMRA80A01H501U", date(1981, 1, 1), False),
        ("RSSMRA80A01H501V", date(1980, 1, 1), False),  # wrong check character
    ],
)
def test_fiscal_code_matches(code: str, birth_date: date, matches: bool) -> None:
    assert fiscal_code_matches(code, birth_date=birth_date) is matches


# --- phone numbers ---------------------------------------------------------------------------

PHONES = [
    ("393331234567", "+393331234567"),  # Telegram's shared contact
    ("+393331234567", "+393331234567"),
    ("+39 333 123 4567", "+393331234567"),
    ("0039 333 1234567", "+393331234567"),
    ("333 123 4567", "+393331234567"),
    ("333-123.4567", "+393331234567"),
    ("3931234567", "+393931234567"),  # an Italian mobile that starts with 393
    ("(06) 1234 5678", "+390612345678"),  # landlines keep their leading zero
    ("+39 02 1234567", "+39021234567"),
    ("447911123456", "+447911123456"),  # a foreign contact shared without the plus
    ("+41 79 123 45 67", "+41791234567"),
]


@pytest.mark.parametrize(("raw", "expected"), PHONES)
def test_normalise_phone(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == Valid(expected)


@pytest.mark.parametrize(
    "raw", ["", "abc", "123", "+39 12345", "+39 512 345 6789", "+0123456789", "333 12A 4567",
            "+1234567890123456", "333١٢٣٤٥٦٧"],
)  # fmt: skip
def test_normalise_phone_refuses_garbage(raw: str) -> None:
    assert normalise_phone(raw) == Invalid("invalid.phone.format", "+39 333 123 4567")


# --- the catalogs' side ------------------------------------------------------------------------


def test_reason_keys_are_unique_message_keys() -> None:
    assert len(set(REASON_KEYS)) == len(REASON_KEYS)
    assert all(key.startswith("invalid.") and " " not in key for key in REASON_KEYS)


def test_every_reason_key_is_produced_by_some_input() -> None:
    produced = {reason for *_, reason in DATES_BAD}
    produced |= {reason for _, reason in BIRTH_DATES_BAD + TIMES_BAD + FISCAL_CODES_BAD}
    produced |= {"invalid.text.empty", "invalid.text.too_long", "invalid.phone.format"}
    assert produced == set(REASON_KEYS)
