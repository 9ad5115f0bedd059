"""`frontdesk sandbox`: the whole front desk on this machine, no token, no Telegram — the real
bot against the built-in Bot API emulator and a page with a patient's phone and the doctor's.

`frontdesk run` with no token starts it too, so `make run` on a fresh machine shows it working.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flows.settings import Settings

DEFAULT_PORT = 8080
DEFAULT_DATABASE = Path("sandbox.db")


def _database(_ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    if not value.parent.resolve().is_dir():
        raise click.BadParameter(f"the folder {value.parent} does not exist")
    return value


@click.command("sandbox")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port of the sandbox page (0: a free one).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the page listens on.")
@click.option(
    "--emulator-port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port of the Bot API emulator  [default: a free one]",
)
@click.option(
    "--database",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_database,
    default=DEFAULT_DATABASE,
    show_default=True,
    help="The sandbox's SQLite file.",
)
def sandbox(port: int, host: str, emulator_port: int, database: Path) -> None:
    """Try the front desk offline: a patient's phone and the doctor's, side by side, in a page."""
    from bot.cli import load_settings

    if click.get_current_context().find_root().params.get("database") is not None:
        # The sandbox keeps its own SQLite file; it never opens the practice's database.
        raise click.UsageError("the sandbox's file goes after the command: sandbox --database FILE")
    run_sandbox(load_settings(), port=port, host=host, emulator_port=emulator_port,
                database=database)  # fmt: skip


def run_sandbox(
    settings: Settings, *, port: int, host: str, emulator_port: int, database: Path
) -> None:
    from bot.cli import fail
    from bot.sandbox import Sandbox, SandboxConfig
    from bot.sandbox.serve import serve_sandbox
    from bot.serve import configure_logging

    def ready(url: str, running: Sandbox) -> None:
        click.echo(f"Sandbox ready: open {url} in a browser (Ctrl-C stops it).")
        click.echo(f"Bot API emulator at {running.emulator.base_url}; database {database}.")
        click.echo(f"The frontdesk command reads it with: frontdesk --database {database} ...")

    configure_logging(settings.log_level)
    config = SandboxConfig(database=database, emulator_port=emulator_port)
    try:
        asyncio.run(serve_sandbox(settings, config, host=host, port=port, on_ready=ready))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        fail(f"cannot start the sandbox: {exc.strerror or type(exc).__name__}")
    except RuntimeError as exc:  # the bot could not start against the emulator; ours to say
        fail(f"cannot start the sandbox: {exc}")
