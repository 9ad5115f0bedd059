"""The unit of work: one patient or staff action, committed whole or not at all."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import create_engine, is_sqlite
from storage.repositories import (
    ConversationRepository,
    PatientRepository,
    RequestRepository,
    SettingRepository,
    StaffRepository,
    UpdateJournal,
)


class WriterGate:
    """One unit of work at a time against SQLite, queued in the event loop.

    SQLite has one writer; without this, concurrent transactions contend in its busy handler,
    which sleeps and retries, and latency explodes under load. A nested unit of work in the same
    task would wait for itself forever, so it is refused at once instead.
    """

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None

    async def acquire(self) -> None:
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            raise RuntimeError("a unit of work was opened inside another one")
        await self._lock.acquire()
        self._owner = task

    def release(self) -> None:
        self._owner = None
        self._lock.release()


class UnitOfWork:
    """Repositories over one session. Nothing is written unless `commit()` is called."""

    session: AsyncSession
    patients: PatientRepository
    staff: StaffRepository
    requests: RequestRepository
    conversations: ConversationRepository
    updates: UpdateJournal
    settings: SettingRepository

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], gate: WriterGate | None = None
    ) -> None:
        self._sessions = sessions
        self._gate = gate

    async def __aenter__(self) -> Self:
        if self._gate is not None:
            await self._gate.acquire()
        self.session = self._sessions()
        self.patients = PatientRepository(self.session)
        self.staff = StaffRepository(self.session)
        self.requests = RequestRepository(self.session)
        self.conversations = ConversationRepository(self.session)
        self.updates = UpdateJournal(self.session)
        self.settings = SettingRepository(self.session)
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
        await self.session.commit()

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

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self._sessions, self._gate)

    async def dispose(self) -> None:
        await self.engine.dispose()
