"""Conversation positions and the update journal.

These run on every update, so their statements are built and compiled once and run as plain
SQL in the unit of work's transaction (`storage.prepared`): no statement is constructed, and no
ORM bookkeeping is done, per turn. A turn's conversation is therefore a detached row that `save`
writes whole; nothing else keeps it in the session.

For the same reason the id of the menu message each chat shows is kept in memory too
(`ShownMenus`): a new menu's id rides along with the chat's next turn instead of costing a
transaction of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col
from sqlmodel import select as select_rows
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.prepared import Link, Prepared
from storage.tables import Conversation, ProcessedUpdate
from storage.types import utcnow

_CONVERSATIONS = Conversation.__table__  # type: ignore[attr-defined]
_JOURNAL = ProcessedUpdate.__table__  # type: ignore[attr-defined]
# The primary key first: an upsert changes every other column.
_CONVERSATION_COLUMNS = (
    "chat_id",
    *(column.name for column in _CONVERSATIONS.columns if column.name != "chat_id"),
)

_SELECT_CONVERSATION = Prepared(
    select(*(_CONVERSATIONS.c[name] for name in _CONVERSATION_COLUMNS)).where(
        _CONVERSATIONS.c.chat_id == bindparam("chat_id")
    ),
    result_types=[_CONVERSATIONS.c[name].type for name in _CONVERSATION_COLUMNS],
)
_MARK_DONE = Prepared(
    update(_JOURNAL)
    .where(_JOURNAL.c.update_id == bindparam("key"), _JOURNAL.c.status == "pending")
    .values(status="done", handled_at=bindparam("handled_at"), payload=bindparam("empty"))
)
# An update nobody can handle (malformed, or from an older Bot API) keeps what it came as.
_SET_ASIDE = Prepared(
    update(_JOURNAL)
    .where(_JOURNAL.c.update_id == bindparam("key"), _JOURNAL.c.status == "pending")
    .values(status="failed", handled_at=bindparam("handled_at"))
)
_JOURNAL_COLUMNS = [column.name for column in _JOURNAL.columns]


def _upsert(dialect: Any) -> Prepared:
    statement = dialect.insert(_CONVERSATIONS)
    changed = {name: statement.excluded[name] for name in _CONVERSATION_COLUMNS[1:]}
    upsert = statement.on_conflict_do_update(index_elements=["chat_id"], set_=changed)
    return Prepared(upsert, keys=_CONVERSATION_COLUMNS)


def _record(dialect: Any) -> Prepared:
    return Prepared(dialect.insert(_JOURNAL).on_conflict_do_nothing(), keys=_JOURNAL_COLUMNS)


_SAVE_CONVERSATION = {"sqlite": _upsert(sqlite), "postgresql": _upsert(postgresql)}
_RECORD_UPDATE = {"sqlite": _record(sqlite), "postgresql": _record(postgresql)}


class ShownMenus:
    """The menu message each chat shows, as last read or written, for every unit of work of one
    database. A menu edited in place keeps its id and costs nothing; a new menu's id waits here
    (unsaved) until the chat's next turn saves its conversation anyway. Losing it in a crash
    only weakens double-tap detection for that one menu."""

    def __init__(self) -> None:
        self._shown: dict[int, int | None] = {}
        self._unsaved: dict[int, int] = {}

    def shown(self, *, chat_id: int, message_id: int) -> None:
        """A menu message was just shown in the chat (sent, or edited in place)."""
        if self._shown.get(chat_id) != message_id:
            self._shown[chat_id] = message_id
            self._unsaved[chat_id] = message_id

    def read(self, conversation: Conversation) -> None:
        """A conversation just loaded: the menu shown since its last save is the one it shows."""
        unsaved = self._unsaved.get(conversation.chat_id)
        if unsaved is not None:
            conversation.menu_message_id = unsaved
        self._shown[conversation.chat_id] = conversation.menu_message_id

    def written(self, conversation: Conversation) -> None:
        self._shown[conversation.chat_id] = conversation.menu_message_id

    def committed(self, *, chat_id: int, menu_message_id: int | None) -> None:
        """A menu id is in the database now: it need no longer wait to be saved."""
        unsaved = self._unsaved.get(chat_id)
        if unsaved is not None and unsaved == menu_message_id:
            del self._unsaved[chat_id]


class ConversationRepository:
    def __init__(self, session: AsyncSession, link: Link, menus: ShownMenus) -> None:
        self._session = session
        self._link = link
        self._menus = menus
        self._saved: dict[int, int | None] = {}

    async def get(self, *, chat_id: int) -> Conversation | None:
        ran = await _SELECT_CONVERSATION.run(self._link, {"chat_id": chat_id})
        if not ran.rows:
            return None
        return Conversation(**dict(zip(_CONVERSATION_COLUMNS, ran.rows[0], strict=True)))

    async def of_turn(self, *, chat_id: int, user_id: int) -> Conversation:
        """Where the chat stands as a turn begins (new for a first message), with the menu it
        shows even when that menu's id is not saved yet."""
        conversation = await self.get(chat_id=chat_id)
        if conversation is None:
            conversation = Conversation(chat_id=chat_id, user_id=user_id)
        self._menus.read(conversation)
        return conversation

    async def save(self, *, conversation: Conversation) -> None:
        conversation.updated_at = utcnow()
        values = {name: getattr(conversation, name) for name in _CONVERSATION_COLUMNS}
        await _SAVE_CONVERSATION[await self._link.dialect()].run(self._link, values)
        self._menus.written(conversation)
        self._saved[conversation.chat_id] = conversation.menu_message_id

    def committed(self) -> None:
        """The unit of work committed: the menu ids it saved need no longer wait in memory."""
        for chat_id, menu_message_id in self._saved.items():
            self._menus.committed(chat_id=chat_id, menu_message_id=menu_message_id)
        self._saved.clear()


class UpdateJournal:
    """Incoming updates, so none is lost between Telegram's acknowledgement and our commit."""

    def __init__(self, session: AsyncSession, link: Link) -> None:
        self._session = session
        self._link = link

    async def get(self, *, update_id: int) -> ProcessedUpdate | None:
        return await self._session.get(ProcessedUpdate, update_id)

    async def record(self, *, update_id: int, chat_id: int | None, payload: dict[str, Any]) -> bool:
        """Journal an update in one statement; False when this update_id was seen before."""
        values = {
            "update_id": update_id,
            "chat_id": chat_id,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "received_at": utcnow(),
            "handled_at": None,
        }
        record = _RECORD_UPDATE[await self._link.dialect()]
        return bool((await record.run(self._link, values)).rowcount)

    async def mark_done(self, *, update_id: int) -> bool:
        """Done, and its contents dropped (no longer needed once handled). False when it was no
        longer pending: someone else handled it, and this transaction must not commit."""
        values = {"key": update_id, "handled_at": utcnow(), "empty": {}}
        if (await _MARK_DONE.run(self._link, values)).rowcount:
            return True
        # Updates handled without a journal row (tests driving the engine directly) are fine.
        return await self._session.get(ProcessedUpdate, update_id) is None

    async def set_aside(self, *, update_id: int) -> bool:
        """Never to be handled (it could not be read): no longer pending, its payload kept as it
        came for someone to look at. False when it was not pending."""
        values = {"key": update_id, "handled_at": utcnow()}
        return bool((await _SET_ASIDE.run(self._link, values)).rowcount)

    async def unfinished(self, *, limit: int = 1000) -> Sequence[ProcessedUpdate]:
        query = (
            select_rows(ProcessedUpdate)
            .where(ProcessedUpdate.status == "pending")
            .order_by(col(ProcessedUpdate.update_id))
            .limit(limit)
        )
        return (await self._session.exec(query)).all()
