"""The request kinds, each a flow declared as data: Ricetta, Certificato, Referti, Domanda, Visita.

Adding a kind means adding a declaration here and its texts in the catalogs, not a handler.
"""

from flows.kinds.common import request_registry

__all__ = ["request_registry"]
