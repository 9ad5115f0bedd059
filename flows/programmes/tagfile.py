"""Reading the practice's CSV of condition tags: one row per patient, a codice fiscale and the
tags, as exported from the clinical record software.

Nothing here touches the database: the file becomes rows and problems (catalog keys with the line
they are on), and `tagplan` turns the rows into the changes to apply. The separator, the header
and the encoding are detected, because each clinical program exports them differently.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flows.programmes.problems import Problem
from flows.validation import Invalid, validate_fiscal_code

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000  # a practice has a few thousand patients; far more is not this file
DELIMITERS = ("\t", ";", ",")
# How a header names the codice fiscale column, folded (lower case, no spaces or dots).
FISCAL_CODE_HEADERS = frozenset({"codicefiscale", "cf", "codfisc", "codfiscale", "fiscalcode"})
TAG_SPLIT = re.compile(r"[,;|]")
_CODE_SHAPE = re.compile(r"[A-Za-z0-9]{16}")
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx / ods (zip), xls (OLE)
_MALFORMED = {
    "invalid.fiscal_code.length": "tagfile.code.length",
    "invalid.fiscal_code.pattern": "tagfile.code.pattern",
    "invalid.fiscal_code.check_char": "tagfile.code.check_char",
}


@dataclass(frozen=True, slots=True)
class TagRow:
    line: int
    fiscal_code: str
    tags: frozenset[str]


@dataclass(frozen=True, slots=True)
class TagFile:
    rows: tuple[TagRow, ...] = ()
    problems: tuple[Problem, ...] = ()
    encoding: str = ""
    delimiter: str = ""
    header: bool = False


def decode(data: bytes) -> tuple[str, str] | Problem:
    """The text and the name of its encoding, or why this is not a text file."""
    if not data.strip():
        return Problem("tagfile.empty")
    if data.startswith(_SPREADSHEET_MAGIC):
        return Problem("tagfile.spreadsheet")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # spreadsheets' "Unicode text"
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            return Problem("tagfile.binary")
    if b"\x00" in data:
        return Problem("tagfile.binary")
    try:
        text, encoding = data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "Latin-1"
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if controls > max(2, len(text) // 100):
        return Problem("tagfile.binary")
    return text, encoding


def fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def _is_code_header(cell: str) -> bool:
    return re.sub(r"[\s._-]", "", cell).casefold() in FISCAL_CODE_HEADERS


def _looks_like_code(cell: str) -> bool:
    return _CODE_SHAPE.fullmatch("".join(cell.split())) is not None


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def detect_delimiter(lines: list[str]) -> str | None:
    """The separator that puts a codice fiscale (or its header) alone in the first column of the
    most rows. Tags may hold another candidate (`;` between columns, `,` between tags), which
    fools csv.Sniffer's counting; a codice fiscale never holds one. Sniffer decides the rest."""
    sample = [line for line in lines[:200] if line.strip()]
    scores = {
        delimiter: sum(
            1
            for line in sample
            if (cells := _split(line, delimiter))
            and len(cells) > 1
            and (_looks_like_code(cells[0]) or _is_code_header(cells[0]))
        )
        for delimiter in DELIMITERS
    }
    best = max(DELIMITERS, key=lambda d: scores[d])
    if scores[best]:
        return best
    try:
        return csv.Sniffer().sniff("\n".join(sample), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return None


def _has_header(first: list[str], sample: str) -> bool:
    if any(_looks_like_code(cell) for cell in first):
        return False
    if any(_is_code_header(cell) for cell in first):
        return True
    try:
        return csv.Sniffer().has_header(sample)
    except csv.Error:
        return False


def parse_tag_file(data: bytes, *, known_tags: Iterable[str], max_rows: int = MAX_ROWS) -> TagFile:
    """Rows and problems of a tag file; any problem means the file must not be applied."""
    if len(data) > MAX_BYTES:
        return TagFile(problems=(Problem("tagfile.too_large", None, {"mb": MAX_BYTES >> 20}),))
    decoded = decode(data)
    if isinstance(decoded, Problem):
        return TagFile(problems=(decoded,))
    text, encoding = decoded
    lines = text.splitlines()
    delimiter = detect_delimiter(lines)
    if delimiter is None:
        alone = [line for line in lines[:200] if line.strip()]
        lonely = alone and all(_looks_like_code(line) or _is_code_header(line) for line in alone)
        problem = Problem("tagfile.one_column" if lonely else "tagfile.separator")
        return TagFile(problems=(problem,), encoding=encoding)
    records = [(number, cells) for number, cells in _records(lines, delimiter) if any(cells)]
    if not records:
        return TagFile(problems=(Problem("tagfile.empty"),), encoding=encoding)
    header = _has_header(records[0][1], "\n".join(lines[:50]))
    code_column = 0
    if header:
        named = [i for i, cell in enumerate(records[0][1]) if _is_code_header(cell)]
        code_column = named[0] if named else 0
        records = records[1:]
    if len(records) > max_rows:
        too_many = Problem("tagfile.too_many_rows", None, {"rows": len(records), "max": max_rows})
        return TagFile((), (too_many,), encoding, delimiter, header)
    if records and all(len(cells) < 2 for _, cells in records):
        return TagFile((), (Problem("tagfile.one_column"),), encoding, delimiter, header)
    rows, problems = _rows(records, code_column, known_tags)
    return TagFile(tuple(rows), tuple(problems), encoding, delimiter, header)


def _records(lines: list[str], delimiter: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, [cell.strip() for cell in cells]
        start = reader.line_num + 1


def _rows(
    records: list[tuple[int, list[str]]], code_column: int, known_tags: Iterable[str]
) -> tuple[list[TagRow], list[Problem]]:
    canonical = {fold(tag): tag for tag in known_tags}
    known = ", ".join(sorted(canonical.values(), key=str.casefold))
    rows: list[TagRow] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    for line, cells in records:
        raw = cells[code_column] if code_column < len(cells) else ""
        result = validate_fiscal_code(raw)
        if isinstance(result, Invalid):
            key = _MALFORMED.get(result.reason, "tagfile.code.pattern")
            problems.append(Problem(key if raw else "tagfile.code.missing", line, {"code": raw}))
            continue
        code = result.value
        if code in first_seen:
            params = {"code": code, "first": first_seen[code]}
            problems.append(Problem("tagfile.code.duplicate", line, params))
            continue
        first_seen[code] = line
        tags: set[str] = set()
        for cell in cells[:code_column] + cells[code_column + 1 :]:
            for name in (fold(part) for part in TAG_SPLIT.split(cell)):
                if not name:
                    continue
                if name not in canonical:
                    params = {"tag": name, "known": known}
                    problems.append(Problem("tagfile.tag.unknown", line, params))
                    continue
                tags.add(canonical[name])
        rows.append(TagRow(line, code, frozenset(tags)))
    return rows, problems
