"""The programme tick in the scheduler's pass: plans running programmes, closes what is over
and queues each due step in the outbox's programme lane, which the dispatcher drains only when
patients' own messages and reminders leave room (`Dispatcher._claim`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from flows.engine import FrontDesk
from flows.programmes.messages import composer
from flows.programmes.model import Programme
from flows.programmes.sending import tick

log = logging.getLogger(__name__)


async def programme_pass(desk: FrontDesk, programmes: Sequence[Programme], now: datetime) -> int:
    """One tick over the declared programmes, in a unit of work of its own; how many queued."""
    if not programmes:
        return 0
    async with desk.database.uow() as uow:
        ticked = await tick(
            uow,
            programmes,
            now=now,
            settings=desk.settings,
            compose=composer(desk),
            cap_days=desk.settings.programme_cap_days,
        )
        await uow.commit()
    if ticked.queued or ticked.non_responders:
        log.info("programmes: %d queued, %d non-responders", ticked.queued, ticked.non_responders)
    return ticked.queued
