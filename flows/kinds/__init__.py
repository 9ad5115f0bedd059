"""The request kinds, each a flow declared as data: Ricetta, Certificato, Referti, Domanda, Visita.

Adding a kind means adding a module here that declares `KIND` (a request flow, or a
`RequestKind` with its helpers) and its texts in the catalogs, not a handler: the menu, deep
links, the staff inbox's filter and icons, the charts and the reports all read the kinds found
here.
"""

from __future__ import annotations

import importlib
import pkgutil

from flows.declarations import Flow
from flows.kinds.common import RequestKind, request_registry
from flows.registry import Registry

__all__ = ["declared", "registry", "request_registry"]


def declared() -> list[RequestKind]:
    """Every kind a module of this package declares as its `KIND`."""
    found: list[RequestKind] = []
    for module in pkgutil.iter_modules(__path__):
        kind = getattr(importlib.import_module(f"{__name__}.{module.name}"), "KIND", None)
        if isinstance(kind, Flow):
            kind = RequestKind(kind)
        if isinstance(kind, RequestKind):
            found.append(kind)
    return found


def registry() -> Registry:
    """The request flows of every declared kind, with what they share."""
    return request_registry(*declared())
