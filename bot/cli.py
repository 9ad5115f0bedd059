"""The `frontdesk` command line: run the bot, migrate the database, manage staff.

Each command imports what it needs when it runs: `frontdesk staff list` loads neither Telegram
framework, Alembic nor the flows, and `frontdesk run` pays for nothing but serving.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from bot.cli_patient import patient
from bot.cli_programme import programme
from bot.cli_sandbox import sandbox
from bot.cli_tags import patients

if TYPE_CHECKING:
    from flows.i18n import Catalog
    from flows.programmes.model import Programme
    from flows.settings import Settings
    from storage.uow import Database

T = TypeVar("T")
MAX_TELEGRAM_ID = 2**52
ROLES = ("doctor", "assistant", "admin")


def _database_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from bot.cli_database import check_database

    return check_database(ctx, param, value)


def _chosen_database() -> dict[str, str]:
    """DATABASE_URL as the global --database option set it, if it did."""
    context = click.get_current_context(silent=True)
    chosen = context.find_root().params.get("database") if context else None
    return {} if chosen is None else {"DATABASE_URL": chosen}


@click.group(help="Digital front desk of a general practice, on Telegram.")
@click.option(
    "--database",
    metavar="URL",
    callback=_database_option,
    help="The database to open instead of DATABASE_URL's: a URL or a SQLite file, "
    "e.g. sqlite+aiosqlite:///./sandbox.db.",
)
def app(database: str | None) -> None:
    pass  # read by load_settings


app.add_command(patient)  # a patient's data: export and erasure
app.add_command(sandbox)  # the offline sandbox in a browser
app.add_command(programme)  # follow-up programmes: the file, preview, start, funnel
app.add_command(patients)  # condition tags imported from the clinical software


@app.group("db", help="Database schema.")
def db_app() -> None:
    pass


@app.group("staff", help="Who is staff: the only source of staff rights.")
def staff_app() -> None:
    pass


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"frontdesk: {message}", err=True)
    sys.exit(code)


def load_settings() -> Settings:
    from pydantic import ValidationError

    from flows.clock import ClockSettingError, clock_start_from_environment
    from flows.settings import Settings

    try:  # every command starts here: a bad FRONTDESK_CLOCK is one line, not a traceback
        clock_start_from_environment()
    except ClockSettingError as exc:
        fail(str(exc), 2)
    try:
        return Settings(**_chosen_database())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        fail(f"setting {where.upper()}: {first['msg'].removeprefix('Value error, ')}", 2)


def with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    from storage.uow import Database

    settings = load_settings()

    async def _run() -> T:
        database = Database(settings.database_url)
        try:
            return await work(database)
        finally:
            await database.dispose()

    try:
        return asyncio.run(_run())
    except OSError as exc:
        from bot.cli_database import describe

        where = describe(settings.database_url)
        fail(f"{where}: cannot reach the database: {exc.strerror or type(exc).__name__}")


def check_telegram_id(_ctx: click.Context, _param: click.Parameter, value: int) -> int:
    if not 0 < value < MAX_TELEGRAM_ID:
        raise click.BadParameter("a Telegram user id is a positive number, e.g. 123456789")
    return value


def check_name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    cleaned = " ".join("".join(ch for ch in value if ch.isprintable()).split())
    if not cleaned:
        raise click.BadParameter("the name cannot be empty")
    if len(cleaned) > 100:
        raise click.BadParameter("the name is longer than 100 characters")
    return cleaned


async def _schema_is_current(database: Database) -> bool:
    from storage import migrate

    return await migrate.current_revision(database.engine) == migrate.head_revision()


async def require_schema(database: Database) -> None:
    """Stop, naming the database, unless its schema is at the newest revision."""
    from bot.cli_database import stale_schema

    if not await _schema_is_current(database):
        fail(stale_schema(database.url))


def opened() -> str:
    """How messages name the database this command opens."""
    from bot.cli_database import describe

    return describe(load_settings().database_url)


@db_app.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    from storage import migrate

    async def work(database: Database) -> str | None:
        await migrate.upgrade(database.engine, revision)
        return await migrate.current_revision(database.engine)

    at = with_database(work)
    click.echo(f"{opened()}: database schema at revision {at}.")


@db_app.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Move the schema back to an older revision."""
    from storage import migrate

    async def work(database: Database) -> str | None:
        await migrate.downgrade(database.engine, revision)
        return await migrate.current_revision(database.engine)

    at = with_database(work) or "base (empty)"
    click.echo(f"{opened()}: database schema at revision {at}.")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database."""
    from storage import migrate

    async def work(database: Database) -> str | None:
        return await migrate.current_revision(database.engine)

    current = with_database(work)
    head = migrate.head_revision()
    state = "up to date" if current == head else f"behind: run 'frontdesk db upgrade' ({head})"
    click.echo(f"{opened()}: database schema at revision {current or 'none'}, {state}.")


@staff_app.command("add")
@click.argument("telegram_id", type=int, callback=check_telegram_id)
@click.option("--role", required=True, type=click.Choice(ROLES), help="doctor, assistant or admin")
@click.option("--name", required=True, callback=check_name, help="Name shown to colleagues")
def staff_add(telegram_id: int, role: str, name: str) -> None:
    """Add a staff member, or update an existing one."""

    async def work(database: Database) -> bool:
        await require_schema(database)
        async with database.uow() as uow:
            _, created = await uow.staff.upsert(telegram_id=telegram_id, name=name, role=role)
            await uow.commit()
        return created

    created = with_database(work)
    verb = "Added" if created else "Updated"
    click.echo(f"{verb} staff member {telegram_id} ({role}).")


@staff_app.command("list")
@click.option("--all", "all_", is_flag=True, help="Include removed staff.")
def staff_list(all_: bool) -> None:
    """List staff members."""

    async def work(database: Database) -> list[tuple[int, str, str, bool]]:
        await require_schema(database)
        async with database.uow() as uow:
            rows = await uow.staff.list(active_only=not all_)
        return [(s.telegram_id, s.role, s.name, s.active) for s in rows]

    rows = with_database(work)
    if not rows:
        click.echo(
            "No staff yet. Add one: frontdesk staff add TELEGRAM_ID --role doctor --name NAME"
        )
        return
    click.echo(f"{'TELEGRAM ID':<14}{'ROLE':<11}NAME")
    for telegram_id, role, name, active in rows:
        suffix = "" if active else "  (removed)"
        click.echo(f"{telegram_id:<14}{role:<11}{name}{suffix}")


@staff_app.command("remove")
@click.argument("telegram_id", type=int, callback=check_telegram_id)
def staff_remove(telegram_id: int) -> None:
    """Remove a staff member's rights (their past actions stay on record)."""

    async def work(database: Database) -> bool:
        await require_schema(database)
        async with database.uow() as uow:
            removed = await uow.staff.deactivate(telegram_id=telegram_id)
            await uow.commit()
        return removed is not None

    if not with_database(work):
        fail(f"no active staff member with Telegram id {telegram_id}")
    click.echo(f"Removed staff member {telegram_id}.")


@app.command("report")
@click.option("--since", default="30d", show_default=True, help="Period: 7d, 30d, 90d (1-365d).")
@click.option(
    "--format", "fmt", type=click.Choice(("csv", "html")), default="csv", show_default=True
)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="File to write.")
def report(since: str, fmt: str, output: str | None) -> None:
    """The KPIs of /stats and the practice's goals, as CSV or as an HTML page with charts."""
    from datetime import timedelta

    from flows.clock import clock_from_environment
    from flows.i18n import Catalog
    from flows.kinds import registry as request_kinds
    from flows.kpi_report import to_csv, to_html
    from flows.kpis.board import board
    from flows.programmes.funnel_view import live_funnels
    from flows.stats import compute, parse_period, recorded_shift
    from storage.types import utcnow

    days = parse_period(since)
    if days is None:
        raise click.BadParameter("use a number of days like 7d, 30d or 90d", param_hint="--since")
    settings = load_settings()
    catalog = Catalog.load()

    def own(title: str) -> str:
        return catalog.own(title, settings.default_language)

    async def work(database: Database) -> str:
        await require_schema(database)
        async with database.uow() as uow:
            # The sandbox's clock, as its time travel left it (recorded in the database), so
            # the report counts up to the moment /stats there does; else the bot's own clock.
            shift = await recorded_shift(uow)
            clock = clock_from_environment()
            now = clock.now() if shift is None else utcnow() + shift
            stats = await compute(uow, now=now, days=days)
            declared = report_programmes(settings, catalog)
            live = await live_funnels(uow, declared, own)
            titles = {programme.id: own(programme.title) for programme in declared}
            goals = await board(uow, settings, now, programmes=titles)
        if shift is not None and shift >= timedelta(minutes=1):
            local = now.astimezone(settings.tz).strftime("%d/%m/%Y %H:%M")
            click.echo(f"{opened()}: its clock is ahead (time travel): "
                       f"the report counts up to {local}.", err=True)  # fmt: skip
        lang = settings.default_language

        def text(key: str, **params: object) -> str:
            return catalog.text(key, lang, **params)

        if fmt == "csv":
            return to_csv(stats, live, goals, text)
        kinds = request_kinds().kind_names()
        return to_html(
            stats,
            text,
            practice=settings.practice_name,
            kinds=kinds,
            programmes=live,
            board=goals,
        )

    content = with_database(work)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(content)
        click.echo(f"Report written to {output}.")
    else:
        click.echo(content, nl=False)


def report_programmes(settings: Settings, catalog: Catalog) -> tuple[Programme, ...]:
    """The declared programmes, for their titles (the sandbox's demo among them, so a report on
    its database names it); a programme file with problems leaves only the built-ins."""
    from bot.bootstrap import ProgrammeFileInvalid, programmes_of
    from flows.programmes.builtin import builtin_programmes

    try:
        return programmes_of(settings, catalog, sandbox=True).programmes
    except ProgrammeFileInvalid:
        return builtin_programmes(sandbox=True)


@app.command("run")
@click.option(
    "--emulator",
    "emulator_port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Serve a local Bot API emulator on this port and run the bot against it.",
)
def run(emulator_port: int | None) -> None:
    """Run the bot (long polling); with no token, the offline sandbox instead."""
    settings = load_settings()
    if settings.telegram_bot_token is None and emulator_port is None:
        # A newcomer's `make run`: show the front desk working rather than a refusal.
        click.echo(
            "TELEGRAM_BOT_TOKEN is not set (environment or .env): starting the offline sandbox "
            "('frontdesk sandbox'). Put the bot's token in .env to run the real bot."
        )
        from bot.cli_sandbox import DEFAULT_DATABASE, DEFAULT_PORT, run_sandbox

        run_sandbox(settings, port=DEFAULT_PORT, host="127.0.0.1", emulator_port=0,
                    database=DEFAULT_DATABASE)  # fmt: skip
        return

    # bootstrap() checks the schema (and upgrades an embedded SQLite database), once.
    from bot.bootstrap import ProgrammeFileInvalid, SchemaNotCurrent
    from bot.runtime import StartupError
    from bot.serve import CannotServe, configure_logging, serve

    configure_logging(settings.log_level)
    try:
        asyncio.run(serve(settings, emulator_port=emulator_port))
    except KeyboardInterrupt:
        pass
    except (CannotServe, StartupError, SchemaNotCurrent, ProgrammeFileInvalid) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot start: {exc.strerror or type(exc).__name__}")


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point: one-line errors and non-zero exits instead of usage boxes and tracebacks."""
    try:
        app.main(args=argv, prog_name="frontdesk", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(2)
    except click.UsageError as exc:
        path = exc.ctx.command_path if exc.ctx else "frontdesk"
        click.echo(f"frontdesk: {exc.format_message()} (see '{path} --help')", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"frontdesk: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("frontdesk: aborted", err=True)
        sys.exit(130)
    sys.exit(0)
