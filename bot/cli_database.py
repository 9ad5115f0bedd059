"""Which database the `frontdesk` command opened: the global `--database` option, and the name
its messages give the database (a SQLite file, or a PostgreSQL URL without its password).

A newcomer who tried the sandbox has their data in `sandbox.db`, while the command reads
`DATABASE_URL` (`frontdesk.db` by default): a message about the schema names the file it read
and, when the sandbox's file is right there, how to open that one instead.
"""

from __future__ import annotations

from pathlib import Path

import click

# URLs are read by storage.urls, which imports SQLAlchemy only when called: `frontdesk --help`
# stays quick.

SANDBOX_FILE = Path("sandbox.db")  # `frontdesk sandbox`'s default, in the folder it runs in
SANDBOX_URL = f"sqlite+aiosqlite:///./{SANDBOX_FILE}"


def check_database(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """`--database`: a SQLite or PostgreSQL URL as DATABASE_URL takes it, or a SQLite file."""
    from flows.settings import normalise_database_url
    from storage.urls import is_readable_url

    if value is None:
        return None
    value = value.strip()
    if "://" not in value:
        path = Path(value)
        if not value or path.is_dir():
            raise click.BadParameter(f"{value!r} is not a database file")
        if not path.parent.resolve().is_dir():
            raise click.BadParameter(f"the folder {path.parent} does not exist")
        return f"sqlite+aiosqlite:///{path}"
    try:
        url = normalise_database_url(value)
    except ValueError:
        url = ""
    if not url or not is_readable_url(url):
        raise click.BadParameter(
            "use a sqlite+aiosqlite:/// or postgresql+asyncpg:// URL, or a SQLite file"
        )
    return url


def describe(url: str) -> str:
    """How messages name the database: the SQLite file as given, or the URL with the password
    hidden (never printed)."""
    from storage.engine import is_sqlite, sqlite_path
    from storage.urls import masked_url

    if is_sqlite(url):
        path = sqlite_path(url)
        if path is None:
            return "the in-memory SQLite database"
        return str(path)
    return masked_url(url) or "the configured database"


def sandbox_hint(url: str) -> str:
    """A pointer to the sandbox's file when there is one here and `url` is another database."""
    from storage.engine import is_sqlite, sqlite_path

    if not SANDBOX_FILE.is_file():
        return ""
    path = sqlite_path(url) if is_sqlite(url) else None
    if path is not None and path.resolve() == SANDBOX_FILE.resolve():
        return ""
    return f" (the sandbox's data is in {SANDBOX_FILE}: add --database {SANDBOX_URL})"


def stale_schema(url: str) -> str:
    """The message for a database whose schema is missing or behind."""
    return (
        f"{describe(url)}: the database schema is not up to date: "
        f"run 'frontdesk db upgrade' first{sandbox_hint(url)}"
    )
