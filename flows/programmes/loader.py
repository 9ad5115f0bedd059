"""The practice's programme file (TOML): the built-in programmes as it enables or edits them, the
ones it adds, and its own condition tags besides the defaults.

    tags = ["celiachia"]                # more condition tags (optional)

    [[programme]]
    id = "diabetes"                     # a built-in's id edits it: only the fields given change
    enabled = false

    [[programme]]
    id = "celiac_check"                 # a new id adds a programme
    title = "Controllo celiachia"       # a catalog key, or the practice's own words
    reason = "Controllo annuale celiachia"
    segment = { tags_any = ["celiachia"], min_age = 18 }
    recurrence = { every_months = 12 }  # or once = true, or season = ["ottobre", "dicembre"]

    [[programme.step]]
    day = 0
    own_text = { it = "Buongiorno {first_name}, è tempo del controllo annuale." }
    buttons = ["book", "done", "later", "decline"]

A file with any problem yields no programmes at all: nothing is started from it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from flows.programmes.builtin import DEFAULT_TAGS, builtin_programmes
from flows.programmes.checks import ID_PATTERN, Checker
from flows.programmes.model import Programme
from flows.programmes.problems import Problem, ordered
from flows.programmes.tomllines import Lines

FILE_FIELDS: Final = ("tags", "programme")
MAX_TAG_LENGTH: Final = 40


@dataclass(frozen=True, slots=True)
class Loaded:
    programmes: tuple[Programme, ...] = ()
    tags: tuple[str, ...] = DEFAULT_TAGS
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def load_programmes(
    path: Path | None, *, text_keys: Collection[str], sandbox: bool = False
) -> Loaded:
    """The built-ins, as the file at `path` (if any) enables, edits and adds to them."""
    builtins = builtin_programmes(sandbox=sandbox)
    if path is None:
        return Loaded(programmes=builtins)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return Loaded(problems=(Problem("programme.file.encoding"),))
    except OSError as exc:
        error = exc.strerror or type(exc).__name__
        return Loaded(problems=(Problem("programme.file.unreadable", None, {"error": error}),))
    return parse_programmes(text, text_keys=text_keys, builtins=builtins)


def parse_programmes(
    text: str, *, text_keys: Collection[str], builtins: tuple[Programme, ...]
) -> Loaded:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Loaded(problems=(_syntax(exc),))
    lines = Lines(text)
    problems: list[Problem] = []
    tags = _tags(document.get("tags", []), lines, problems)
    checker = Checker(lines, text_keys=text_keys, tags=tags)
    checker.known_fields(document, FILE_FIELDS, ())
    declared = document.get("programme", [])
    if not isinstance(declared, list) or not all(isinstance(p, dict) for p in declared):
        checker.add("programme.file.type.programmes", ("programme",))
        declared = []
    programmes = {programme.id: programme for programme in builtins}
    seen: dict[str, int | None] = {}
    for index, raw in enumerate(declared):
        path = ("programme", index)
        if not _usable_id(raw, path, checker, seen):
            continue
        found = checker.programme(raw, path, programmes.get(raw["id"]))
        if found is not None:
            programmes[found.id] = found
    problems = ordered([*problems, *checker.problems])
    if problems:
        return Loaded(tags=tags, problems=tuple(problems))
    return Loaded(programmes=tuple(programmes.values()), tags=tags)


def _usable_id(
    raw: Mapping[str, Any], path: tuple[str, int], checker: Checker, seen: dict[str, int | None]
) -> bool:
    identifier = raw.get("id")
    checker.outside()
    if identifier is None:
        checker.add("programme.file.field.missing", path, field="id")
        return False
    if not isinstance(identifier, str) or not ID_PATTERN.fullmatch(identifier):
        checker.add("programme.file.id.invalid", (*path, "id"), value=str(identifier))
        return False
    if identifier in seen:
        checker.add(
            "programme.file.id.twice", (*path, "id"), value=identifier, first=seen[identifier]
        )
        return False
    seen[identifier] = checker.lines.line((*path, "id"))
    return True


def _tags(value: Any, lines: Lines, problems: list[Problem]) -> tuple[str, ...]:
    """The default tags and those the file declares, each once whatever its case."""
    line = lines.line(("tags",))
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        problems.append(Problem("programme.file.type.list", line, {"field": "tags"}))
        return DEFAULT_TAGS
    tags = list(DEFAULT_TAGS)
    for raw in value:
        tag = " ".join(raw.split())
        if not tag or len(tag) > MAX_TAG_LENGTH or any(ch in tag for ch in ",;|"):
            problems.append(Problem("programme.file.tag.invalid", line, {"tag": raw}))
        elif tag.casefold() not in {known.casefold() for known in tags}:
            tags.append(tag)
    return tuple(tags)


def _syntax(exc: tomllib.TOMLDecodeError) -> Problem:
    """tomllib says `Expected '=' ... (at line 3, column 7)`: the line goes where editors look."""
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)
    if line is None and "(at line " in message:
        head, _, tail = message.rpartition(" (at line ")
        number = tail.split(",")[0].rstrip(")")
        if number.isdigit():
            message, line = head, int(number)
    else:
        message = message.rpartition(" (at line ")[0] or message
    return Problem("programme.file.syntax", line, {"error": message})
