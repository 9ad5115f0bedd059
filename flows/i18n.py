"""Texts in translation catalogs: gettext `.po` files, Italian first, English second.

Message ids are stable keys (``request.received``); the catalogs hold the sentences with
``{placeholders}``. Reading the `.po` files with Babel at start-up avoids a compile step.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from babel.messages.pofile import read_po

LOCALES: Final = Path(__file__).parent / "locales"
DOMAIN: Final = "frontdesk"
LANGUAGES: Final = ("it", "en")
DEFAULT_LANGUAGE: Final = "it"

log = logging.getLogger(__name__)


def read_catalog(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string
    }


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Catalog:
    """Looks up texts by key and language, falling back to Italian, then to the key itself."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]], default: str = DEFAULT_LANGUAGE):
        self._messages = messages
        self.default = default

    @classmethod
    def load(cls, directory: Path | None = None) -> Catalog:
        """The catalogs under `directory`, by default this package's (read when called)."""
        directory = directory or LOCALES
        messages = {
            lang: read_catalog(directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
            for lang in LANGUAGES
        }
        return cls(messages)

    def languages(self) -> tuple[str, ...]:
        return tuple(self._messages)

    def keys(self, lang: str) -> set[str]:
        return set(self._messages.get(lang, {}))

    def has(self, key: str) -> bool:
        return key in self._messages.get(self.default, {})

    def own(self, key_or_words: str, lang: str) -> str:
        """A catalog key's text, or the practice's own words as written (a programme's title in
        its programme file may be either)."""
        if self.has(key_or_words):
            return self.text(key_or_words, lang)
        return key_or_words

    def text(self, key: str, lang: str, /, **params: Any) -> str:
        template = self._messages.get(lang, {}).get(key)
        if template is None:
            template = self._messages.get(self.default, {}).get(key)
        if template is None:
            log.warning("missing text %s", key)
            return key
        if not params:
            return template
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            log.warning("text %s could not be filled", key)
            return template

    def language_of(self, code: str | None) -> str:
        """Map a Telegram language_code (``it-IT``, ``en``) to one we have."""
        if code:
            base = code.split("-")[0].lower()
            if base in self._messages:
                return base
        return self.default
