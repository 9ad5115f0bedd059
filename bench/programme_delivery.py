"""A programme's first messages delivered by the real bot (`frontdesk run`, its own process)
to the Bot API emulator (its own process, flood control on), killed with SIGKILL halfway and
started again; beside it, patients walking a short flow, once with the bot idle and once while
the programme is delivered.

Measured: the delivery rate against the configured cap (bar: >= 0.97 of it, no 429), what each
patient received (bar: every one exactly one message, across the kill), and the patients' own
turns: p99 latency with the bot idle and during delivery (bar: within 2x).

    python -m bench.programme_delivery [--patients 1500] [--users 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import text

from bench.flow import (
    FRONTDESK,
    TOKEN,
    Child,
    Driver,
    Person,
    Result,
    Tally,
    free_port,
    frontdesk_check,
    patient_steps,
    wait_until,
    workdir,
)
from bench.programmes import populate
from flows.programmes import running
from flows.programmes.builtin import DIABETES
from flows.settings import Settings
from storage import migrate
from storage.uow import Database

FIRST_CHAT = 10_000_001  # bench.programmes.populate: patient n has chat 10,000,000 + n
SETTLE_SECONDS = 15.0  # no new arrival for this long after the restart: delivery is over
KILL_AT = 0.4  # share delivered before the kill (at the earliest: the flow must be done too)


@dataclass
class Arrivals:
    """When each patient's chat first changed, seen through the emulator's long poll."""

    first: dict[int, float] = field(default_factory=dict)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def watch(self, driver: Driver, chats: set[int]) -> None:
        seq = 0
        while not self.stop.is_set():
            got = await driver.call("GET", "/wait", params={"after_seq": str(seq), "timeout": "1"})
            now = time.perf_counter()
            seq = int(got["seq"])
            for chat in got["chat_ids"]:
                if chat in chats:
                    self.first.setdefault(int(chat), now)


def rate(times: list[float]) -> tuple[int, float, float]:
    """(messages, seconds from the first to the last, messages per second in between)."""
    times = sorted(times)
    if len(times) < 2:
        return len(times), 0.0, 0.0
    span = times[-1] - times[0]
    return len(times), span, (len(times) - 1) / span


def bot_env(base_url: str, url: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": url,
        "FRONTDESK_QUIET_HOURS": "off",  # whenever the benchmark runs
        "FRONTDESK_OPENING_HOURS": "mon-sun 00:00-23:59",
        "FRONTDESK_MAX_REQUESTS_PER_DAY": "100",
    }


async def seed(url: str, patients: int) -> None:
    """`patients` consenting diabetics; the programme not started yet."""
    database = Database(url)
    await migrate.upgrade(database.engine)
    await populate(database, patients, patients)
    await database.dispose()


async def start_programme(url: str, patients: int) -> None:
    """The diabetes programme started and its cycle planned, as `frontdesk programme start`
    does: the bot's next tick queues everyone's first message."""
    database = Database(url)
    tz = Settings(_env_file=None).tz  # type: ignore[call-arg]
    async with database.uow() as uow:
        planned = await running.start(uow, DIABETES, now=datetime.now(UTC), tz=tz)
        await uow.commit()
    assert planned is not None
    assert planned.enrolled == patients, planned
    await database.dispose()


async def walk(driver: Driver, first_user: int, users: int, quiet: float) -> Result:
    """`users` new patients at once: onboarding, then a Domanda."""
    tally = Tally()
    base = first_user // 1000  # distinct names and codici fiscali for each group
    people = {first_user + i: patient_steps(base + i) for i in range(users)}
    for user_id in people:
        body = {"id": user_id, "first_name": "Bench", "language_code": "it"}
        await driver.call("POST", "/users", json=body)
    started = time.perf_counter()
    persons = [Person(driver, user_id, tally, quiet) for user_id in people]
    await asyncio.gather(*(p.walk(people[p.id], frontdesk_check) for p in persons))
    planned = sum(len(steps) for steps in people.values())
    return Result("front desk", planned, tally, time.perf_counter() - started, None)


async def until(done: Callable[[], bool]) -> None:
    """Polled: the arrivals come from the emulator's long poll, which sets no event."""
    while not done():  # noqa: ASYNC110
        await asyncio.sleep(0.05)


async def outbound_calls(driver: Driver) -> int:
    calls = (await driver.call("GET", "/stats"))["calls"]
    return int(calls.get("sendMessage", 0)) + int(calls.get("editMessageText", 0))


async def kill(bot: Child) -> None:
    assert bot.process is not None
    with contextlib.suppress(ProcessLookupError):
        bot.process.send_signal(signal.SIGKILL)
    await bot.process.wait()


async def uncertain(url: str) -> int:
    database = Database(url)
    try:
        async with database.uow() as uow:
            query = text("SELECT count(*) FROM outbound_messages WHERE status = 'uncertain'")
            return int((await uow.session.exec(query)).one()[0])  # type: ignore[call-overload]
    finally:
        await database.dispose()


async def main(args: argparse.Namespace) -> int:
    cap = Settings(_env_file=None).outbound_per_second  # type: ignore[call-arg]
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    chats = set(range(FIRST_CHAT, FIRST_CHAT + args.patients))
    with workdir() as work:
        url = f"sqlite+aiosqlite:///{work / 'frontdesk.db'}"
        emulator = Child("emulator", ("-m", "bot.emulator", "--port", str(port), "--token", TOKEN,
                         "--flood-control", "--log-level", "WARNING"), {}, work)  # fmt: skip
        bot = Child("frontdesk", FRONTDESK, bot_env(base_url, url), work)
        driver = Driver(base_url)
        arrivals = Arrivals()
        watcher: asyncio.Task[None] | None = None
        try:
            await emulator.start()
            await wait_until("the emulator", emulator, lambda: driver.call("GET", "/config"))
            for start in range(0, args.patients, 100):
                await asyncio.gather(*(
                    driver.call("POST", "/users", json={"id": chat, "first_name": "Paziente",
                                                        "language_code": "it"})
                    for chat in range(FIRST_CHAT + start,
                                      FIRST_CHAT + min(start + 100, args.patients))
                ))  # fmt: skip

            async def polling() -> bool:
                return int((await driver.call("GET", "/stats"))["calls"].get("getUpdates", 0)) > 0

            began = time.perf_counter()
            await seed(url, args.patients)
            print(f"{args.patients:,} consenting diabetics written in "
                  f"{time.perf_counter() - began:.1f} s")  # fmt: skip

            # 1. Idle: the programme not started.
            await bot.start()
            await wait_until("the bot to poll", bot, polling)
            idle = await walk(driver, 500_000, args.users, args.quiet)
            await bot.stop()

            # 2. The programme started (as `frontdesk programme start diabetes` would), the bot
            # restarted: its first tick queues every first message; patients walk meanwhile.
            await start_programme(url, args.patients)
            watcher = asyncio.create_task(arrivals.watch(driver, chats))
            await bot.start()
            await until(lambda: bool(arrivals.first) or bot.exited())
            calls_from, from_at = await outbound_calls(driver), time.perf_counter()
            busy = await walk(driver, 600_000, args.users, args.quiet)
            shared = (await outbound_calls(driver) - calls_from) / (time.perf_counter() - from_at)
            await until(lambda: len(arrivals.first) >= args.patients * KILL_AT or bot.exited())
            before_kill = dict(arrivals.first)
            await kill(bot)
            killed_at = time.perf_counter()
            killed_with = len(arrivals.first)

            # 3. Started again: what was claimed comes back, what was sent is not sent again.
            await asyncio.sleep(1.0)
            await bot.start()
            last, seen = time.perf_counter(), len(arrivals.first)
            while (
                len(arrivals.first) < args.patients and time.perf_counter() - last < SETTLE_SECONDS
            ):
                await asyncio.sleep(0.2)
                if len(arrivals.first) != seen:
                    last, seen = time.perf_counter(), len(arrivals.first)
            await asyncio.sleep(2.0)  # a late duplicate would show now
            arrivals.stop.set()
            counts = {c["chat_id"]: int(c["message_count"])
                      for c in (await driver.call("GET", "/chats"))["chats"]}  # fmt: skip
            stats = await driver.call("GET", "/stats")
            await bot.stop()
            doubted = await uncertain(url)
        finally:
            arrivals.stop.set()
            if watcher is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(watcher, 3)
            await driver.close()
            await bot.stop()
            await emulator.stop()

    after = [t for chat, t in arrivals.first.items() if chat not in before_kill]
    n1, span1, rate1 = rate(list(before_kill.values()))
    n2, span2, rate2 = rate(after)
    # The bar is on the lane alone (after the restart no patient is walking): with patients
    # active, replies take their share of Telegram's overall rate first.
    alone = rate2 / cap
    received = [counts.get(chat, 0) for chat in chats]
    lost = sum(n == 0 for n in received)
    doubled = sum(n - 1 for n in received if n > 1)
    restart = min(after) - killed_at if after else float("nan")
    print(f"delivery through `frontdesk run` (SQLite) to the emulator, cap {cap:g}/s: "
          f"{n1:,} in {span1:.1f} s = {rate1:.1f}/s before the kill -9 (with patients walking: "
          f"sends and edits {shared:.1f}/s in all), {n2:,} in {span2:.1f} s = {rate2:.1f}/s "
          f"after the restart = {alone:.3f} of the cap (bar: >= 0.97); first message "
          f"{restart:.1f} s after the kill")  # fmt: skip
    print(f"  killed with {killed_with:,} of {args.patients:,} delivered; per patient received: "
          f"lost {lost}, duplicates {doubled} (bar: 0 and 0); rows left uncertain {doubted}; "
          f"429s {stats['responses_429']} (flood control {stats['flood_429']})")  # fmt: skip
    p_idle, p_busy = idle.percentile(0.99), busy.percentile(0.99)
    ratio = p_busy / p_idle if p_idle else float("nan")
    print(f"  patients' own turns ({args.users} patients x {len(patient_steps(0))} steps): p99 "
          f"{p_idle:.0f} ms idle, {p_busy:.0f} ms during delivery = {ratio:.2f}x (bar: <= 2x); "
          f"p50 {idle.percentile(0.5):.0f} / {busy.percentile(0.5):.0f} ms")  # fmt: skip
    failures = idle.tally.failures + busy.tally.failures + idle.tally.wrong + busy.tally.wrong
    for line in failures[:5]:
        print(f"  !!! {line}")
    ok = alone >= 0.97 and lost == 0 and doubled == 0 and ratio <= 2 and not failures
    print("  " + ("all bars held" if ok else "!!! A BAR DID NOT HOLD !!!"))
    return 0 if ok else 1


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.programme_delivery",
                                     description=__doc__)  # fmt: skip
    parser.add_argument("--patients", type=int, default=1_500)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--quiet-ms", type=float, default=40.0)
    args = parser.parse_args(argv)
    args.quiet = args.quiet_ms / 1000
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    return asyncio.run(main(args))


if __name__ == "__main__":
    sys.exit(run())
