"""The conversation engine: one entry point for every input, whatever the Telegram framework.

For each update: take the chat's lock (one person's updates in order, different people in
parallel), journal the update, handle it in one unit of work that also marks it done, then hand
the reply to the adapter's renderer and remember the message ids it reports.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from flows.callbacks import CallbackCodec
from flows.clock import Clock
from flows.errors import DomainError
from flows.events import CommandIn, Event, TapIn
from flows.i18n import Catalog
from flows.logsafe import log_unexpected
from flows.programmes.model import Programme
from flows.registry import Registry
from flows.reply import Delivered, Outgoing, Reply
from flows.settings import Settings
from flows.turn import Turn
from storage.uow import Database, UnitOfWork

log = logging.getLogger(__name__)


class AlreadyHandled(Exception):
    """The update was marked done by someone else while we handled it."""


class Renderer(Protocol):
    async def render(self, reply: Reply) -> list[Delivered]: ...


class Routes(Protocol):
    """Who answers a turn: the patient routes, or the staff routes for staff members (each a
    `flows.router.Router`). What the methods return (handled or not) the engine ignores."""

    async def on_command(self, turn: Turn, command: CommandIn) -> bool | None: ...

    async def on_tap(self, turn: Turn, code: str) -> bool | None:
        """A button of the current menu (already checked: signed, this chat, not stale)."""
        ...

    async def on_global(self, turn: Turn, code: str) -> bool | None:
        """A button that outlives menus, e.g. a status card's Cancel."""
        ...

    async def on_input(self, turn: Turn) -> bool | None: ...

    async def show_current(self, turn: Turn, notice: str | None = None) -> bool | None:
        """Show where this person stands (after an error, or a tap on an expired menu)."""
        ...


class FrontDesk:
    def __init__(
        self,
        *,
        database: Database,
        settings: Settings,
        catalog: Catalog,
        clock: Clock,
        registry: Registry,
        codec: CallbackCodec,
        patient_routes: Routes,
        staff_routes: Routes | None = None,
        programmes: Sequence[Programme] = (),
    ) -> None:
        self.database = database
        self.settings = settings
        self.catalog = catalog
        self.clock = clock
        self.registry = registry
        self.codec = codec
        self.patient_routes = patient_routes
        self.staff_routes = staff_routes
        # The follow-up programmes the practice declares (their funnels in /stats).
        self.programmes = tuple(programmes)
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        # Set by the outbox's dispatcher when it runs: something is due now.
        self.wake_outbox: Callable[[], None] | None = None

    def lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    # --- the entry point ------------------------------------------------------------------

    async def process(
        self,
        event: Event,
        renderer: Renderer,
        *,
        update_id: int | None = None,
        raw: dict[str, Any] | None = None,
        journalled: bool = False,
    ) -> None:
        """Handle one update and show the reply. `journalled` says the adapter already wrote
        the update to the journal (before acknowledging it to Telegram)."""
        async with self.lock(event.sender.chat_id):
            if (
                update_id is not None
                and not journalled
                and not await self.journal(update_id, event.sender.chat_id, raw or {})
            ):
                return
            reply = await self.handle(event, update_id=update_id)
            delivered = await renderer.render(reply)
            kept = [d for d in delivered if d.anchor.kind == "card" or d.outbox_key is not None]
            shown = {item.outbox_key for item in delivered}
            owed = [m.outbox_key for m in reply.messages if m.outbox_key]
            undelivered = [key for key in owed if key not in shown]
            if kept or undelivered:
                await self.remember(kept, undelivered=undelivered)
            for item in delivered:
                # Saved with the chat's next turn, not in a transaction of its own.
                if item.anchor.kind == "menu":
                    self.database.menus.shown(chat_id=item.chat_id, message_id=item.message_id)

    async def journal(self, update_id: int, chat_id: int, raw: dict[str, Any]) -> bool:
        """Record the update before handling it; False when it was already handled."""
        async with self.database.uow() as uow:
            if await uow.updates.record(update_id=update_id, chat_id=chat_id, payload=raw):
                await uow.commit()
                return True
            existing = await uow.updates.get(update_id=update_id)
            return existing is not None and existing.status == "pending"

    async def unfinished_updates(self) -> list[dict[str, Any]]:
        """Updates journalled but never marked done (the bot died mid-way): replay them."""
        async with self.database.uow() as uow:
            rows = await uow.updates.unfinished()
            return [row.payload for row in rows if row.payload]

    async def handle(self, event: Event, *, update_id: int | None = None) -> Reply:
        now = self.clock.now()
        try:
            async with self.database.uow() as uow:
                await uow.serialise_chat(chat_id=event.sender.chat_id)
                turn = await self._turn(uow, event, now)
                await self._dispatch(turn)
                await self._finish(turn, update_id)
                return turn.reply
        except AlreadyHandled:
            return Reply()
        except DomainError as error:
            try:
                return await self._refused(event, update_id, now, error)
            except AlreadyHandled:
                return Reply()
        except Exception as exc:
            log_unexpected(log, exc, "handling update %s", update_id)
            return await self._apologise(event, update_id, now)

    async def remember(
        self, delivered: Sequence[Delivered], *, undelivered: Sequence[str] = ()
    ) -> None:
        """The ids of menus and cards just shown. Outbox rows a reply carried (`outbox_key`)
        are marked sent when shown; those it could not show go to the outbox's dispatcher."""
        now = self.clock.now()
        async with self.database.uow() as uow:
            outbox = uow.outbox
            for item in delivered:
                if item.anchor.kind == "menu":
                    conversation = await uow.conversations.get(chat_id=item.anchor.key)
                    if conversation is not None:
                        conversation.menu_message_id = item.message_id
                        await uow.conversations.save(conversation=conversation)
                elif item.anchor.kind == "card":
                    request = await uow.requests.get(request_id=item.anchor.key)
                    if request is not None:
                        request.status_chat_id = item.chat_id
                        request.status_message_id = item.message_id
                        await uow.requests.save(request=request)
                if item.outbox_key is not None:
                    await outbox.shown_by_reply(
                        key=item.outbox_key, message_id=item.message_id, now=now
                    )
            released = await outbox.release_held(now=now, keys=undelivered) if undelivered else 0
            await uow.commit()
        if released and self.wake_outbox is not None:
            self.wake_outbox()

    # --- inside a turn --------------------------------------------------------------------

    async def _turn(self, uow: UnitOfWork, event: Event, now: datetime) -> Turn:
        sender = event.sender
        conversation = await uow.conversations.of_turn(
            chat_id=sender.chat_id, user_id=sender.user_id
        )
        patient = await uow.patients.by_telegram_id(telegram_id=sender.user_id)
        roles = await uow.patients.roles_of(telegram_id=sender.user_id)
        staff = await uow.staff.by_telegram_id(telegram_id=sender.user_id) if roles.staff else None
        lang = patient.language if patient is not None else self.settings.default_language
        tapped = event.message_id if isinstance(event, TapIn) else None
        return Turn(
            desk=self,
            uow=uow,
            event=event,
            sender=sender,
            conversation=conversation,
            patient=patient,
            staff=staff,
            lang=lang,
            now=now,
            tapped_message_id=tapped,
            maybe_acting=roles.acting_caregiver,
        )

    def routes_for(self, turn: Turn) -> Routes:
        if turn.staff is not None and self.staff_routes is not None:
            return self.staff_routes
        return self.patient_routes

    async def _dispatch(self, turn: Turn) -> None:
        desk = self.routes_for(turn)
        event = turn.event
        if isinstance(event, CommandIn):
            await desk.on_command(turn, event)
            return
        if isinstance(event, TapIn):
            decoded = self.codec.decode(chat_id=turn.chat_id, data=event.data)
            if decoded is None:
                turn.tapped_message_id = None
                await desk.show_current(turn, turn.t("menu.expired"))
                return
            if decoded.nonce is None:
                await desk.on_global(turn, decoded.code)
                return
            if decoded.nonce != turn.conversation.nonce:
                await self._stale_menu(turn, desk, event)
                return
            await desk.on_tap(turn, decoded.code)
            return
        await desk.on_input(turn)

    async def _stale_menu(self, turn: Turn, desk: Routes, event: TapIn) -> None:
        """A button of an older menu always gets an answer: where the person stands. Its action
        is never applied, so a double tap does nothing twice.

        On the current menu's own message (a double tap after it moved on, or an edit that
        never reached Telegram and left an older step showing) the current step is drawn
        again in place, with the same buttons: a true double tap changes nothing ("message is
        not modified"), a screen left behind is repaired. Any older message gets the current
        step anew below, with a word that the menu expired.
        """
        if event.message_id == turn.conversation.menu_message_id:
            turn.redraw = True
            await desk.show_current(turn)
            return
        turn.tapped_message_id = None
        await desk.show_current(turn, turn.t("menu.expired"))

    async def _finish(self, turn: Turn, update_id: int | None) -> None:
        await turn.uow.conversations.save(conversation=turn.conversation)
        if update_id is not None and not await turn.uow.updates.mark_done(update_id=update_id):
            # Another worker (or a replay) finished this update first: keep nothing of ours.
            raise AlreadyHandled(update_id)
        await turn.uow.commit()

    async def _refused(
        self, event: Event, update_id: int | None, now: datetime, error: DomainError
    ) -> Reply:
        """A domain refusal: nothing of the attempt is kept; say why and show where we are."""
        async with self.database.uow() as uow:
            turn = await self._turn(uow, event, now)
            turn.tapped_message_id = None
            turn.say(turn.t(error.key, **error.params))
            desk = self.routes_for(turn)
            if getattr(desk, "redisplay_after_error", True):
                await desk.show_current(turn)
            await self._finish(turn, update_id)
            return turn.reply

    async def _apologise(self, event: Event, update_id: int | None, now: datetime) -> Reply:
        chat_id = event.sender.chat_id
        try:
            async with self.database.uow() as uow:
                turn = await self._turn(uow, event, now)
                turn.tapped_message_id = None
                turn.say(turn.t("error.unexpected"))
                # Where they stood may be what broke: start again from the menu.
                turn.conversation.flow = None
                turn.conversation.step = None
                await self.routes_for(turn).show_current(turn)
                await self._finish(turn, update_id)
                return turn.reply
        except AlreadyHandled:
            return Reply()
        except Exception as exc:
            log_unexpected(log, exc, "handling update %s", update_id)
            text = self.catalog.text("error.unexpected", self.settings.default_language)
            return Reply([Outgoing(chat_id=chat_id, text=text)])
