"""Texts giving the practice's number read well when the practice has not set one."""

from __future__ import annotations

import pytest

from flows.i18n import LANGUAGES, Catalog, placeholders
from flows.practice import phone_text

# Texts whose {phone} is the patient's own number, shown to staff: no twin needed.
PATIENT_PHONE = {"staff.notice.unreachable", "export.profile"}


def practice_phone_keys(catalog: Catalog) -> list[str]:
    return sorted(
        key
        for key in catalog.keys("it")
        if "phone" in placeholders(catalog.text(key, "it")) and key not in PATIENT_PHONE
    )


def test_every_text_with_the_practice_number_has_a_twin_without_it() -> None:
    catalog = Catalog.load()
    keys = practice_phone_keys(catalog)
    assert "patient.blocked" in keys
    assert "consent.declined" in keys
    for key in keys:
        with_number = placeholders(catalog.text(key, "it"))
        assert placeholders(catalog.text(f"{key}.no_phone", "it")) == with_number - {"phone"}, key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_twin_is_used_when_no_number_is_set(lang: str) -> None:
    catalog = Catalog.load()
    for key in practice_phone_keys(catalog):
        params = {"when": "mar 1 dic, 10:30"}
        assert "06 1234567" in phone_text(catalog, "06 1234567", key, lang, **params)
        without = phone_text(catalog, "  ", key, lang, **params)
        assert without == catalog.text(f"{key}.no_phone", lang, **params)
        assert ": -" not in without
        assert ", -" not in without
