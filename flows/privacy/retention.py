"""The retention purge: once a request has ended (closed, rejected, cancelled, expired) and the
retention period has passed, its contents go — answers, notes, attachments.
What the KPIs count (kind, state, timestamps, due time, ratings) stays, so /stats is unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, or_, select

from flows.lifecycle import FINAL_STATES
from storage.tables import Attachment, Request, RequestEvent
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

LAST_RUN_SETTING = "retention_purge"
BATCH = 500


async def scrub_contents(uow: UnitOfWork, requests: Sequence[Request], *, now: datetime) -> None:
    """Empty the requests' answers and their events' notes, and forget their attachments.

    Attachment rows go entirely: without the file reference they are of no use, and the staff
    card would offer files it can no longer send."""
    ids = [r.id for r in requests if r.id is not None]
    if not ids:
        return
    for request in requests:
        request.answers = {}
        request.purged_at = now
        uow.session.add(request)
    notes = select(RequestEvent).where(
        col(RequestEvent.request_id).in_(ids), col(RequestEvent.note).is_not(None)
    )
    for event in (await uow.session.exec(notes)).all():
        event.note = None
        uow.session.add(event)
    files = select(Attachment).where(col(Attachment.request_id).in_(ids))
    for attachment in (await uow.session.exec(files)).all():
        await uow.session.delete(attachment)
    await uow.session.flush()


async def purge_expired(uow: UnitOfWork, *, now: datetime, days: int) -> int:
    """Purge every ended request closed more than `days` ago; how many were purged."""
    cutoff = now - timedelta(days=days)
    purged = 0
    while True:
        query = (
            select(Request)
            .where(
                col(Request.state).in_([s.value for s in FINAL_STATES]),
                col(Request.closed_at) < cutoff,
                # Scrubbed while still open (an erasure), then closed later: notes may be new.
                or_(
                    col(Request.purged_at).is_(None),
                    col(Request.purged_at) < col(Request.closed_at),
                ),
            )
            .order_by(col(Request.id))
            .limit(BATCH)
        )
        batch = (await uow.session.exec(query)).all()
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
