"""What happens on its own: snoozed requests wake, unanswered questions expire, staff digests go
out at opening, command menus follow the staff table. Driven by the scheduler's tick."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flows.engine import FrontDesk
from flows.lifecycle import Action, Actor, move
from flows.menus import sync_menus
from flows.privacy.retention import daily_purge
from flows.reply import Reply
from flows.staff.announce import announce
from flows.staff.notify import due_digests
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def tick(desk: FrontDesk, *, force_menus: bool = False) -> Reply:
    now = desk.clock.now()
    reply = Reply()
    async with desk.database.uow() as uow:
        for request in await uow.requests.snoozed_until_before(moment=now):
            await _system_move(desk, uow, reply, request.id or 0, Action.WAKE, now)
        window = timedelta(days=desk.settings.answer_window_days)
        for request in await uow.requests.waiting_since_before(moment=now - window):
            await _system_move(desk, uow, reply, request.id or 0, Action.EXPIRE, now)
        reply.extend(await due_digests(desk, uow, now))
        await daily_purge(uow, now=now, days=desk.settings.retention_days, tz=desk.settings.tz)
        reply.extend(
            await sync_menus(uow, desk.catalog, desk.settings.default_language, force=force_menus)
        )
        await uow.commit()
    return reply


async def _system_move(
    desk: FrontDesk, uow: UnitOfWork, reply: Reply, request_id: int, action: Action, now: datetime
) -> None:
    request, _ = await move(
        uow, request_id=request_id, action=action, actor=Actor.system(), now=now
    )
    patient = await uow.patients.get(patient_id=request.patient_id)
    announce(desk, reply, request=request, patient=patient, action=action.value)
    log.info("request %s: %s by the clock", request_id, action.value)
