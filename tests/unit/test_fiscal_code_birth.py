"""A fiscal code must encode the date of birth typed before it: year digits, month letter, day
(plus 40 for women), with omocodia letters standing for digits."""

from __future__ import annotations

from datetime import date

import pytest

from flows.declarations import Typed
from flows.parsing import fiscal_code_check_char, fiscal_code_matches
from flows.validators import Problem, check

CODE = Typed("fiscal_code", validator="fiscal_code")
TODAY = date(2026, 12, 1)


def signed(first15: str) -> str:
    return first15 + fiscal_code_check_char(first15)


@pytest.mark.parametrize(
    ("first15", "born"),
    [
        ("RSSMRA80A01H501", date(1980, 1, 1)),  # a man
        ("BNCMRA80A41H501", date(1980, 1, 1)),  # a woman: day + 40
        ("RSSMRA52T31H501", date(1952, 12, 31)),  # T is December
        ("RSSMRA80A01H50M", date(1980, 1, 1)),  # omocodia in the town digits only
        ("RSSMRAU0A01H501", date(1980, 1, 1)),  # 8 of the year as U
        ("RSSMRA80ALMH501", date(1980, 1, 1)),  # day 01 as L M
        ("BNCMRA80AQMH501", date(1980, 1, 1)),  # a woman's 41 as Q M
        ("RSSMRA00B29H501", date(2000, 2, 29)),
    ],
)
def test_the_encoded_birth_date_matches(first15: str, born: date) -> None:
    assert fiscal_code_matches(signed(first15), birth_date=born)
    assert check(signed(first15), CODE, today=TODAY, given={"birth_date": born.isoformat()}) == (
        signed(first15)
    )


@pytest.mark.parametrize(
    ("first15", "born"),
    [
        ("RSSMRA80A01H501", date(1980, 1, 2)),  # another day
        ("RSSMRA80B01H501", date(1980, 1, 1)),  # B is February
        ("RSSMRA81A01H501", date(1980, 1, 1)),  # another year
        ("BNCMRA80A41H501", date(1980, 1, 11)),  # 41 is a woman's 1st, not the 11th
        ("RSSMRA80ALNH501", date(1980, 1, 1)),  # L N is 02
    ],
)
def test_another_birth_date_is_refused_kindly(first15: str, born: date) -> None:
    result = check(signed(first15), CODE, today=TODAY, given={"birth_date": born.isoformat()})
    assert isinstance(result, Problem)
    assert result.reason == "invalid.fiscal_code.birth_date"
    assert result.params == {"birth": born.strftime("%d/%m/%Y")}


def test_without_a_birth_date_only_the_code_itself_is_checked() -> None:
    code = signed("RSSMRA80A01H501")
    assert check(code, CODE, today=TODAY, given={}) == code
    assert check(code, CODE, today=TODAY) == code
    assert isinstance(check(code[:-1] + "Z", CODE, today=TODAY, given={}), Problem)


def test_a_malformed_code_says_what_is_wrong_before_the_date() -> None:
    result = check("RSSMRA80A01", CODE, today=TODAY, given={"birth_date": "1980-01-01"})
    assert isinstance(result, Problem)
    assert result.reason == "invalid.fiscal_code.length"
