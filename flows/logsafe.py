"""Logging an unexpected exception without personal data: where it broke, never what was in it.

An exception's message can quote what a person typed, a name or a phone number, so only its
type and its stack frames (file, line, code) are written, at ERROR.
"""

from __future__ import annotations

import logging
import traceback


def log_unexpected(
    log: logging.Logger, exc: BaseException | None, doing: str, *args: object
) -> None:
    """`doing` (a %-format with `args`) says what was under way, as in "handling update %s"."""
    frames = "".join(traceback.format_tb(exc.__traceback__)) if exc is not None else ""
    log.error("%s %s\n%s", type(exc).__name__, doing % args, frames)
