"""`make fuzz`: many random sequences through the engine, then the real bot over the emulator on
both adapters, and the figures. `python -m tests.fuzz [--sequences N] [--bot-updates N]`; the
exit status is 1 when anything was found."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.conftest import ADAPTERS
from tests.fuzz.bot_run import fuzz_bot
from tests.fuzz.engine_run import fuzz_engine
from tests.fuzz.world import Findings


async def main(sequences: int, bot_updates: int, seed: int) -> int:
    found = Findings()
    with tempfile.TemporaryDirectory() as directory:
        started = time.monotonic()
        engine = await fuzz_engine(Path(directory), sequences=sequences, seed=seed)
        report(engine, "engine", started)
        found.merge(engine)
        for adapter in ADAPTERS:
            started = time.monotonic()
            bot = await fuzz_bot(adapter, Path(directory), updates=bot_updates, seed=seed)
            report(bot, f"bot on {adapter}", started)
            found.merge(bot)
    report(found, "total", None)
    if not found.clean:
        print(found.examples(10))  # noqa: T201
    return 0 if found.clean else 1


def report(findings: Findings, title: str, started: float | None) -> None:
    took = f" ({time.monotonic() - started:.0f} s)" if started is not None else ""
    print(findings.summary(title) + took, flush=True)  # noqa: T201


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz")
    parser.add_argument("--sequences", type=int, default=10_000)
    parser.add_argument("--bot-updates", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.sequences, options.bot_updates, options.seed)))
