"""Both adapters, each beside a bare echo bot of its own framework, on one emulator in one run.

For each framework (python-telegram-bot 22, aiogram 3): the echo bot (`bot.echo.ptb`,
`bot.echo.aiogram`: the framework's own polling, one send per text, answer + edit per tap),
then `frontdesk run` with TELEGRAM_FRAMEWORK set to it, on a fresh SQLite file, its patients
walking onboarding and filing a Domanda. The people, the driver, the emulator process and the
figures are `bench.flow`'s; this module only runs them per framework and puts the figures side
by side: updates/s, p50/p99 latency (action -> first visible answer), and the ratio of the
front desk's updates/s to its own framework's echo — the figure that matters.

    python -m bench.adapters [--users 100] [--messages 10] [--latency-ms 50] [--quiet-ms 40]
                             [--adapters ptb,aiogram]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bench import flow

ECHOES = {"ptb": ("-m", "bot.echo.ptb"), "aiogram": ("-m", "bot.echo.aiogram")}
NAMES = {"ptb": "python-telegram-bot 22", "aiogram": "aiogram 3"}


async def run_echo(
    framework: str, base_url: str, driver: flow.Driver, args: argparse.Namespace, work: Path,
    emulator: flow.Child,
) -> flow.Result:  # fmt: skip
    env = {"TELEGRAM_BOT_TOKEN": flow.TOKEN, "TELEGRAM_API_BASE_URL": base_url}
    bot = flow.Child(f"echo-{framework}", ECHOES[framework], env, work)
    people = {100_000 + i: flow.echo_steps(i, args.messages) for i in range(args.users)}
    name = f"{framework} echo"
    try:
        tally, wall, cpu, harness = await flow.measure(
            name, bot, driver, people, flow.echo_check, args.quiet, emulator
        )
    finally:
        await bot.stop()
    return flow.Result(name, args.users * args.messages, tally, wall, cpu, harness)


async def run_frontdesk(
    framework: str, base_url: str, driver: flow.Driver, args: argparse.Namespace, work: Path,
    emulator: flow.Child,
) -> flow.Result:  # fmt: skip
    url = f"sqlite+aiosqlite:///{work / f'frontdesk-{framework}.db'}"
    env = {
        "TELEGRAM_BOT_TOKEN": flow.TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "TELEGRAM_FRAMEWORK": framework,
        "DATABASE_URL": url,
        "FRONTDESK_MAX_REQUESTS_PER_DAY": "100",
    }
    bot = flow.Child(f"frontdesk-{framework}", flow.FRONTDESK, env, work)
    people = {200_000 + i: flow.patient_steps(i) for i in range(args.users)}
    planned = sum(len(steps) for steps in people.values())
    name = f"{framework} front desk"
    try:
        tally, wall, cpu, harness = await flow.measure(
            name, bot, driver, people, flow.frontdesk_check, args.quiet, emulator
        )
    finally:
        await bot.stop()
    result = flow.Result(name, planned, tally, wall, cpu, harness)
    result.stored, result.pending = await flow.count_requests(url)
    return result


def summary(pairs: dict[str, tuple[flow.Result, flow.Result]]) -> None:
    print("\nadapter   bot          updates/s   p50 ms   p99 ms   front desk / echo")
    for framework, (echo, desk) in pairs.items():
        ratio = desk.rate / echo.rate if echo.rate else float("nan")
        for result, tail in ((echo, ""), (desk, f"{ratio:.2f}")):
            kind = "echo" if result is echo else "front desk"
            print(
                f"{framework:<9} {kind:<12} {result.rate:>9.1f}  {result.percentile(0.5):>7.0f}"
                f"  {result.percentile(0.99):>7.0f}   {tail}"
            )


async def main(args: argparse.Namespace) -> int:
    port = flow.free_port()
    base_url = f"http://127.0.0.1:{port}"
    pairs: dict[str, tuple[flow.Result, flow.Result]] = {}
    with flow.workdir() as work:
        emulator = flow.Child(
            "emulator",
            ("-m", "bot.emulator", "--port", str(port), "--latency-ms", str(args.latency_ms),
             "--token", flow.TOKEN, "--log-level", "WARNING"),
            {},
            work,
        )  # fmt: skip
        driver = flow.Driver(base_url)
        try:
            await emulator.start()
            await flow.wait_until(
                "the emulator to listen", emulator, lambda: driver.call("GET", "/config")
            )
            print(
                f"bench.adapters: emulator at {base_url} (own process), {args.latency_ms:g} ms"
                f" per Bot API call; {args.users} users at once; {os.cpu_count()} CPUs, load"
                f" average {os.getloadavg()[0]:.1f} at the start"
            )
            for framework in args.adapters:
                echo = await run_echo(framework, base_url, driver, args, work, emulator)
                flow.report(echo, f"{NAMES[framework]}, {args.users} users x {args.messages}")
                desk = await run_frontdesk(framework, base_url, driver, args, work, emulator)
                steps = len(flow.patient_steps(0))
                flow.report(desk, f"frontdesk run, {args.users} patients x {steps} steps")
                pairs[framework] = (echo, desk)
        finally:
            await driver.close()
            await emulator.stop()
    summary(pairs)
    results = [result for pair in pairs.values() for result in pair]
    failed = any(r.tally.failures or r.tally.wrong for r in results)
    lost = any(r.stored is not None and r.stored != r.tally.finished for r in results)
    return 1 if failed or lost else 0


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.adapters", description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--messages", type=int, default=10, help="actions per echo user")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--quiet-ms", type=float, default=40.0)
    parser.add_argument("--adapters", default="ptb,aiogram", help="comma-separated")
    args = parser.parse_args(argv)
    args.adapters = [name.strip() for name in args.adapters.split(",") if name.strip()]
    if not args.adapters or any(name not in ECHOES for name in args.adapters):
        parser.error(f"--adapters takes {', '.join(ECHOES)}")
    if args.users < 1 or args.messages < 1 or args.latency_ms < 0 or args.quiet_ms <= 0:
        parser.error("--users and --messages must be positive, the times not negative")
    args.quiet = args.quiet_ms / 1000
    return args


def run(argv: Sequence[str] | None = None) -> int:
    try:
        return asyncio.run(main(parse(argv)))
    except KeyboardInterrupt:
        print("bench.adapters: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(run())
