"""An unexpected exception is logged by type and stack frames, never by its message."""

from __future__ import annotations

import logging

import pytest

from flows.logsafe import log_unexpected

log = logging.getLogger("tests.logsafe")
TYPED = "Maria Rossi, 333 1234567"


def _fail(typed: str) -> None:
    raise ValueError(typed)  # as a parser quoting what someone typed


def test_the_type_and_the_frames_are_logged_never_the_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    try:
        _fail(TYPED)
    except ValueError as exc:
        with caplog.at_level(logging.ERROR, logger="tests.logsafe"):
            log_unexpected(log, exc, "handling update %s", 42)
    [record] = caplog.records
    text = record.getMessage()
    assert text.startswith("ValueError handling update 42\n")
    assert "_fail" in text
    assert "Maria" not in text
    assert "1234567" not in text
    assert record.exc_info is None


def test_a_missing_exception_is_still_one_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="tests.logsafe"):
        log_unexpected(log, None, "handling update %s", None)
    assert caplog.records[0].getMessage() == "NoneType handling update None\n"
