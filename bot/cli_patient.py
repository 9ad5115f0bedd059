"""`frontdesk patient`: a patient's data rights run by the practice — a copy of everything held
about them (art. 15/20), or its erasure (art. 17).

bot/cli.py imports this module to register the group, so its helpers are imported when a command
runs, not at import time.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from storage.uow import Database


def _telegram_id(ctx: click.Context, param: click.Parameter, value: int) -> int:
    from bot.cli import check_telegram_id

    return check_telegram_id(ctx, param, value)


async def _require_schema(database: Database) -> None:
    from bot.cli import fail
    from storage import migrate

    if await migrate.current_revision(database.engine) != migrate.head_revision():
        fail(_stale_schema(database))


@click.group("patient", help="A patient's data: a copy of everything held, or its erasure.")
def patient() -> None:
    pass


@patient.command("export")
@click.argument("telegram_id", type=int, callback=_telegram_id)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="File to write (readable only by you); printed when omitted.",
)
def export_command(telegram_id: int, output: str | None) -> None:
    """Everything held about a patient, as JSON: the file the patient gets in the chat."""
    from bot.cli import fail, load_settings, with_database
    from flows.clock import clock_from_environment
    from flows.privacy.export import export

    settings = load_settings()

    async def work(database: Database) -> bytes:
        await _require_schema(database)
        async with database.uow() as uow:
            found = await uow.patients.by_telegram_id(telegram_id=telegram_id)
            if found is None:
                fail(f"no patient with Telegram id {telegram_id}")
            now = clock_from_environment().now()
            return await export(uow, found, now=now, practice=settings.practice_name)

    data = with_database(work)
    if output is None:
        click.echo(data.decode())
        return
    # Health data: the file is created readable by its owner only.
    handle = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    click.echo(f"Export of patient {telegram_id} written to {output}.")


@patient.command("erase")
@click.argument("telegram_id", type=int, callback=_telegram_id)
@click.option("--yes", is_flag=True, help="Confirm: an erasure cannot be undone.")
def erase_command(telegram_id: int, yes: bool) -> None:
    """Erase a patient's personal data; only anonymous counts stay. Staff are told."""
    from bot.cli import fail, with_database
    from flows.clock import clock_from_environment
    from flows.privacy.erasure import (
        ERASED_NOTICE,
        erase_patient,
        notice_params,
        queue_staff_notice,
    )

    if not yes:
        fail("an erasure cannot be undone: add --yes to confirm", 2)

    async def work(database: Database) -> tuple[int, int, int]:
        await _require_schema(database)
        now = clock_from_environment().now()  # the bot's clock: the notice it queues is due now
        async with database.uow() as uow:
            found = await uow.patients.by_telegram_id(telegram_id=telegram_id)
            if found is None:
                fail(f"no patient with Telegram id {telegram_id}")
            erasure = await erase_patient(uow, found, now=now)
            team = [s.telegram_id for s in await uow.staff.list() if s.on_duty]
            queue_staff_notice(uow, team, ERASED_NOTICE, now, **notice_params(erasure))
            await uow.commit()
        return erasure.patient, len(erasure.open_requests), erasure.reminders

    number, still_open, stopped = with_database(work)
    click.echo(
        f"Erased patient {telegram_id}: now anonymous patient no. {number}; "
        f"{still_open} open requests left without contents, {stopped} reminders stopped."
    )


def _stale_schema(database: Database) -> str:
    from bot.cli_database import stale_schema

    return stale_schema(database.url)
