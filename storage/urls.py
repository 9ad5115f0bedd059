"""Reading database URLs for messages and options, without opening a connection.

SQLAlchemy is imported inside each function, not with the module: the CLI reads URLs before it
needs anything else, and `frontdesk --help` must stay quick.
"""

from __future__ import annotations


def is_readable_url(url: str) -> bool:
    """Whether SQLAlchemy can parse `url` at all (a driver or a database need not exist)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except (ValueError, ArgumentError):
        return False
    return True


def masked_url(url: str) -> str | None:
    """`url` with its password hidden, never printed; None when it cannot be parsed."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ValueError, ArgumentError):
        return None
