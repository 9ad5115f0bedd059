"""Domain errors: raised by the core with a message key meant for the person who caused them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An error the person can act on. `key` names a text in the catalogs; `params` fill it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r})"


class NotFound(DomainError):
    """The thing asked for does not exist, or is not the asker's to see."""


class TransitionRefused(DomainError):
    """The request's current state does not allow this move; nothing was changed."""


class PermissionDenied(DomainError):
    """The actor may not do this."""
