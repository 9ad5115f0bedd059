"""The composition root: builds storage, the engine and its flows from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from flows.assembly import build_registry, callback_secret
from flows.callbacks import CallbackCodec
from flows.clock import Clock, clock_from_environment
from flows.engine import FrontDesk
from flows.i18n import Catalog
from flows.kpis.targets import unknown_programmes
from flows.patient.routes import PatientRoutes
from flows.programmes.loader import Loaded, load_programmes
from flows.programmes.routes import AskPrevention, ProgrammeAnswers, StaffProgrammes
from flows.reminders.routes import ActingForPatient, CaregiverLinks, StaffReminders
from flows.router import Router
from flows.settings import Settings
from flows.staff.routes import StaffRoutes
from scheduler.service import ReminderScheduler
from storage import migrate
from storage.engine import is_sqlite
from storage.uow import Database


@dataclass(slots=True)
class App:
    settings: Settings
    database: Database
    desk: FrontDesk
    clock: Clock
    # Reminders and the outbound queue. The adapter calls `scheduler.start(outbound)` once the
    # bot is connected and `scheduler.shutdown()` before disconnecting; `close()` stops it too.
    scheduler: ReminderScheduler

    async def close(self) -> None:
        await self.scheduler.shutdown()
        await self.database.dispose()


class SchemaNotCurrent(RuntimeError):
    pass


def programmes_of(settings: Settings, catalog: Catalog, *, sandbox: bool = False) -> Loaded:
    """The built-in programmes, as the practice's file (FRONTDESK_PROGRAMMES_FILE) changes them;
    a file with problems is refused whole (`frontdesk programme validate` lists them). The
    sandbox adds its demo programme."""
    path = settings.programmes_file
    loaded = load_programmes(path, text_keys=catalog.keys("it"), sandbox=sandbox)
    if not loaded.ok:
        raise ProgrammeFileInvalid(
            f"{path}: {len(loaded.problems)} problem(s) in the programme file:"
            f" run 'frontdesk programme validate {path}' to see them"
        )
    # A programme's own KPI target names a programme: one that exists.
    unknown = unknown_programmes(settings.kpi_targets, (p.id for p in loaded.programmes))
    if unknown is not None:
        raise KpiTargetsInvalid(unknown)
    return loaded


class ProgrammeFileInvalid(RuntimeError):
    pass


class KpiTargetsInvalid(ProgrammeFileInvalid):
    """A programme's own KPI target names a programme nobody declared: the start is refused,
    as with a bad programme file."""


async def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    database: Database | None = None,
    sandbox: bool = False,
) -> App:
    """Build the app. The embedded SQLite database is upgraded here; PostgreSQL must already be."""
    database = database or Database(settings.database_url)
    if is_sqlite(settings.database_url):
        await migrate.upgrade_if_behind(database.engine)
    elif await migrate.current_revision(database.engine) != migrate.head_revision():
        await database.dispose()
        raise SchemaNotCurrent("the database schema is not up to date: run 'frontdesk db upgrade'")
    # The system clock, unless FRONTDESK_CLOCK starts it at another moment (tests, demos).
    clock = clock or clock_from_environment()
    catalog = Catalog.load()
    declared = programmes_of(settings, catalog, sandbox=sandbox)
    desk = FrontDesk(
        database=database,
        settings=settings,
        catalog=catalog,
        clock=clock,
        registry=build_registry(),
        programmes=declared.programmes,
        codec=CallbackCodec(await callback_secret(database)),
        # Each turn is offered to these handlers in order; the first that handles it ends it.
        patient_routes=Router(
            [
                CaregiverLinks(),
                ProgrammeAnswers(declared.programmes),
                AskPrevention(ActingForPatient(PatientRoutes())),
            ]
        ),
        staff_routes=Router(
            [StaffReminders(), StaffProgrammes(declared.programmes, declared.tags), StaffRoutes()],
            redisplay_after_error=False,
        ),
    )
    scheduler = ReminderScheduler(desk, programmes=declared.programmes)
    return App(settings=settings, database=database, desk=desk, clock=clock, scheduler=scheduler)
