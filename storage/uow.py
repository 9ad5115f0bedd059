"""The unit of work: one patient or staff action, committed whole or not at all."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.engine import create_engine
from storage.repositories import (
    ConversationRepository,
    PatientRepository,
    RequestRepository,
    SettingRepository,
    StaffRepository,
    UpdateJournal,
)


class UnitOfWork:
    """Repositories over one session. Nothing is written unless `commit()` is called."""

    session: AsyncSession
    patients: PatientRepository
    staff: StaffRepository
    requests: RequestRepository
    conversations: ConversationRepository
    updates: UpdateJournal
    settings: SettingRepository

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> Self:
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
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()


class Database:
    """The engine and the factory of units of work; created by the composition root."""

    def __init__(self, url: str, *, search_path: str | None = None) -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url, search_path=search_path)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self._sessions)

    async def dispose(self) -> None:
        await self.engine.dispose()
