"""The retention purge: once a request has ended (closed, rejected, cancelled, expired) and the
retention period has passed, its contents go — answers, notes, attachments.
What the KPIs count (kind, state, timestamps, due time, ratings) stays, so /stats is unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flows.lifecycle import FINAL_STATES
from storage.tables import Request
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

LAST_RUN_SETTING = "retention_purge"
BATCH = 500


async def scrub_contents(uow: UnitOfWork, requests: Sequence[Request], *, now: datetime) -> None:
    """Empty the requests' answers and their events' notes, and forget their attachments.

    Attachment rows go entirely: without the file reference they are of no use, and the staff
    card would offer files it can no longer send."""
    await uow.privacy.scrub_contents(requests=requests, now=now)


async def purge_expired(uow: UnitOfWork, *, now: datetime, days: int) -> int:
    """Purge every ended request closed more than `days` ago; how many were purged."""
    cutoff = now - timedelta(days=days)
    ended = [s.value for s in FINAL_STATES]
    purged = 0
    while True:
        batch = await uow.privacy.ended_requests_to_purge(
            states=ended, closed_before=cutoff, limit=BATCH
        )
        if not batch:
            return purged
        await scrub_contents(uow, batch, now=now)
        purged += len(batch)


async def daily_purge(uow: UnitOfWork, *, now: datetime, days: int, tz: ZoneInfo) -> int | None:
    """The purge at most once per day of the practice; None when it already ran today.

    The count of each run and the running total are kept in a practice setting, for the record.
    """
    today = now.astimezone(tz).date().isoformat()
    last = await uow.settings.get(key=LAST_RUN_SETTING, default=None)
    last = last if isinstance(last, dict) else {}
    if last.get("day") == today:
        return None
    purged = await purge_expired(uow, now=now, days=days)
    total = int(last.get("total") or 0) + purged
    record = {"day": today, "at": now.isoformat(), "purged": purged, "total": total, "days": days}
    await uow.settings.put(key=LAST_RUN_SETTING, value=record)
    log.info("retention purge: %d requests' contents removed (older than %d days)", purged, days)
    return purged
