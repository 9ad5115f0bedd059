"""The outbox dispatcher: claims due rows, sends them through the rate limiter, records the result.

Claim -> send -> mark sent. A claimed row is marked `sending` (committed) right before its call
to Telegram and `sent` right after, so a crash leaves at most the rows of the calls in flight in
`sending`. Those are never sent again: the Bot API has no idempotency key and no way to ask
whether a message arrived, and a dose reminder sent twice could mean a dose taken twice. They
become `uncertain` (see `scheduler.sweep`), counted in /stats. One chat's rows go out in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flows.engine import FrontDesk
from flows.kpis.weekly import rendered
from flows.reminders.outbox import from_payload
from flows.reminders.times import in_quiet_hours, quiet_ends
from flows.reply import Anchor, Delivered
from scheduler import settle
from scheduler.limiter import RateLimiter
from scheduler.port import OutboundPort, Outcome, SendResult
from storage.tables import OutboundMessage

log = logging.getLogger(__name__)

BATCH = 120
LEASE = timedelta(minutes=5)
# Programme messages claimed and not yet finished, at most: a dose reminder or a staff notice
# claimed after them waits behind a third of a second of them at 30/s, never behind a batch.
LANE_INFLIGHT = 10
LANE_REFILL = 3  # the lane is topped up once this many are free: the rest cover the claim


@dataclass(frozen=True, slots=True)
class Claimed:
    """What a send needs, copied out of the row so no session is held while waiting."""

    id: int
    chat_id: int
    payload: dict[str, Any]
    reminder_id: int | None
    night_ok: bool
    expires_at: datetime | None
    lane: bool = False  # a programme message (the low-priority lane)

    @classmethod
    def of(cls, row: OutboundMessage, *, lane: bool = False) -> Claimed:
        assert row.id is not None
        return cls(row.id, row.chat_id, dict(row.payload), row.reminder_id, row.night_ok,
                   row.expires_at, lane)  # fmt: skip


class Dispatcher:
    def __init__(
        self, *, desk: FrontDesk, port: OutboundPort, limiter: RateLimiter, worker: str
    ) -> None:
        self.desk = desk
        self.port = port
        self.limiter = limiter
        self.worker = worker
        self.sent = 0
        self._queues: dict[int, deque[Claimed]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._inflight = 0
        self._lane_inflight = 0
        self._done = 0  # rows finished, to know whether anything changed since a claim
        self._progress = asyncio.Event()

    @property
    def idle(self) -> bool:
        """Nothing claimed and waiting, nothing in flight."""
        return not self._tasks and self._inflight == 0

    async def drain(self, stop: asyncio.Event | None = None) -> int:
        """Send what is due now; returns how many went out. Once `stop` is set nothing more is
        claimed or started, and the calls in flight finish."""
        stop = stop or asyncio.Event()
        before = self.sent
        exhausted = False  # the main queue gave fewer rows than asked
        lane_dry = False  # so did the programme lane (or it is night)
        done_at_claim = -1
        while not stop.is_set():
            lane_room = LANE_INFLIGHT - self._lane_inflight
            # The lane is topped up on its own, so a main queue found empty never leaves it
            # waiting for every send in flight to finish (that would leave gaps in the rate).
            wants = not exhausted or (not lane_dry and lane_room >= LANE_REFILL)
            if wants and self._inflight < BATCH // 2:
                wanted = BATCH - self._inflight
                done_at_claim = self._done
                claimed, lane_asked = await self._claim(wanted, lane_room)
                for row in claimed:
                    self._enqueue(row, stop)
                lane = sum(row.lane for row in claimed)
                exhausted = len(claimed) - lane < wanted
                # Not asked with room free means night (or a full batch): nothing to wait for.
                lane_dry = (lane_asked == 0 and lane_room > 0) or lane < lane_asked
            if not self._tasks:
                if exhausted and lane_dry and self._done == done_at_claim:
                    break
                # Sends finished since the last look may have queued more (a 403's notice).
                exhausted = lane_dry = False
                continue
            await self._progressed()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        return self.sent - before

    async def _progressed(self) -> None:
        """Until a row is done (or a second passes)."""
        self._progress.clear()
        waiter = asyncio.ensure_future(self._progress.wait())
        try:
            await asyncio.wait(
                [*self._tasks, waiter], timeout=1.0, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            waiter.cancel()

    async def unclaim(self) -> int:
        """Hand back rows claimed but never tried (after a stop)."""
        async with self.desk.database.uow() as uow:
            count = await uow.outbox.unclaim(worker=self.worker)
            await uow.commit()
        return count

    async def _claim(self, limit: int, lane_room: int) -> tuple[list[Claimed], int]:
        """Up to `limit` rows, patients' own and reminders first; programme messages fill what
        they leave, at most `lane_room`. Also how many programme messages were asked for."""
        now = self.desk.clock.now()
        night = in_quiet_hours(now, self.desk.settings)
        async with self.desk.database.uow() as uow:
            rows = list(
                await uow.outbox.claim(
                    now=now, worker=self.worker, lease=LEASE, limit=limit, night=night
                )
            )
            claimed = [Claimed.of(row) for row in rows]
            lane_asked = 0 if night else max(0, min(limit - len(rows), lane_room))
            if lane_asked:
                lane = await uow.programmes.claim_lane(
                    now=now, worker=self.worker, lease=LEASE, limit=lane_asked
                )
                claimed += [Claimed.of(row, lane=True) for row in lane]
            await uow.commit()
        return claimed, lane_asked

    def _enqueue(self, row: Claimed, stop: asyncio.Event) -> None:
        self._inflight += 1
        self._lane_inflight += row.lane
        queue = self._queues.get(row.chat_id)
        if queue is not None:
            queue.append(row)
            return
        self._queues[row.chat_id] = deque([row])
        task = asyncio.create_task(self._chat(row.chat_id, stop))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _chat(self, chat_id: int, stop: asyncio.Event) -> None:
        """One chat's rows, in order; ends when its queue is empty (or on stop)."""
        queue = self._queues[chat_id]
        try:
            while queue and not stop.is_set():
                row = queue.popleft()
                try:
                    await self._one(row)
                except Exception as exc:  # one row must not stop the others
                    log.error("outbox row %s not handled: %s", row.id, type(exc).__name__)
                finally:
                    self._inflight -= 1
                    self._lane_inflight -= row.lane
                    self._done += 1
                    self._progress.set()
        finally:
            self._inflight -= len(queue)  # left claimed, handed back by unclaim()
            self._lane_inflight -= sum(row.lane for row in queue)
            del self._queues[chat_id]
            self._progress.set()

    async def _one(self, row: Claimed) -> None:
        settings = self.desk.settings
        now = self.desk.clock.now()
        if row.expires_at is not None and now > row.expires_at:
            await settle.expire(self.desk, row.id, now)
            return
        if not row.night_ok and in_quiet_hours(now, settings):
            await settle.defer(self.desk, row.id, quiet_ends(now, settings))
            return
        message = from_payload(row.chat_id, row.payload)
        if row.payload.get("render"):  # drawn now, not kept in the row (the weekly card)
            message = await rendered(self.desk, message, row.payload)
        await self.limiter.acquire(row.chat_id)
        if not await settle.start_sending(self.desk, row.id, self.worker):
            return
        await self.limiter.leave(row.chat_id)
        try:
            result = await self.port.send(message)
        except Exception as exc:  # a port should report, not raise: count it as a network error
            result = SendResult.transient(type(exc).__name__)
        if result.outcome is Outcome.RETRY_AFTER:
            self.limiter.pause(result.retry_after or 1.0)
        await settle.record(self.desk, row.id, result, self.desk.clock.now())
        if result.outcome is Outcome.SENT:
            self.sent += 1
            if result.message_id is not None and row.payload.get("anchor"):
                kind, key = row.payload["anchor"]
                delivered = Delivered(Anchor(str(kind), int(key)), row.chat_id, result.message_id)
                await self.desk.remember([delivered])
