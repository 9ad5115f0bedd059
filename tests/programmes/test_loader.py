"""The practice's programme file: what loads, and one line per problem for what does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.i18n import Catalog
from flows.programmes.builtin import BUILTIN, DEFAULT_TAGS, builtin_programmes
from flows.programmes.loader import Loaded, load_programmes, parse_programmes
from flows.programmes.model import Answer, EveryMonths, Season, Sex
from flows.programmes.problems import render

CATALOG = Catalog.load()
KEYS = CATALOG.keys("it")
GOOD_STEP = """
[[programme.step]]
day = 0
text = "programme.diabetes.invite.1"
buttons = ["book", "done"]
"""


def load(text: str) -> Loaded:
    return parse_programmes(text, text_keys=KEYS, builtins=BUILTIN)


def lines_of(loaded: Loaded) -> list[str]:
    def text(key: str, /, **params: object) -> str:
        assert CATALOG.has(key), key
        return CATALOG.text(key, "en", **params)

    return [render(problem, text, name="p.toml") for problem in loaded.problems]


def one_problem(text: str) -> str:
    found = lines_of(load(text))
    assert len(found) == 1, found
    return found[0]


def test_no_file_gives_the_builtins() -> None:
    loaded = load_programmes(None, text_keys=KEYS)
    assert loaded.ok
    assert loaded.programmes == BUILTIN
    assert "demo" in {p.id for p in builtin_programmes(sandbox=True)}
    assert "demo" not in {p.id for p in loaded.programmes}


def test_builtins_texts_exist_and_use_only_the_first_name() -> None:
    for programme in builtin_programmes(sandbox=True):
        for key in (programme.title, programme.reason, *(s.text for s in programme.steps)):
            assert key in KEYS
            assert key in CATALOG.keys("en")
        for step in programme.steps:
            assert "{first_name}" in CATALOG.text(step.text, "it")
    assert [s.day for s in BUILTIN[0].steps] == [0, 3, 7]
    assert BUILTIN[0].recurrence == Season(first_month=10, last_month=12)


def test_a_file_edits_a_builtin_and_adds_a_programme(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        """
tags = ["celiachia"]

[[programme]]
id = "diabetes"
enabled = false
segment = { min_age = 18 }

[[programme]]
id = "celiac"
title = "Controllo celiachia"
reason = "Controllo annuale"
recurrence = { every_months = 12 }
segment = { tags_any = ["Celiachia"], sex = "f" }

[[programme.step]]
day = 0
own_text = { it = "Buongiorno {first_name}, è il momento del controllo." }
buttons = ["book", "decline"]

[[programme.step]]
day = 10
text = "programme.diabetes.invite.2"
buttons = ["book"]
""",
        encoding="utf-8",
    )
    loaded = load_programmes(path, text_keys=KEYS)
    assert loaded.ok, lines_of(loaded)
    found = {p.id: p for p in loaded.programmes}
    assert not found["diabetes"].enabled
    assert found["diabetes"].segment.min_age == 18
    assert found["diabetes"].segment.tags_any == ("diabete",)  # the rest kept
    celiac = found["celiac"]
    assert celiac.recurrence == EveryMonths(months=12)
    assert celiac.segment.tags_any == ("celiachia",)
    assert celiac.segment.sex is Sex.F
    assert celiac.steps[0].own_text["en"] == celiac.steps[0].own_text["it"]
    assert celiac.steps[1].buttons == (Answer.BOOK,)
    assert loaded.tags == (*DEFAULT_TAGS, "celiachia")


def test_season_by_names_and_wrapping() -> None:
    loaded = load('[[programme]]\nid = "flu"\nrecurrence = { season = ["novembre", "feb"] }\n')
    assert loaded.ok
    assert loaded.programmes[0].recurrence == Season(first_month=11, last_month=2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[programme]]\nid = "flu"\ncolour = "red"\n',
            "p.toml:3: programme “flu”: unknown field “colour”",
        ),
        ('[[programme]]\nid = "flu"\ntitel = "x"\n', "did you mean “title”?"),
        (
            '[[programme]]\nid = "flu"\n\n[programme.segment]\nmin_age = 80\nmax_age = 70\n',
            "p.toml:6: programme “flu”: bad age range: from 80 to 70 years",
        ),
        (
            '[[programme]]\nid = "flu"\nsegment = { min_age = -1 }\n',
            "min_age = -1: an age is 0 to 120",
        ),
        (
            '[[programme]]\nid = "flu"\nsegment = { tags_any = ["diabetes"] }\n',
            "p.toml:3: programme “flu”: unknown tag “diabetes”",
        ),
        (
            '[[programme]]\nid = "flu"\nsegment = { tags_any = ["BPCO"], tags_none = ["bpco"] }\n',
            "“BPCO” is both required and excluded",
        ),
        ('[[programme]]\nid = "flu"\nsegment = { sex = "X" }\n', "invalid sex “X”"),
        (
            '[[programme]]\nid = "flu"\nrecurrence = { season = ["ottobre", "brumaio"] }\n',
            "p.toml:3: programme “flu”: invalid season ['ottobre', 'brumaio']",
        ),
        ('[[programme]]\nid = "flu"\nrecurrence = { season = [10, 13] }\n', "invalid season"),
        (
            '[[programme]]\nid = "flu"\nrecurrence = { once = true, every_months = 6 }\n',
            "exactly one of once, every_months and season",
        ),
        ('[[programme]]\nid = "flu"\nrecurrence = { every_months = 0 }\n', "every_months = 0"),
        (
            '[[programme]]\nid = "flu"\ntitle = "programme.nope.title"\n',
            "p.toml:3: programme “flu”: “title”: the text “programme.nope.title” is not in",
        ),
        ('[[programme]]\nid = "Flu Shot"\n', "p.toml:2: invalid id “Flu Shot”"),
        ('[[programme]]\nid = "flu"\nenabled = "yes"\n', "“enabled” must be true or false"),
        ('[[programme]]\nid = "flu"\nfinal_wait_days = 0\n', "final_wait_days = 0"),
        (
            '[[programme]]\nid = "new"\ntitle = "T"\nreason = "R"\n' + GOOD_STEP,
            "programme “new”: the field “recurrence” is missing",
        ),
        ("[[programme]\nid = 1\n", "p.toml:1: the file is not valid TOML"),
        ("colour = 1\n", "p.toml:1: unknown field “colour”"),
        ('tags = ["a,b"]\n', "p.toml:1: invalid tag “a,b”"),
    ],
)
def test_one_line_per_problem(text: str, expected: str) -> None:
    assert expected in one_problem(text)
    assert not load(text).programmes  # nothing is started from a file with a problem


def steps_of(*steps: str) -> str:
    return '[[programme]]\nid = "flu"\n' + "".join(
        f"\n[[programme.step]]\n{step}\n" for step in steps
    )


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (
            ('day = 0\ntext = "programme.flu.invite.1"',),
            "p.toml:4: programme “flu”, step 1: a step without buttons: give at least one of book",
        ),
        (('day = 0\ntext = "programme.flu.invite.1"\nbuttons = []',), "a step without buttons"),
        (
            ('day = 0\ntext = "programme.flu.invite.1"\nbuttons = ["book", "call_me"]',),
            "p.toml:7: programme “flu”, step 1: unknown button “call_me”",
        ),
        (
            ('day = 0\ntext = "programme.flu.invite.1"\nbuttons = ["book", "book"]',),
            "appears twice",
        ),
        (
            (
                'day = 0\ntext = "programme.flu.invite.1"\nbuttons = ["book"]',
                'day = 7\ntext = "programme.flu.invite.2"\nbuttons = ["book"]',
                'day = 3\ntext = "programme.flu.invite.3"\nbuttons = ["book"]',
            ),
            "p.toml:15: programme “flu”, step 3: day 3 does not come after day 7",
        ),
        (
            ('day = 2\ntext = "programme.flu.invite.1"\nbuttons = ["book"]',),
            "the first step starts on day 0, not on day 2",
        ),
        (
            ('day = 0\ntext = "programme.flu.nope"\nbuttons = ["book"]',),
            "step 1: “text”: the text “programme.flu.nope” is not in the catalogs",
        ),
        (('day = 0\nbuttons = ["book"]',), "“text” (a catalog key) or “own_text”"),
        (('day = 0\nown_text = { en = "Hi" }\nbuttons = ["book"]',), "with the Italian text"),
        (
            ('day = 0\nown_text = { it = "Ciao {nome}" }\nbuttons = ["book"]',),
            "unknown placeholder “nome”; you can use: {first_name}",
        ),
        (('day = 0\nown_text = { it = "Ciao {first_name" }\nbuttons = ["book"]',), "curly bracket"),
        (
            ('day = 0\nown_text = { it = "Ciao", fr = "Salut" }\nbuttons = ["book"]',),
            "language “fr” not provided",
        ),
        (('text = "programme.flu.invite.1"\nbuttons = ["book"]',), "the field “day” is missing"),
        (
            ('day = "0"\ntext = "programme.flu.invite.1"\nbuttons = ["book"]',),
            "“day” must be a whole number",
        ),
        (
            ('day = 0\ntext = "programme.flu.invite.1"\nbuttons = ["book"]\nwait = 3',),
            "p.toml:8: programme “flu”, step 1: unknown field “wait”",
        ),
    ],
)
def test_step_problems(steps: tuple[str, ...], expected: str) -> None:
    assert expected in one_problem(steps_of(*steps))


def test_every_problem_is_reported_at_once() -> None:
    text = steps_of('day = 0\ntext = "programme.flu.invite.1"', 'day = 0\nbuttons = ["x"]')
    text += '\n[[programme]]\nid = "flu"\n'
    found = lines_of(load(text))
    assert len(found) == 5, found
    assert found[-1].startswith("p.toml:13: programme “flu” is already declared on line 2")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes('title = "Città"'.encode("latin-1"))
    assert [p.key for p in load_programmes(path, text_keys=KEYS).problems] == [
        "programme.file.encoding"
    ]
    missing = load_programmes(tmp_path / "none.toml", text_keys=KEYS)
    assert [p.key for p in missing.problems] == ["programme.file.unreadable"]
