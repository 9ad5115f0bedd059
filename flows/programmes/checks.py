"""Checking one declaration of the practice's programme file and turning it into the model.

Each check adds a problem (a catalog key, the line, the programme and step it is in) and goes on,
so the practice sees every mistake at once rather than one per attempt. Values that fail a check
are left out; the caller starts nothing from a file with problems.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Collection, Mapping
from dataclasses import fields, replace
from typing import Any, Final

from flows.programmes.model import (
    Answer,
    EveryMonths,
    Once,
    Programme,
    Recurrence,
    Segment,
    Sex,
    Step,
)
from flows.programmes.problems import Problem
from flows.programmes.seasons import season_of
from flows.programmes.tomllines import Lines, Path

ID_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")
# A catalog key; any other title or reason is the practice's own words, used as written.
TEXT_KEY: Final = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")
PLACEHOLDERS: Final = ("first_name",)
LANGUAGES: Final = ("it", "en")
MAX_AGE: Final = 120
MAX_DAY: Final = 365
MAX_MONTHS: Final = 120
MAX_FINAL_WAIT: Final = 60
PROGRAMME_FIELDS: Final = (
    "id", "enabled", "title", "reason", "final_wait_days", "segment", "recurrence", "step",
)  # fmt: skip
SEGMENT_FIELDS: Final = tuple(f.name for f in fields(Segment))
RECURRENCE_FIELDS: Final = ("once", "every_months", "season")
STEP_FIELDS: Final = ("day", "text", "own_text", "buttons")
BUTTONS: Final = tuple(answer.value for answer in Answer)
TAG_FIELDS: Final = ("tags_any", "tags_all", "tags_none")


class Checker:
    """Checks declarations against the texts and tags the practice has, collecting problems."""

    def __init__(self, lines: Lines, *, text_keys: Collection[str], tags: Collection[str]):
        self.lines = lines
        self.text_keys = text_keys
        self.tags = tags
        self.problems: list[Problem] = []
        self._programme: str | None = None
        self._step: int | None = None

    def outside(self) -> None:
        """What follows is about the file, not inside a declaration."""
        self._programme, self._step = None, None

    def add(self, problem: str, path: Path, /, **params: Any) -> None:
        line = self.lines.line(path)
        self.problems.append(Problem(problem, line, params, self._programme, self._step))

    def known_fields(self, raw: Mapping[str, Any], allowed: tuple[str, ...], path: Path) -> None:
        for name in raw:
            if name in allowed:
                continue
            close = difflib.get_close_matches(name, allowed, n=1)
            if close:
                self.add(
                    "programme.file.field.unknown.hint", (*path, name), field=name, hint=close[0]
                )
            else:
                known = ", ".join(allowed)
                self.add("programme.file.field.unknown", (*path, name), field=name, known=known)

    def typed(self, raw: Mapping[str, Any], name: str, kind: type, path: Path) -> Any:
        """The value when it has the expected type; else None, with a problem."""
        value = raw.get(name)
        if value is None:
            return None
        wrong = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        if wrong:
            self.add(f"programme.file.type.{kind.__name__}", (*path, name), field=name)
            return None
        return value

    def programme(
        self, raw: Mapping[str, Any], path: Path, base: Programme | None
    ) -> Programme | None:
        """A declaration; with `base` (the built-in of the same id), the fields it changes."""
        self._programme, self._step = str(raw.get("id", "?")), None
        self.known_fields(raw, PROGRAMME_FIELDS, path)
        before = len(self.problems)
        found: dict[str, Any] = {}
        for name in ("title", "reason"):
            if (text := self.typed(raw, name, str, path)) is not None:
                found[name] = self.text(text, name, (*path, name))
        if (enabled := self.typed(raw, "enabled", bool, path)) is not None:
            found["enabled"] = enabled
        if (wait := self.typed(raw, "final_wait_days", int, path)) is not None:
            if not 1 <= wait <= MAX_FINAL_WAIT:
                self.add("programme.file.final_wait", (*path, "final_wait_days"), value=wait)
            found["final_wait_days"] = wait
        if "segment" in raw and (segment := self.typed(raw, "segment", dict, path)) is not None:
            found["segment"] = self.segment(segment, (*path, "segment"), base)
        if (recurrence := self.typed(raw, "recurrence", dict, path)) is not None:
            found["recurrence"] = self.recurrence(recurrence, (*path, "recurrence"))
        if "step" in raw:
            found["steps"] = self.steps(raw["step"], (*path, "step"))
        if base is None:
            for name in ("title", "reason", "recurrence", "step"):
                if name not in raw:
                    self.add("programme.file.field.missing", path, field=name)
        if len(self.problems) > before:
            return None
        if base is not None:
            return replace(base, **found)
        return Programme(id=self._programme, segment=found.pop("segment", Segment()), **found)

    def text(self, value: str, name: str, path: Path) -> str:
        if TEXT_KEY.fullmatch(value) and value not in self.text_keys:
            self.add("programme.file.text.unknown", path, field=name, key=value)
        return value

    def segment(self, raw: Mapping[str, Any], path: Path, base: Programme | None) -> Segment:
        self.known_fields(raw, SEGMENT_FIELDS, path)
        found: dict[str, Any] = {}
        for name in ("min_age", "max_age"):
            if (age := self.typed(raw, name, int, path)) is not None:
                if not 0 <= age <= MAX_AGE:
                    self.add("programme.file.age.bound", (*path, name), field=name, value=age)
                found[name] = age
        low, high = found.get("min_age"), found.get("max_age")
        if low is not None and high is not None and low > high:
            self.add("programme.file.age.range", (*path, "max_age"), low=low, high=high)
        if (sex := self.typed(raw, "sex", str, path)) is not None:
            if sex.upper() in Sex.__members__:
                found["sex"] = Sex(sex.upper())
            else:
                self.add("programme.file.sex", (*path, "sex"), value=sex)
        for name in ("last_visit_older_than_months", "last_completion_older_than_months"):
            if (months := self.typed(raw, name, int, path)) is not None:
                found[name] = self.months(months, name, (*path, name))
        if (therapy := self.typed(raw, "active_therapy", bool, path)) is not None:
            found["active_therapy"] = therapy
        for name in TAG_FIELDS:
            if name in raw:
                found[name] = self.tag_list(raw[name], name, (*path, name))
        segment = replace(base.segment if base else Segment(), **found)
        for tag in set(segment.tags_none) & {*segment.tags_any, *segment.tags_all}:
            self.add("programme.file.tag.conflict", (*path, "tags_none"), tag=tag)
        return segment

    def months(self, value: int, name: str, path: Path) -> int:
        if not 1 <= value <= MAX_MONTHS:
            self.add("programme.file.months", path, field=name, value=value)
        return value

    def tag_list(self, value: Any, name: str, path: Path) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            self.add("programme.file.type.list", path, field=name)
            return ()
        by_fold = {tag.casefold(): tag for tag in self.tags}
        found: list[str] = []
        for tag in value:
            if tag.casefold() not in by_fold:
                known = ", ".join(self.tags)
                self.add("programme.file.tag.unknown", path, tag=tag, known=known)
            elif by_fold[tag.casefold()] not in found:
                found.append(by_fold[tag.casefold()])
        return tuple(found)

    def recurrence(self, raw: Mapping[str, Any], path: Path) -> Recurrence | None:
        self.known_fields(raw, RECURRENCE_FIELDS, path)
        given = [name for name in RECURRENCE_FIELDS if name in raw]
        if len(given) != 1:
            self.add("programme.file.recurrence.choice", path)
            return None
        if given == ["once"]:
            if self.typed(raw, "once", bool, path) is not True:
                self.add("programme.file.recurrence.once", (*path, "once"))
            return Once()
        if given == ["every_months"]:
            months = self.typed(raw, "every_months", int, path)
            if months is None:
                return None
            return EveryMonths(months=self.months(months, "every_months", (*path, "every_months")))
        season = season_of(raw["season"])
        if season is None:
            self.add("programme.file.season", (*path, "season"), value=repr(raw["season"]))
        return season

    def steps(self, value: Any, path: Path) -> tuple[Step, ...]:
        if not isinstance(value, list) or not all(isinstance(step, dict) for step in value):
            self.add("programme.file.type.steps", path, field="step")
            return ()
        if not value:
            self.add("programme.file.steps.none", path)
        steps: list[Step] = []
        previous: int | None = None
        for index, raw in enumerate(value):
            self._step = index + 1
            step = self.step(raw, (*path, index), previous)
            if step is not None:
                steps.append(step)
            day = raw.get("day")
            if isinstance(day, int) and not isinstance(day, bool):
                previous = day  # a later step is checked against it even if this one failed
        self._step = None
        return tuple(steps)

    def step(self, raw: Mapping[str, Any], path: Path, previous: int | None) -> Step | None:
        self.known_fields(raw, STEP_FIELDS, path)
        day = self.typed(raw, "day", int, path)
        if "day" not in raw:
            self.add("programme.file.field.missing", path, field="day")
        elif day is not None and not 0 <= day <= MAX_DAY:
            self.add("programme.file.step.day_range", (*path, "day"), day=day)
        elif day is not None and previous is None and day != 0:
            self.add("programme.file.step.first_day", (*path, "day"), day=day)
        elif day is not None and previous is not None and day <= previous:
            self.add("programme.file.step.backwards", (*path, "day"), day=day, previous=previous)
        buttons = self.buttons(raw, path)
        own = self.own_text(raw, path)
        text = self.typed(raw, "text", str, path)
        if text is not None:
            self.text(text, "text", (*path, "text"))
        elif (own is not None and "it" not in own) or (own is None and "own_text" not in raw):
            self.add("programme.file.step.text", path)
        if day is None or buttons is None:
            return None
        return Step(day=day, text=text or "", buttons=buttons, own_text=_filled(own or {}))

    def buttons(self, raw: Mapping[str, Any], path: Path) -> tuple[Answer, ...] | None:
        value = raw.get("buttons")
        known = ", ".join(BUTTONS)
        if not value:
            self.add("programme.file.step.no_buttons", (*path, "buttons"), known=known)
            return None
        if not isinstance(value, list) or not all(isinstance(b, str) for b in value):
            self.add("programme.file.type.list", (*path, "buttons"), field="buttons")
            return None
        found: list[Answer] = []
        for name in value:
            if name not in BUTTONS:
                self.add("programme.file.step.button", (*path, "buttons"), button=name, known=known)
            elif Answer(name) in found:
                self.add("programme.file.step.button_twice", (*path, "buttons"), button=name)
            else:
                found.append(Answer(name))
        return tuple(found) if len(found) == len(value) else None

    def own_text(self, raw: Mapping[str, Any], path: Path) -> dict[str, str] | None:
        value = self.typed(raw, "own_text", dict, path)
        if value is None:
            return None
        path = (*path, "own_text")
        for lang, text in value.items():
            if lang not in LANGUAGES:
                self.add(
                    "programme.file.own_text.language", (*path, lang), lang=lang, known="it, en"
                )
            elif not isinstance(text, str) or not text.strip():
                self.add("programme.file.own_text.empty", (*path, lang), lang=lang)
            else:
                self.placeholders(text, (*path, lang))
        return {k: v for k, v in value.items() if isinstance(v, str)}

    def placeholders(self, text: str, path: Path) -> None:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError:
            self.add("programme.file.own_text.braces", path)
            return
        for name in sorted(names - set(PLACEHOLDERS)):
            known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            self.add("programme.file.own_text.placeholder", path, name=name, known=known)


def _filled(own: dict[str, str]) -> dict[str, str]:
    """The practice's own words in every language: those it did not write read as Italian,
    rather than a catalog text the practice did not choose."""
    if "it" not in own:
        return own
    return {lang: own.get(lang, own["it"]) for lang in LANGUAGES}
