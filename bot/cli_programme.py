"""`frontdesk programme`: the follow-up programmes from the command line — list them, check the
practice's programme file, preview, start, pause, resume or stop one, and read its funnel.

The programmes are the built-ins as the practice's file (``--programmes FILE`` or
FRONTDESK_PROGRAMMES_FILE) enables, edits and adds to them; a file with any problem is refused
whole, so nothing starts from it. bot/cli.py imports this module to register the group: what the
commands use is imported when they run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

if TYPE_CHECKING:
    from flows.i18n import Catalog
    from flows.programmes.funnel import Funnel
    from flows.programmes.loader import Loaded
    from flows.programmes.model import Programme
    from flows.programmes.running import Planned
    from flows.programmes.segment import Preview
    from storage.uow import Database

FILE_ENV = "FRONTDESK_PROGRAMMES_FILE"
_file_option = click.option(
    "--programmes",
    "programmes_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=FILE_ENV,
    help=f"The practice's programme file (TOML); default: ${FILE_ENV}, else the built-ins.",
)


@click.group("programme", help="Follow-up programmes: recalls of patients, measured as a funnel.")
def programme() -> None:
    pass


def problem_lines(loaded: Loaded, name: str, catalog: Catalog, lang: str) -> list[str]:
    from flows.programmes.problems import render

    def text(key: str, /, **params: Any) -> str:
        return catalog.text(key, lang, **params)

    return [render(problem, text, name=name) for problem in loaded.problems]


def _language() -> str:
    from bot.cli import load_settings

    return load_settings().default_language


def load(path: Path | None) -> tuple[Loaded, Catalog]:
    """The programmes, or a stop listing every problem of the file."""
    from bot.cli import fail
    from flows.i18n import Catalog
    from flows.programmes.loader import load_programmes

    catalog = Catalog.load()
    loaded = load_programmes(path, text_keys=catalog.keys("it"))
    if not loaded.ok:
        assert path is not None  # the built-ins alone always load
        for line in problem_lines(loaded, str(path), catalog, _language()):
            click.echo(line, err=True)
        fail(f"{path}: {len(loaded.problems)} problem(s); nothing was changed")
    return loaded, catalog


def find(loaded: Loaded, programme_id: str) -> Programme:
    from bot.cli import fail

    for declared in loaded.programmes:
        if declared.id == programme_id:
            return declared
    known = ", ".join(p.id for p in loaded.programmes)
    fail(f"no programme '{programme_id}' (known: {known})")


def describe(declared: Programme) -> str:
    from flows.programmes.model import EveryMonths, Once, Season

    segment = declared.segment
    parts = []
    if segment.min_age is not None or segment.max_age is not None:
        parts.append(f"age {segment.min_age or 0}-{segment.max_age or '…'}")
    if segment.sex:
        parts.append(f"sex {segment.sex.value}")
    for name in ("tags_any", "tags_all", "tags_none"):
        if tags := getattr(segment, name):
            parts.append(f"{name} {'/'.join(tags)}")
    recurrence = declared.recurrence
    if isinstance(recurrence, Once):
        parts.append("once")
    elif isinstance(recurrence, EveryMonths):
        parts.append(f"every {recurrence.months} months")
    elif isinstance(recurrence, Season):
        parts.append(f"season {recurrence.first_month}-{recurrence.last_month}")
    parts.append("days " + "/".join(str(step.day) for step in declared.steps))
    return "; ".join(parts)


@programme.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def validate_command(file: Path) -> None:
    """Check a programme file: one line per problem, with its line number."""
    loaded, _ = load(file)
    click.echo(f"{file}: OK, {len(loaded.programmes)} programmes, {len(loaded.tags)} tags.")


@programme.command("list")
@_file_option
def list_command(programmes_file: Path | None) -> None:
    """Each programme: its id, state, title and what it does."""
    from bot.cli import require_schema, with_database

    loaded, catalog = load(programmes_file)
    lang = _language()

    async def work(database: Database) -> dict[str, str]:
        await require_schema(database)
        async with database.uow() as uow:
            states = await uow.programmes.programme_states()
        return {s.programme_id: f"{s.status} (cycle {s.cycle})" for s in states}

    states = with_database(work)
    click.echo(f"{'ID':<16}{'STATE':<20}TITLE")
    for declared in loaded.programmes:
        state = states.get(declared.id, "draft") if declared.enabled else "disabled"
        click.echo(f"{declared.id:<16}{state:<20}{catalog.text(declared.title, lang)}")
        click.echo(f"{'':<16}{'':<20}{describe(declared)}")


def _now_zone_and_cap() -> tuple[datetime, ZoneInfo, int]:
    from bot.cli import load_settings
    from flows.clock import clock_from_environment

    settings = load_settings()
    return clock_from_environment().now(), settings.tz, settings.programme_cap_days


def _preview_lines(seen: Preview) -> list[str]:
    lines = [
        f"Programme {seen.programme_id}, cycle {seen.cycle}: {seen.invite} would be invited now "
        f"({seen.eligible} in the segment)."
    ]
    excluded = [f"{reason.replace('_', ' ')} {n}" for reason, n in seen.excluded.items() if n]
    lines.append("Excluded: " + (", ".join(excluded) if excluded else "none") + ".")
    return lines


@programme.command("preview")
@click.argument("programme_id")
@_file_option
def preview_command(programme_id: str, programmes_file: Path | None) -> None:
    """How many would be invited now, and how many are excluded, by reason. Sends nothing."""
    from bot.cli import require_schema, with_database
    from flows.programmes.segment import preview

    declared = find(load(programmes_file)[0], programme_id)
    now, tz, cap = _now_zone_and_cap()

    async def work(database: Database) -> Preview:
        await require_schema(database)
        async with database.uow() as uow:
            return await preview(uow, declared, now=now, tz=tz, cap_days=cap)

    for line in _preview_lines(with_database(work)):
        click.echo(line)


@programme.command("start")
@click.argument("programme_id")
@click.option("--yes", is_flag=True, help="Start without asking, after the preview.")
@_file_option
def start_command(programme_id: str, yes: bool, programmes_file: Path | None) -> None:
    """Preview, confirm, then start: the first messages go out through the outbox."""
    from bot.cli import fail, require_schema, with_database
    from flows.programmes.running import start
    from flows.programmes.segment import preview

    declared = find(load(programmes_file)[0], programme_id)
    if not declared.enabled:
        fail(f"programme '{programme_id}' is disabled in the programme file")
    now, tz, cap = _now_zone_and_cap()

    async def look(database: Database) -> Preview:
        await require_schema(database)
        async with database.uow() as uow:
            return await preview(uow, declared, now=now, tz=tz, cap_days=cap)

    for line in _preview_lines(with_database(look)):
        click.echo(line)
    if not yes and not click.confirm(f"Start programme {programme_id}?", default=False):
        fail("not started", 1)

    async def work(database: Database) -> Planned | None:
        async with database.uow() as uow:
            planned = await start(uow, declared, now=now, tz=tz, cap_days=cap)
            await uow.commit()
        return planned

    planned = with_database(work)
    if planned is None:
        click.echo(f"Started {programme_id}: outside its season, nobody is invited until it opens.")
    else:
        click.echo(f"Started {programme_id}: cycle {planned.cycle}, {planned.enrolled} patients "
                   "enrolled; their messages go out through the outbox.")  # fmt: skip


def _set_status(programme_id: str, programmes_file: Path | None, status: str, done: str) -> None:
    from bot.cli import fail, require_schema, with_database
    from flows.programmes.running import set_status

    find(load(programmes_file)[0], programme_id)
    allowed = {"paused": ("running",), "running": ("paused",), "stopped": ("running", "paused")}

    async def work(database: Database) -> str | None:
        await require_schema(database)
        async with database.uow() as uow:
            state = await uow.programmes.programme_state(programme_id=programme_id)
            if state is None or state.status not in allowed[status]:
                return state.status if state else "draft"
            await set_status(uow, programme_id, status)
            await uow.commit()
        return None

    refused = with_database(work)
    if refused is not None:
        fail(f"programme '{programme_id}' is {refused}: it cannot be {done}")
    click.echo(f"Programme {programme_id} {done}.")


@programme.command("pause")
@click.argument("programme_id")
@_file_option
def pause_command(programme_id: str, programmes_file: Path | None) -> None:
    """Send nothing more until resumed."""
    _set_status(programme_id, programmes_file, "paused", "paused")


@programme.command("resume")
@click.argument("programme_id")
@_file_option
def resume_command(programme_id: str, programmes_file: Path | None) -> None:
    """Go on from where it was paused."""
    _set_status(programme_id, programmes_file, "running", "resumed")


@programme.command("stop")
@click.argument("programme_id")
@_file_option
def stop_command(programme_id: str, programmes_file: Path | None) -> None:
    """Stop for good; what was recorded stays."""
    _set_status(programme_id, programmes_file, "stopped", "stopped")


@programme.command("stats")
@click.argument("programme_id")
@click.option("--cycle", type=click.IntRange(1), help="Which cycle; default: the latest.")
@click.option("--format", "fmt", type=click.Choice(("text", "csv")), default="text")
@_file_option
def stats_command(
    programme_id: str, cycle: int | None, fmt: str, programmes_file: Path | None
) -> None:
    """The funnel of one cycle: eligible, invited, delivered, answered, booked, attended."""
    from bot.cli import fail, require_schema, with_database
    from flows.programmes.funnel import funnel

    find(load(programmes_file)[0], programme_id)

    async def work(database: Database) -> Funnel | None:
        await require_schema(database)
        async with database.uow() as uow:
            state = await uow.programmes.programme_state(programme_id=programme_id)
            number = cycle or (state.cycle if state else 0)
            return await funnel(uow, programme_id, number) if number else None

    found = with_database(work)
    if found is None:
        fail(f"programme '{programme_id}' has not run yet: no funnel")
    click.echo(funnel_csv(found) if fmt == "csv" else funnel_text(found), nl=False)


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def funnel_rows(found: Funnel) -> list[tuple[str, str, str, str]]:
    """(section, name, count, conversion) for every stage, outcome and message; like every
    report, a count of one to four patients reads "< 5" and its share is left out."""
    from flows.programmes.funnel import OUTCOMES, STAGES
    from flows.programmes.funnel_view import count_text, share_value, stage_share

    def stage(name: str) -> str:
        pair = stage_share(found, name)
        return _share(share_value(*pair)) if pair else ""

    rows = [("stage", s, count_text(found.counts.get(s, 0)), stage(s)) for s in STAGES]
    rows += [("outcome", o, count_text(found.counts.get(o, 0)), "") for o in OUTCOMES]
    for message in found.messages:
        section = f"message {message.step + 1}"
        rows.append((section, "sent", count_text(message.sent), ""))
        rows.append((section, "delivered", count_text(message.delivered), ""))
        share = _share(share_value(message.answered, message.delivered))
        rows.append((section, "answered", count_text(message.answered), share))
    return rows


def funnel_text(found: Funnel) -> str:
    from flows.programmes.funnel_view import median_shown

    lines = [f"Programme {found.programme_id}, cycle {found.cycle}"]
    lines += [f"  {section:<10} {name:<16} {count:>7}  {share}".rstrip()
              for section, name, count, share in funnel_rows(found)]  # fmt: skip
    median = median_shown(found)
    if median is not None:
        lines.append(f"  median days from invitation to appointment: {median:.1f}")
    return "\n".join(lines) + "\n"


def funnel_csv(found: Funnel) -> str:
    import csv
    import io

    from flows.programmes.funnel_view import median_shown

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("programme", "cycle", "section", "name", "count", "conversion"))
    for row in funnel_rows(found):
        writer.writerow((found.programme_id, found.cycle, *row))
    median = median_shown(found)
    days = "" if median is None else f"{median:.1f}"
    writer.writerow((found.programme_id, found.cycle, "time", "median_days", days, ""))
    return out.getvalue()
