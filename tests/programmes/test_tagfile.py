"""The CSV of condition tags: separators, header, encodings, and every kind of bad file."""

from __future__ import annotations

import string

from flows.programmes.builtin import DEFAULT_TAGS
from flows.programmes.tagfile import TagFile, TagRow, parse_tag_file
from flows.programmes.tagplan import Holder, plan_import
from flows.validation import fiscal_code_check_char


def code(n: int) -> str:
    """The n-th valid codice fiscale of a made-up series (six letters counting in base 26)."""
    letters = "".join(string.ascii_uppercase[n // 26**k % 26] for k in range(6))
    first15 = f"{letters}80A01H501"
    return first15 + fiscal_code_check_char(first15)


A, B, C = code(0), code(1), code(2)


def parse(text: str | bytes) -> TagFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_tag_file(data, known_tags=DEFAULT_TAGS)


def keys(read: TagFile) -> list[tuple[str, int | None]]:
    return [(p.key, p.line) for p in read.problems]


def test_semicolons_with_a_header_and_tags_split_by_commas() -> None:
    read = parse(f"Codice fiscale;Patologie\n{A};diabete, Ipertensione\n{B};\n")
    assert not read.problems
    assert read.header
    assert read.delimiter == ";"
    assert read.rows == (
        TagRow(2, A, frozenset({"diabete", "ipertensione"})),
        TagRow(3, B, frozenset()),
    )


def test_commas_without_header_and_a_tag_per_column() -> None:
    read = parse(f"{A},diabete,scompenso cardiaco\n{B.lower()},bpco\n")
    assert not read.problems
    assert not read.header
    assert read.delimiter == ","
    assert read.rows[0].tags == {"diabete", "scompenso cardiaco"}
    assert read.rows[1] == TagRow(2, B, frozenset({"BPCO"}))


def test_tabs_quotes_and_a_code_column_named_second() -> None:
    read = parse(f'tags\tCF\n"diabete;fragile"\t{A}\n')
    assert not read.problems
    assert read.delimiter == "\t"
    assert read.rows == (TagRow(2, A, frozenset({"diabete", "fragile"})),)


def test_utf8_with_bom_and_latin1() -> None:
    bom = parse(b"\xef\xbb\xbf" + f"codice fiscale;tag\n{A};gravidanza\n".encode())
    assert not bom.problems
    assert bom.encoding == "UTF-8"
    assert bom.header
    latin = parse(f"Codice fiscale;Patologìa\n{A};fragile\n".encode("latin-1"))
    assert not latin.problems
    assert latin.encoding == "Latin-1"
    assert latin.rows[0].tags == {"fragile"}
    utf16 = parse(f"CF\ttag\r\n{A}\tdiabete\r\n".encode("utf-16"))
    assert not utf16.problems
    assert utf16.rows[0].fiscal_code == A


def test_a_wrong_separator_is_one_clear_problem() -> None:
    assert keys(parse(f"{A}|diabete\n{B}|fragile\n")) == [("tagfile.separator", None)]
    assert keys(parse(f"{A}\n{B}\n")) == [("tagfile.one_column", None)]


def test_malformed_codes_duplicates_and_unknown_tags_with_their_lines() -> None:
    bad = A[:15] + ("A" if A[15] != "A" else "B")
    read = parse(f"{A};diabete\n{bad};diabete\nRSSMRA;fragile\n;fragile\n{A};BPCO\n{B};diabetes\n")
    assert keys(read) == [
        ("tagfile.code.check_char", 2),
        ("tagfile.code.length", 3),
        ("tagfile.code.missing", 4),
        ("tagfile.code.duplicate", 5),
        ("tagfile.tag.unknown", 6),
    ]
    assert read.problems[3].params == {"code": A, "first": 1}
    assert read.problems[4].params["tag"] == "diabetes"


def test_a_binary_file_or_a_spreadsheet() -> None:
    assert keys(parse(bytes(range(256)) * 10)) == [("tagfile.binary", None)]
    assert keys(parse(b"\x01\x02\x03\x04garbage\x05\x06\x07" * 50)) == [("tagfile.binary", None)]
    assert keys(parse(b"PK\x03\x04rest of a zip")) == [("tagfile.spreadsheet", None)]
    assert keys(parse(b"")) == [("tagfile.empty", None)]
    assert keys(parse(b"\n\n  \n")) == [("tagfile.empty", None)]


def test_fifty_thousand_rows() -> None:
    lines = [f"{code(n)};diabete" for n in range(50_000)]
    read = parse("CF;tag\n" + "\n".join(lines))
    assert not read.problems
    assert len(read.rows) == 50_000
    assert read.rows[-1].line == 50_001
    too_many = parse_tag_file(("\n".join(lines)).encode(), known_tags=DEFAULT_TAGS, max_rows=10_000)
    assert keys(too_many) == [("tagfile.too_many_rows", None)]
    assert too_many.problems[0].params == {"rows": 50_000, "max": 10_000}


def test_the_plan_says_what_changes_per_patient() -> None:
    rows = (
        TagRow(1, A, frozenset({"diabete", "BPCO"})),
        TagRow(2, B, frozenset({"fragile"})),
        TagRow(3, C, frozenset()),
    )
    holders = {
        A: Holder(10, frozenset({"diabete", "fragile"})),
        B: Holder(11, frozenset({"fragile"})),
    }
    plan = plan_import(rows, holders)
    assert [(c.patient_id, c.added, c.removed) for c in plan.changes] == [
        (10, ("BPCO",), ("fragile",))
    ]
    assert plan.unchanged == 1
    assert plan.unregistered == (rows[2],)
    assert (plan.added, plan.removed) == (1, 1)
