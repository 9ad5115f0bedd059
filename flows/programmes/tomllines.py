"""Where each table and key of a TOML file is, by line: tomllib gives values without positions,
and a practice fixing its programme file wants the line of each problem.

A light scan, not a parser (tomllib has already accepted the file): it follows `[table]` and
`[[array.of.tables]]` headers and `key =` lines, skipping the inside of multi-line strings and
arrays. A path is the keys and array indexes from the top, as the parsed document nests them.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")


def _keys(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


class Lines:
    def __init__(self, text: str) -> None:
        self._at: dict[Path, int] = {}
        self._arrays: dict[Path, int] = {}  # an array of tables -> index of its last element
        current: Path = ()
        depth = 0  # open brackets of a multi-line array
        quote: str | None = None  # the delimiter of an open multi-line string
        for number, line in enumerate(text.splitlines(), start=1):
            if quote is not None:
                if line.count(quote) % 2:
                    quote = None
                continue
            if depth:
                depth = max(0, depth + _balance(line))
                continue
            header = _HEADER.match(line)
            if header:
                current = self._enter(_keys(header[2]), array=header[1] == "[[")
                self._at.setdefault(current, number)
                continue
            key = _KEY.match(line)
            if key is None:
                continue
            self._at.setdefault(current + _keys(key[1]), number)
            value = line[key.end() :]
            for triple in ('"""', "'''"):
                if value.count(triple) % 2:
                    quote = triple
            if quote is None:
                depth = max(0, _balance(value))

    def _resolve(self, keys: tuple[str, ...]) -> Path:
        path: Path = ()
        for key in keys:
            path += (key,)
            if path in self._arrays:
                path += (self._arrays[path],)
        return path

    def _enter(self, keys: tuple[str, ...], *, array: bool) -> Path:
        if not array:
            return self._resolve(keys)
        base = (*self._resolve(keys[:-1]), keys[-1])
        self._arrays[base] = self._arrays.get(base, -1) + 1
        return (*base, self._arrays[base])

    def line(self, path: Path) -> int | None:
        """The line of `path`, or of the nearest enclosing table or key that has one."""
        for end in range(len(path), 0, -1):
            if (found := self._at.get(path[:end])) is not None:
                return found
        return None


def _balance(text: str) -> int:
    """Brackets opened minus closed, outside strings and comments (near enough for arrays)."""
    balance = 0
    quote: str | None = None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            balance += 1
        elif ch in "]}":
            balance -= 1
    return balance
