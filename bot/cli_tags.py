"""`frontdesk patients import FILE.csv [--dry-run]`: condition tags from the practice's clinical
record software, a codice fiscale and the tags on each row.

The whole file is read and checked before anything is written, and the changes land in one unit
of work: a file with any problem changes nothing, and an import is never half applied. The dry
run prints exactly what the import would change, patient by patient.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli_programme import FILE_ENV

if TYPE_CHECKING:
    from flows.programmes.tagfile import TagFile
    from flows.programmes.tagplan import ImportPlan
    from storage.uow import Database

SHOWN_UNREGISTERED = 50  # beyond that, a count: the list is the practice's own export anyway


@click.group("patients", help="Patients in bulk: condition tags from the clinical software.")
def patients() -> None:
    pass


@patients.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option(
    "--programmes",
    "programmes_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=FILE_ENV,
    help="The programme file whose `tags` adds to the default condition tags.",
)
def import_command(file: Path, dry_run: bool, programmes_file: Path | None) -> None:
    """Set patients' condition tags from a CSV: codice fiscale, tags."""
    from bot.cli import fail, require_schema, with_database
    from bot.cli_programme import load
    from flows.clock import clock_from_environment
    from flows.programmes.tagimport import apply_tags, plan_tags

    declared = load(programmes_file)[0].tags
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"{file}: cannot read it: {exc.strerror or type(exc).__name__}")
    now = clock_from_environment().now()

    async def work(database: Database) -> tuple[TagFile, ImportPlan | None]:
        await require_schema(database)
        async with database.uow() as uow:
            read, plan = await plan_tags(uow, data, declared)
            if plan is not None and not dry_run:
                await apply_tags(uow, plan, now=now)
                await uow.commit()
        return read, plan

    read, plan = with_database(work)
    if plan is None:
        _problems(file, read)
        fail(f"{file}: {len(read.problems)} problem(s); nothing was changed")
    _report(file, read, plan, dry_run=dry_run)


def _text() -> Any:
    from bot.cli import load_settings
    from flows.i18n import Catalog

    catalog, lang = Catalog.load(), load_settings().default_language

    def text(key: str, /, **params: Any) -> str:
        return catalog.text(key, lang, **params)

    return text


def _problems(file: Path, read: TagFile) -> None:
    from flows.programmes.problems import render

    text = _text()
    for problem in read.problems:
        click.echo(render(problem, text, name=file.name), err=True)


def _report(file: Path, read: TagFile, plan: ImportPlan, *, dry_run: bool) -> None:
    from flows.programmes.problems import Problem, render

    separator = {"\t": "tab", ";": "semicolon", ",": "comma"}[read.delimiter]
    header = "a header" if read.header else "no header"
    click.echo(f"{file.name}: {len(read.rows)} rows, {read.encoding}, {separator}, {header}.")
    for change in plan.changes:
        added = " ".join(f"+{tag}" for tag in change.added)
        removed = " ".join(f"-{tag}" for tag in change.removed)
        click.echo(f"  {change.fiscal_code}: {' '.join(filter(None, (added, removed)))}")
    if plan.unregistered:
        text = _text()
        for row in plan.unregistered[:SHOWN_UNREGISTERED]:
            unknown = Problem("tagfile.code.unregistered", row.line, {"code": row.fiscal_code})
            click.echo(render(unknown, text, name=file.name))
        if (more := len(plan.unregistered) - SHOWN_UNREGISTERED) > 0:
            click.echo(f"{file.name}: … and {more} more codici fiscali of no registered patient.")
    verb = "Would change" if dry_run else "Changed"
    click.echo(
        f"{verb} {len(plan.changes)} patients ({plan.added} tags added, {plan.removed} removed); "
        f"{plan.unchanged} unchanged; {len(plan.unregistered)} not registered, skipped."
        + (" Nothing was changed (dry run)." if dry_run else "")
    )
