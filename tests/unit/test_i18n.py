"""The catalogs are complete in both languages and their placeholders agree."""

from __future__ import annotations

from flows.i18n import LANGUAGES, Catalog, placeholders
from flows.lifecycle import State


def test_both_languages_have_the_same_keys() -> None:
    catalog = Catalog.load()
    italian = catalog.keys("it")
    for lang in LANGUAGES:
        assert catalog.keys(lang) == italian, f"{lang} differs from Italian"


def test_placeholders_agree() -> None:
    catalog = Catalog.load()
    for key in catalog.keys("it"):
        assert placeholders(catalog.text(key, "it")) == placeholders(catalog.text(key, "en")), key


def test_every_state_has_a_name() -> None:
    catalog = Catalog.load()
    for state in State:
        assert f"state.{state.value}" in catalog.keys("it")


def test_fallbacks() -> None:
    catalog = Catalog.load()
    assert catalog.text("state.closed", "de") == "chiusa"
    assert catalog.text("no.such.key", "en") == "no.such.key"
    assert catalog.text("request.not_found", "en", number=5) == "Request #5 does not exist."
    assert catalog.language_of("en-GB") == "en"
    assert catalog.language_of("fr") == "it"
    assert catalog.language_of(None) == "it"
