"""The unit of work: one patient or staff action, committed whole or not at all."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import create_engine, is_sqlite
from storage.prepared import Link
from storage.readers import Readers
from storage.repositories import (
    ConversationRepository,
    PatientRepository,
    RequestRepository,
    SettingRepository,
    ShownMenus,
    StaffRepository,
    UpdateJournal,
)
from storage.repositories.appointments import AppointmentRepository
from storage.repositories.caregivers import CaregiverRepository
from storage.repositories.digest import DigestRepository
from storage.repositories.kpis import KpiRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.programmes import ProgrammeRepository
from storage.repositories.reminders import ReminderRepository
from storage.repositories.satisfaction import SatisfactionRepository
from storage.repositories.stats import StatsRepository
from storage.repositories.tags import TagRepository
from storage.repositories.therapies import TherapyRepository


class WriterGate:
    """One unit of work at a time against SQLite, queued in the event loop.

    SQLite has one writer; without this, concurrent transactions contend in its busy handler,
    which sleeps and retries, and latency explodes under load. Waiters are served in order, but
    an urgent one (journalling a batch of incoming updates, which holds up the next getUpdates
    and so every chat) goes before the turns already queued. A nested unit of work in the same
    task would wait for itself forever, so it is refused at once instead.
    """

    def __init__(self) -> None:
        self._busy = False
        self._owner: asyncio.Task[object] | None = None
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._queued: deque[asyncio.Future[None]] = deque()

    async def acquire(self, *, urgent: bool = False) -> None:
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            raise RuntimeError("a unit of work was opened inside another one")
        if self._busy:
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            queue = self._urgent if urgent else self._queued
            queue.append(turn)
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._hand_over()  # it was ours already: pass it on
                else:
                    queue.remove(turn)
                raise
        self._busy = True
        self._owner = task

    def release(self) -> None:
        self._owner = None
        self._hand_over()

    def _hand_over(self) -> None:
        """To the next waiter, who finds the gate still busy on its behalf."""
        for queue in (self._urgent, self._queued):
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._busy = False


class UnitOfWork:
    """Repositories over one session. Nothing is written unless `commit()` is called."""

    session: AsyncSession
    link: Link
    patients: PatientRepository
    staff: StaffRepository
    requests: RequestRepository
    conversations: ConversationRepository
    updates: UpdateJournal
    settings: SettingRepository
    # The front desk's own questions: privacy rights, /stats, the outbox.
    privacy: PrivacyRepository
    stats: StatsRepository
    kpis: KpiRepository
    satisfaction: SatisfactionRepository
    outbox: OutboxRepository
    # Follow-up programmes.
    programmes: ProgrammeRepository
    tags: TagRepository
    # Reminders and the scheduler: what is planned and due, the outbox, the rows they use.
    reminders: ReminderRepository
    therapies: TherapyRepository
    appointments: AppointmentRepository
    caregivers: CaregiverRepository
    digest: DigestRepository

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gate: WriterGate | None = None,
        *,
        urgent: bool = False,
        menus: ShownMenus | None = None,
        readers: Readers | None = None,
    ) -> None:
        self._sessions = sessions
        self._readers = readers
        self._gate = gate
        self._urgent = urgent
        self._menus = menus if menus is not None else ShownMenus()
        self._after_commit: list[Callable[[], None]] = []

    async def __aenter__(self) -> Self:
        if self._gate is not None:
            await self._gate.acquire(urgent=self._urgent)
        self.session = self._sessions()
        self.link = Link(self.session)
        self.patients = PatientRepository(self.session, self.link)
        self.staff = StaffRepository(self.session)
        self.requests = RequestRepository(self.session)
        self.conversations = ConversationRepository(self.session, self.link, self._menus)
        self.updates = UpdateJournal(self.session, self.link)
        self.settings = SettingRepository(self.session)
        # The front desk's own questions: privacy rights, /stats, the outbox.
        self.privacy = PrivacyRepository(self.session)
        self.stats = StatsRepository(self.session)
        self.kpis = KpiRepository(self.session, self._readers)
        self.satisfaction = SatisfactionRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        # Follow-up programmes.
        self.programmes = ProgrammeRepository(self.session)
        self.tags = TagRepository(self.session)
        # Reminders and the scheduler: what is planned and due, the outbox, the rows they use.
        self.reminders = ReminderRepository(self.session)
        self.therapies = TherapyRepository(self.session)
        self.appointments = AppointmentRepository(self.session)
        self.caregivers = CaregiverRepository(self.session)
        self.digest = DigestRepository(self.session)
        self._after_commit = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed and detaches the loaded rows without
        # expiring them, so callers can still read what they fetched.
        try:
            await self.session.close()
        finally:
            if self._gate is not None:
                self._gate.release()

    async def commit(self) -> None:
        self.link.forget()
        await self.session.commit()
        self.conversations.committed()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once what this unit of work wrote is committed (and never if it is
        not): waking a worker that must see the rows, such as the outbox's dispatcher."""
        self._after_commit.append(callback)

    async def serialise_chat(self, *, chat_id: int) -> None:
        """One chat's turns one at a time across workers on PostgreSQL (a transaction-scoped
        advisory lock); SQLite's single writer already does that."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.exec(select(func.pg_advisory_xact_lock(chat_id)))


class Database:
    """The engine and the factory of units of work; created by the composition root."""

    def __init__(self, url: str, *, search_path: str | None = None) -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url, search_path=search_path)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self._gate = WriterGate() if is_sqlite(url) else None
        # Shared by every unit of work of this process (see `ShownMenus`).
        self.menus = ShownMenus()
        self.readers = Readers.of(url, self.engine)

    def uow(self, *, urgent: bool = False) -> UnitOfWork:
        """`urgent`: a short unit of work that others wait on (see `WriterGate`)."""
        return UnitOfWork(
            self._sessions, self._gate, urgent=urgent, menus=self.menus, readers=self.readers
        )

    async def dispose(self) -> None:
        if self.readers is not None:
            await self.readers.dispose()
        await self.engine.dispose()
