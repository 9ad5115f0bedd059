"""The scheduler as the app runs it: APScheduler is the clock, the database is the truth.

Two jobs, both in memory (APScheduler 3 forbids two schedulers on one job store, and nothing
here needs one): a tick every half minute, and a one-off job re-aimed after every pass at the
next moment something falls due, so reminders go out on time. Each run plans, queues what is
due, closes answer windows and does the front desk's housekeeping, then wakes the dispatcher,
which drains the outbox in a task of its own. See docs/reminders.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from flows.engine import FrontDesk
from flows.housekeeping import tick
from flows.kpis.weekly import queue_weekly_cards
from flows.logsafe import log_unexpected
from flows.patient.services import CONFIRMATION
from flows.programmes.model import Programme
from flows.reminders import outbox
from flows.reminders.reach import mark_unreachable
from flows.reminders.times import in_quiet_hours, quiet_ends
from scheduler.dispatcher import Dispatcher
from scheduler.leader import Leadership
from scheduler.limiter import RateLimiter
from scheduler.planner import plan
from scheduler.port import OutboundPort
from scheduler.programmes import programme_pass
from scheduler.release import release
from scheduler.sweep import close_windows, recover

log = logging.getLogger(__name__)

TICK_JOB = "frontdesk-tick"
NEXT_JOB = "frontdesk-next-due"
TICK_SECONDS = 30.0
STOP_SECONDS = 10.0
CATCH_UP_SECONDS = 10.0
SETTLE_POLL = 0.05
MIN_WAIT = 0.25  # never spin: something due now is looked at a moment later


class ReminderScheduler:
    """Built by `bootstrap`; the adapter calls `start(outbound)` once the bot is connected and
    `shutdown()` before it disconnects, and hands `on_unreachable` to its renderer."""

    def __init__(
        self, desk: FrontDesk, *, worker: str | None = None, tick_seconds: float = TICK_SECONDS,
        programmes: Sequence[Programme] = (),
    ) -> None:  # fmt: skip
        self.desk = desk
        self.programmes = tuple(programmes)  # the follow-up programmes this practice declares
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.tick_seconds = tick_seconds
        settings = desk.settings
        self.limiter = RateLimiter(
            per_second=settings.outbound_per_second,
            per_chat_per_second=settings.outbound_per_chat_per_second,
        )
        self.leadership = Leadership(desk.database)
        self.dispatcher: Dispatcher | None = None
        self.port: OutboundPort | None = None
        self._aps: AsyncIOScheduler | None = None
        self._serving: asyncio.Task[None] | None = None
        self._wakeup = asyncio.Event()
        self._stop = asyncio.Event()
        self._cycle_lock = asyncio.Lock()

    @property
    def running(self) -> bool:
        return self._aps is not None

    def bind(self, outbound: OutboundPort) -> Dispatcher:
        """Attach the outbound port without starting the clock (tests drive `run_once`)."""
        self.port = outbound
        self.dispatcher = Dispatcher(
            desk=self.desk, port=outbound, limiter=self.limiter, worker=self.worker
        )
        return self.dispatcher

    async def start(self, outbound: OutboundPort) -> None:
        if self.running:
            raise RuntimeError("the scheduler is already running")
        self.bind(outbound)
        self._stop.clear()
        await self._release_unanswered_cards()
        self.desk.wake_outbox = self.wake
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per run otherwise
        aps = AsyncIOScheduler(timezone=UTC)
        aps.add_job(
            self._job,
            "interval",
            seconds=self.tick_seconds,
            id=TICK_JOB,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            # APScheduler's own timeline is the system clock, whatever the practice's clock
            # says: this is when the first pass runs, not a business moment.
            next_run_time=datetime.now(UTC),
        )
        aps.start()
        self._aps = aps
        self._serving = asyncio.create_task(self._serve())
        log.info("scheduler started (worker %s)", self.worker)

    async def _release_unanswered_cards(self) -> None:
        """Confirmations a turn held for its own reply, made before this start: that reply died
        with the process (it was killed after saving the request), so the dispatcher sends them
        now rather than when their hold ends. With several workers, one still answering at this
        moment may then show its card twice (docs/delivery.md)."""
        now = self.desk.clock.now()
        async with self.desk.database.uow() as uow:
            released = await uow.outbox.release_held(now=now, kind=CONFIRMATION, created_before=now)
            await uow.commit()
        if released:
            log.info("%d request confirmations left unsent by a previous run: sending", released)

    async def shutdown(self) -> None:
        """Stop the clock, let the sends in flight finish, hand back untried claims."""
        if not self.running:
            return
        self._stop.set()
        self._wakeup.set()
        aps, self._aps = self._aps, None
        if aps is not None and aps.running:
            aps.shutdown(wait=False)
        if self._serving is not None:
            try:
                await asyncio.wait_for(self._serving, STOP_SECONDS)
            except TimeoutError:
                log.warning("dispatcher did not stop in %ss", STOP_SECONDS)
        if self.dispatcher is not None:
            await self.dispatcher.unclaim()
        self.desk.wake_outbox = None
        await self.leadership.release()
        log.info("scheduler stopped")

    def wake(self) -> None:
        """Something may be due: have the dispatcher look."""
        self._wakeup.set()

    async def poke(self) -> None:
        """A pass now, then the dispatcher: for a clock that jumped (tests, the sandbox)."""
        await self._job()

    async def catch_up(self, timeout: float = CATCH_UP_SECONDS) -> bool:  # noqa: ASYNC109
        """`poke`, then back once what fell due has gone out (or `timeout` passed): the
        sandbox's time travel jumps again only after that, so a jump never overtakes a reminder
        still queued. True when everything due was sent in time."""
        await self.poke()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if await self._settled():
                return True
            await asyncio.sleep(SETTLE_POLL)
        return False

    async def _settled(self) -> bool:
        if self.dispatcher is not None and not self.dispatcher.idle:
            return False
        now = self.desk.clock.now()
        async with self.desk.database.uow() as uow:
            due = await uow.outbox.next_due(night=in_quiet_hours(now, self.desk.settings))
        return due is None or due > now

    async def on_unreachable(self, chat_id: int) -> None:
        """For the renderer: a reply got 403, or someone blocked the bot."""
        async with self.desk.database.uow() as uow:
            changed = await mark_unreachable(self.desk, uow, chat_id, self.desk.clock.now())
            await uow.commit()
        if changed:
            self.wake()

    async def cycle(self) -> None:
        """One pass over the database; nothing here sends."""
        async with self._cycle_lock:
            now = self.desk.clock.now()
            await recover(self.desk, now, self.worker, leading=self.leadership.held)
            await plan(self.desk, now)
            await release(self.desk, now)
            await close_windows(self.desk, now)
            await programme_pass(self.desk, self.programmes, now)
            await queue_weekly_cards(self.desk, now)
            await self._housekeeping(now)

    async def run_once(self) -> int:
        """A pass and a drain, without the clock: what a tick does, for tests and tools."""
        assert self.dispatcher is not None, "bind() an outbound port first"
        await self.cycle()
        return await self.dispatcher.drain()

    async def _housekeeping(self, now: datetime) -> None:
        """The front desk's own tick; its messages join the queue like every other push."""
        reply = await tick(self.desk)
        rows = [
            outbox.row(
                key=f"notice:{uuid.uuid4().hex}",
                message=message,
                kind="notice",
                now=now,
                settings=self.desk.settings,
            )
            for message in reply.messages
            if message.file is None
        ]
        if rows:
            async with self.desk.database.uow() as uow:
                await outbox.enqueue(uow, rows)
                await uow.commit()
        if reply.menus and self.port is not None:
            await self.port.set_menus(reply.menus)

    async def _job(self) -> None:
        try:
            if not await self.leadership.hold():
                return
            await self.cycle()
            self.wake()
        except Exception as exc:
            log_unexpected(log, exc, "in the scheduler pass")

    async def _serve(self) -> None:
        assert self.dispatcher is not None
        while not self._stop.is_set():
            await self._wakeup.wait()
            self._wakeup.clear()
            if self._stop.is_set() or not self.leadership.held:
                continue
            try:
                await self.dispatcher.drain(self._stop)
                await self._aim_next()
            except Exception as exc:
                log_unexpected(log, exc, "in the dispatcher")

    async def next_due(self) -> datetime | None:
        """The next moment something falls due: a reminder, an answer window, a queued row."""
        now = self.desk.clock.now()
        night = in_quiet_hours(now, self.desk.settings)
        async with self.desk.database.uow() as uow:
            reminders = uow.reminders
            found = [
                await reminders.next_due(),
                await reminders.next_window_end(),
                await uow.outbox.next_due(night=night),
            ]
        if night:
            found.append(quiet_ends(now, self.desk.settings))
        moments = [moment for moment in found if moment is not None]
        return min(moments) if moments else None

    async def _aim_next(self) -> None:
        aps = self._aps
        due = await self.next_due()
        if aps is None or due is None:
            return
        wait = (due - self.desk.clock.now()).total_seconds()
        if wait >= self.tick_seconds:
            return  # the tick comes first
        # The practice's clock may be shifted (sandbox, FRONTDESK_CLOCK); APScheduler runs on the
        # system clock, so the wait measured on the practice's clock is added to real time.
        run_at = datetime.now(UTC) + timedelta(seconds=max(MIN_WAIT, wait))
        aps.add_job(
            self._job,
            "date",
            run_date=run_at,
            id=NEXT_JOB,
            replace_existing=True,
            misfire_grace_time=None,
        )
