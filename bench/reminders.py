"""Reminders at scale: 100,000 active reminders in the database, then a burst due at once,
delivered through the real outbound port to the Bot API emulator with flood control on.
Prints start-up time, memory, and the sustained delivery rate; the bar is to sit at the
configured cap (30/s) with not one 429 and nothing lost.

    python -m bench.reminders [--active 100000] [--burst 2400] [--adapter ptb|aiogram]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import resource
import socket
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bot.bootstrap import bootstrap
from bot.emulator import EmulatorClient
from bot.outbound import BotApiPort
from flows.settings import Settings
from storage import migrate
from storage.tables import Patient, Reminder, Therapy
from storage.uow import Database
from tests.reminders.botapi_port import outbound_api

TOKEN = "123456789:EMULATOR-bench-token_0123456789abcdefgh"
CHUNK = 5_000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def chunks(database: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    async with database.engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(table), rows[start : start + CHUNK])


async def seed(url: str, *, active: int, burst: int, now: datetime, tz: Any) -> None:
    """`active` dose reminders due over the next day (two a day per patient), and `burst`
    patients whose dose is due right now."""
    database = Database(url)
    await migrate.upgrade(database.engine)
    today = now.astimezone(tz).date()
    patients = active // 2 + burst
    common = {"verification": "verified", "language": "it", "reachable": True,
              "consent_version": Settings(_env_file=None).consent_version,  # type: ignore[call-arg]
              "consent_at": now, "registered_at": now, "created_at": now}  # fmt: skip
    await chunks(database, Patient, [
        {"id": n + 1, "telegram_id": 100_000 + n, "first_name": "P", "last_name": str(n), **common}
        for n in range(patients)
    ])  # fmt: skip
    await chunks(database, Therapy, [
        {"id": n + 1, "patient_id": n + 1, "medicine": "Ramipril", "times": ["08:00", "20:00"],
         "weekdays": [], "start_date": today, "active": True, "paused": False, "created_at": now,
         "added_by": "patient", "planned_until": today + timedelta(days=1)}
        for n in range(patients)
    ])  # fmt: skip
    reminders = []
    for n in range(active):
        patient = n // 2 + 1
        due = now + timedelta(hours=2 + 20 * (n % 2), seconds=n % 3600)
        reminders.append(_dose(f"dose:bench:{n}", patient, due, now))
    for n in range(burst):
        patient = active // 2 + n + 1
        reminders.append(_dose(f"dose:burst:{n}", patient, now, now))
    await chunks(database, Reminder, reminders)
    await database.dispose()


def _dose(key: str, patient: int, due: datetime, now: datetime) -> dict[str, Any]:
    return {"kind": "therapy_dose", "idempotency_key": key, "patient_id": patient,
            "therapy_id": patient, "due_at": due, "status": "scheduled", "created_at": now,
            "snoozes": 0, "payload": {"time": "08:00"}}  # fmt: skip


async def emulator(port: int) -> asyncio.subprocess.Process:
    """In a process of its own, as Telegram would be: the bot's loop is not the emulator's."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.emulator", "--port", str(port), "--token", TOKEN,
        "--flood-control", "--log-level", "WARNING",
    )  # fmt: skip
    for _ in range(200):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return process
        await asyncio.sleep(0.05)
    raise RuntimeError("the emulator did not start")


async def run(active: int, burst: int, adapter: str) -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base, DATABASE_URL=url,
        TELEGRAM_FRAMEWORK=adapter, quiet_hours="off",
    )  # fmt: skip
    started = time.perf_counter()
    # In a process of its own, so the memory figures below are the bot's alone.
    seeding = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.reminders", "--seed-into", url,
        "--active", str(active), "--burst", str(burst),
    )  # fmt: skip
    if await seeding.wait() != 0:
        raise RuntimeError("seeding failed")
    print(f"seeded {active:,} active reminders and a burst of {burst:,} due now "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    server = await emulator(port)
    try:
        async with EmulatorClient(base) as tg:
            for n in range(burst):
                await tg.create_user(user_id=100_000 + active // 2 + n, first_name="P")
            return await deliver(settings, tg, active, burst)
    finally:
        server.terminate()
        await server.wait()


async def deliver(settings: Settings, tg: EmulatorClient, active: int, burst: int) -> int:
    memory_before = rss_mb()
    started = time.perf_counter()
    app = await bootstrap(settings)
    booted = time.perf_counter() - started
    sent_at: list[float] = []
    async with outbound_api(settings.telegram_framework, settings) as api:
        port = TimedPort(api, sent_at, burst)
        await app.scheduler.start(port)
        first_pass = await first(port, started)
        memory_started = rss_mb()
        patience = burst / settings.outbound_per_second * 2 + 30
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(port.done.wait(), patience)
        await app.scheduler.shutdown()
    async with app.database.uow() as uow:
        statuses = dict((await uow.session.exec(text(
            "SELECT status, count(*) FROM reminders GROUP BY status"
        ))).all())  # type: ignore[call-overload]  # fmt: skip
    await app.close()
    stats = await tg.stats()
    report(booted, first_pass, memory_before, memory_started, sent_at, statuses, stats, active,
           burst, settings.outbound_per_second)  # fmt: skip
    lost = burst - len(sent_at)
    ok = stats["responses_429"] == 0 and lost == 0
    return 0 if ok else 1


class TimedPort(BotApiPort):
    def __init__(self, api: Any, sent_at: list[float], expected: int) -> None:
        super().__init__(api)
        self.sent_at = sent_at
        self.expected = expected
        self.first = asyncio.Event()
        self.done = asyncio.Event()

    async def send(self, message: Any) -> Any:
        leaving = time.perf_counter()  # when the call leaves, as Telegram's limits count
        result = await super().send(message)
        if result.message_id is not None:
            self.sent_at.append(leaving)
            self.first.set()
            if len(self.sent_at) >= self.expected:
                self.done.set()
        return result


async def first(port: TimedPort, started: float) -> float:
    await asyncio.wait_for(port.first.wait(), 120)
    return time.perf_counter() - started


def report(booted: float, first_pass: float, before: float, after: float, sent_at: list[float],
           statuses: dict[str, int], stats: dict[str, Any], active: int, burst: int,
           cap: float) -> None:  # fmt: skip
    sent_at = sorted(sent_at)
    span = sent_at[-1] - sent_at[0] if len(sent_at) > 1 else 0.0
    # Sends in the one-second window starting at each send: the figure Telegram counts.
    busiest = max(bisect.bisect_left(sent_at, t + 1.0) - i for i, t in enumerate(sent_at))
    per_second = Counter(int(t - sent_at[0]) for t in sent_at)
    full = [per_second[s] for s in sorted(per_second)][1:-1] or [len(sent_at)]
    print(f"start-up: app built in {booted:.2f} s; first reminder out {first_pass:.2f} s after "
          f"start, with {active:,} active reminders in the database")  # fmt: skip
    print(f"memory (max RSS): {before:.0f} MB before start-up, {after:.0f} MB once running, "
          f"{rss_mb():.0f} MB at the end")  # fmt: skip
    rate = (len(sent_at) - 1) / span if span else 0.0
    print(f"delivery: {len(sent_at):,} of {burst:,} in {span:.1f} s = {rate:.1f}/s "
          f"(cap {cap:.0f}/s); busiest second {busiest}, "
          f"quietest full second {min(full)}")  # fmt: skip
    print(f"429s from the emulator: {stats['responses_429']} (flood control "
          f"{stats['flood_429']}); lost: {burst - len(sent_at)}; reminders by status: "
          f"{dict(sorted(statuses.items()))}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__)
    parser.add_argument("--active", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=2_400)
    parser.add_argument("--adapter", choices=("ptb", "aiogram"), default="ptb")
    parser.add_argument("--seed-into", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed_into:
        tz = Settings(_env_file=None).tz  # type: ignore[call-arg]
        now = datetime.now(UTC)
        asyncio.run(seed(args.seed_into, active=args.active, burst=args.burst, now=now, tz=tz))
        return 0
    return asyncio.run(run(args.active, args.burst, args.adapter))


if __name__ == "__main__":
    sys.exit(main())
