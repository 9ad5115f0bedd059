"""Schema upgrades and downgrades through Alembic, callable from async code and the CLI.

Alembic itself (its import, the scripts folder read and every migration module imported) cost
about 0.5 s of each start, and the bot checks the schema at every start, where there is almost
always nothing to do. So the check is cheap: the head is read from the migration files' own
`revision`/`down_revision` lines (tests compare it with Alembic's), the current revision with
one SELECT, and Alembic is imported only when there is something to upgrade or downgrade.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to `revision` inside one transaction."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def _upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def upgrade_if_behind(engine: AsyncEngine) -> bool:
    """Upgrade to the head unless the schema is already there (one SELECT); True if it ran."""
    if await current_revision(engine) == head_revision():
        return False
    await upgrade(engine)
    return True


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def _downgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_downgrade)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision in Alembic's `alembic_version` table; None for an empty database (or, as
    Alembic says too, a database with several heads stamped)."""
    async with engine.connect() as connection:
        try:
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except (OperationalError, ProgrammingError):  # no such table: nothing migrated yet
            return None
        rows = result.scalars().all()
    return str(rows[0]) if len(rows) == 1 else None


@cache
def head_revision() -> str | None:
    """The one revision no other migration builds on, read from the files without Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revisions.add(ast.literal_eval(found["revision"].strip()))
        down = ast.literal_eval(found.get("down_revision", "None").strip())
        parents.update([down] if isinstance(down, str) else down or ())
    heads = revisions - parents
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have several heads: {sorted(heads)}")
    return heads.pop() if heads else None


def alembic_head_revision() -> str | None:
    """Alembic's own answer to `head_revision()`, for the tests that keep the two equal."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
