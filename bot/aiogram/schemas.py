"""aiogram imported with its pydantic models built when first used, not all at import.

aiogram 3 declares ~450 Telegram types and ~190 Bot API methods as pydantic models, and its
`aiogram.types` ends by rebuilding every type's schema (to resolve their forward references):
measured on this project's 2-core machine, `import aiogram` took 5.5-7 s, nearly all of it
pydantic building schemas the front desk never uses (inline queries, passports, gifts...).

`import_aiogram()` imports it with every aiogram model's schema deferred: the rebuild loop
only records the namespace of the types, and a model builds its schema the first time it
validates something, resolving its references in that namespace. Pydantic's own mechanism
(`defer_build`, the mock validators that rebuild on first use) does the work; this module only
keeps aiogram from forcing it at import. Should a pydantic release change the hooks used here,
it falls back to the plain import, slower but the same.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

_AIOGRAM = "aiogram."
_namespace: dict[str, Any] = {}


def import_aiogram() -> None:
    """Import aiogram (once) with its model schemas deferred; the next imports are free."""
    if "aiogram" in sys.modules:
        return
    try:
        from pydantic import BaseModel
        from pydantic._internal._config import ConfigWrapper

        hooks = BaseModel.__dict__["model_rebuild"], ConfigWrapper.__dict__["for_model"]
    except (ImportError, KeyError):  # a pydantic without these internals: the plain import
        import aiogram

        return
    with _deferred(BaseModel, ConfigWrapper, *hooks):
        import aiogram  # noqa: F401  (the import is the point)
    from aiogram.client.context_controller import BotContextController
    from aiogram.filters.callback_data import CallbackData
    from aiogram.methods.base import Request, Response

    # aiogram's pydantic roots (every type and method derives from BotContextController).
    for root in (BotContextController, Request, Response, CallbackData):
        root.model_rebuild = classmethod(_rebuild)  # type: ignore[method-assign,assignment]


_plain_rebuild: Any = None


def _rebuild(
    cls: Any,
    *,
    force: bool = False,
    raise_errors: bool = True,
    _parent_namespace_depth: int = 2,
    _types_namespace: Mapping[str, Any] | None = None,
) -> bool | None:
    """`BaseModel.model_rebuild`, resolving names among aiogram's types when none are given."""
    namespace = _types_namespace if _types_namespace is not None else _namespace
    return _plain_rebuild.__func__(  # type: ignore[no-any-return]
        cls,
        force=force,
        raise_errors=raise_errors,
        _parent_namespace_depth=_parent_namespace_depth + 1,
        _types_namespace=namespace,
    )


def _recorded(
    cls: Any,
    *,
    force: bool = False,
    raise_errors: bool = True,
    _parent_namespace_depth: int = 2,
    _types_namespace: Mapping[str, Any] | None = None,
) -> bool | None:
    """During the import: aiogram's rebuild loop only records the namespace of its types."""
    if cls.__module__.startswith(_AIOGRAM) and not force:
        if _types_namespace is not None:
            _namespace.update(_types_namespace)
        return None
    return _plain_rebuild.__func__(  # type: ignore[no-any-return]
        cls,
        force=force,
        raise_errors=raise_errors,
        _parent_namespace_depth=_parent_namespace_depth + 1,
        _types_namespace=_types_namespace,
    )


@contextmanager
def _deferred(
    base_model: Any, config_wrapper: Any, plain_rebuild: Any, plain_for_model: Any
) -> Iterator[None]:
    global _plain_rebuild
    _plain_rebuild = plain_rebuild

    def for_model(cls: Any, bases: Any, namespace: Any, *args: Any, **kwargs: Any) -> Any:
        wrapper = plain_for_model.__func__(cls, bases, namespace, *args, **kwargs)
        if str(namespace.get("__module__", "")).startswith(_AIOGRAM):
            wrapper.config_dict["defer_build"] = True
        return wrapper

    base_model.model_rebuild = classmethod(_recorded)
    config_wrapper.for_model = classmethod(for_model)
    try:
        yield
    finally:
        base_model.model_rebuild = _plain_rebuild
        config_wrapper.for_model = plain_for_model
