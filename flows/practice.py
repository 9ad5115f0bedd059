"""Texts that give the practice's telephone number, for practices that have not set one.

Every such text has a twin, ``<key>.no_phone``, worded without the number, so a patient never
reads "call the practice: -".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flows.i18n import Catalog

if TYPE_CHECKING:
    from flows.turn import Turn


def phone_text(catalog: Catalog, phone: str, key: str, lang: str, **params: Any) -> str:
    number = phone.strip()
    if number:
        return catalog.text(key, lang, phone=number, **params)
    return catalog.text(f"{key}.no_phone", lang, **params)


def practice_text(turn: Turn, key: str, **params: Any) -> str:
    """`key` in this turn's language, with the practice's number or without it."""
    return phone_text(
        turn.desk.catalog, turn.desk.settings.practice_phone, key, turn.lang, **params
    )
