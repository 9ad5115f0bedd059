"""Start-up: how soon after `frontdesk run` starts a patient who is already waiting is answered.

A bot restarted by `kill -9` answers nobody until it polls again, so what counts is process
start -> first getUpdates and process start -> first reply. For each framework, each run:
a fresh copy of a migrated SQLite database, the emulator reset (in this process, so every Bot
API call is time-stamped where it arrives), one patient's /start already waiting, then
`frontdesk run` as a subprocess, stopped once it has answered. Beside it, the same way (a
subprocess, start to exit): the bare import of each framework — what our adapter imports of it
(the bar: the front desk on aiogram polls within 1 s of that) — and `frontdesk staff list`,
which must import neither framework.

    python -m bench.startup [--runs 5] [--adapters ptb,aiogram] [--profile DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench import flow
from bot.emulator import Emulator, actions

NAMES = {"ptb": "python-telegram-bot 22", "aiogram": "aiogram 3"}
# What the adapters import of their framework (bot/ptb/*.py, bot/aiogram/*.py), nothing of ours.
BARE_IMPORTS = {
    "ptb": "import telegram, telegram.error, telegram.ext; from telegram.ext import Application",
    "aiogram": (
        "import aiogram, aiogram.types, aiogram.client.session.aiohttp, aiogram.exceptions; "
        "from aiogram import Bot, Dispatcher"
    ),
}
PATIENT = 4242
FIRST_REPLY_SECONDS = 60.0


class Stamped(Counter[str]):
    """The emulator's per-method call counter, also noting when each method was first called."""

    def __init__(self) -> None:
        super().__init__()
        self.first: dict[str, float] = {}

    def __setitem__(self, key: str, value: int) -> None:
        self.first.setdefault(key, time.perf_counter())
        super().__setitem__(key, value)


def figures(samples: Sequence[float]) -> str:
    if not samples:
        return "no runs"
    median, low, high = statistics.median(samples), min(samples), max(samples)
    return f"median {median:5.2f} s   min {low:5.2f}   max {high:5.2f}"


async def timed_exit(name: str, args: Sequence[str], env: dict[str, str], work: Path) -> float:
    """Seconds from spawning `python args` to its exit; it must exit 0."""
    child = flow.Child(name, args, env, work)
    started = time.perf_counter()
    await child.start()
    assert child.process is not None
    code = await child.process.wait()
    took = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"{name} exited with {code}:\n{child.tail()}")
    return took


async def migrated_database(work: Path) -> Path:
    path = work / "template.db"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
    await timed_exit("db-upgrade", (*flow.FRONTDESK[:2], "db", "upgrade"), env, work)
    return path


async def one_start(
    framework: str, emulator: Emulator, template: Path, work: Path, run: int,
    profile: Path | None = None,
) -> tuple[float, float, float]:  # fmt: skip
    """(start -> first getUpdates, start -> first reply to the waiting patient, the bot's CPU
    seconds by then): wall times move with the machine's load, CPU much less."""
    database = work / f"{framework}-{run}.db"
    shutil.copyfile(template, database)
    emulator.state.reset()
    calls = emulator.state.stats.calls = Stamped()
    actions.upsert_user(
        emulator.state, {"id": PATIENT, "first_name": "Maria", "language_code": "it"}
    )
    actions.send_text(emulator.state, PATIENT, "/start")
    env = {
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "TELEGRAM_FRAMEWORK": framework,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    command = flow.FRONTDESK
    if profile is not None:
        env["BENCH_PROFILE"] = str(profile)
        command = flow.FRONTDESK_PROFILED
    bot = flow.Child(f"frontdesk-{framework}-{run}", command, env, work)
    started = time.perf_counter()
    await bot.start()
    try:
        deadline = started + FIRST_REPLY_SECONDS
        cpu = 0.0
        while "sendMessage" not in calls.first:
            cpu = bot.cpu_seconds() or cpu
            if bot.exited():
                raise RuntimeError(f"{bot.name} exited before answering:\n{bot.tail()}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{bot.name} did not answer in time:\n{bot.tail()}")
            await asyncio.sleep(0.005)
    finally:
        code = await bot.stop()
    if code not in (0, None):
        raise RuntimeError(f"{bot.name} exited with {code}:\n{bot.tail()}")
    chat = emulator.state.chats.get(PATIENT)
    if chat is None or not any(m.from_bot for m in chat.messages.values()):
        raise RuntimeError(f"{bot.name} sent no message to the waiting patient")
    return calls.first["getUpdates"] - started, calls.first["sendMessage"] - started, cpu


async def main(args: argparse.Namespace) -> int:
    results: dict[str, dict[str, list[float]]] = {}
    with flow.workdir() as work:
        template = await migrated_database(work)
        async with Emulator(token=flow.TOKEN, host="127.0.0.1") as emulator:
            print(
                f"bench.startup: {args.runs} runs each; emulator in this process at "
                f"{emulator.base_url}; {os.cpu_count()} CPUs, load average "
                f"{os.getloadavg()[0]:.1f} at the start"
            )
            results["python"] = {"bare": []}
            for _ in range(args.runs):
                took = await timed_exit("python", ("-c", "pass"), {}, work)
                results["python"]["bare"].append(took)
            if args.profile:
                for framework in args.adapters:
                    path = args.profile.resolve() / f"{framework}.prof"
                    await one_start(framework, emulator, template, work, 0, path)
                    print(f"\n== frontdesk run on {NAMES[framework]}, start to first reply ==")
                    flow.print_profile(str(path))
                return 0
            for framework in args.adapters:
                got = results[framework] = {"bare": [], "poll": [], "reply": [], "cpu": []}
                for run in range(args.runs):
                    code = BARE_IMPORTS[framework]
                    got["bare"].append(await timed_exit(framework, ("-c", code), {}, work))
                    poll, reply, cpu = await one_start(framework, emulator, template, work, run)
                    got["poll"].append(poll)
                    got["reply"].append(reply)
                    got["cpu"].append(cpu)
            staff = results["staff"] = {"list": []}
            database = work / "staff.db"
            shutil.copyfile(template, database)
            env = {"DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
            for _ in range(args.runs):
                took = await timed_exit(
                    "staff-list", (*flow.FRONTDESK[:2], "staff", "list"), env, work
                )
                staff["list"].append(took)
    report(results, args)
    return 0


def report(results: dict[str, dict[str, list[float]]], args: argparse.Namespace) -> None:
    print(f"\n  python -c pass                          {figures(results['python']['bare'])}")
    for framework in args.adapters:
        got = results[framework]
        print(f"{NAMES[framework]}:")
        print(f"  bare import of the framework           {figures(got['bare'])}")
        print(f"  frontdesk run: start -> first poll     {figures(got['poll'])}")
        print(f"  frontdesk run: start -> first reply    {figures(got['reply'])}")
        print(f"  frontdesk run: its CPU by first reply  {figures(got['cpu'])}")
        over = statistics.median(got["poll"]) - statistics.median(got["bare"])
        print(f"  first poll minus bare import (medians) {over:5.2f} s")
    print(f"frontdesk staff list (start -> exit)     {figures(results['staff']['list'])}")


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--adapters", default="ptb,aiogram", help="comma-separated")
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="one start per framework under cProfile "
        "instead, its stats kept in DIR/<framework>.prof",
    )  # fmt: skip
    args = parser.parse_args(argv)
    args.adapters = [name.strip() for name in args.adapters.split(",") if name.strip()]
    if not args.adapters or any(name not in NAMES for name in args.adapters):
        parser.error(f"--adapters takes {', '.join(NAMES)}")
    if args.runs < 1:
        parser.error("--runs must be positive")
    return args


def run(argv: Sequence[str] | None = None) -> int:
    try:
        return asyncio.run(main(parse(argv)))
    except KeyboardInterrupt:
        print("bench.startup: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(run())
