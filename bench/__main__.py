"""`make bench`: every benchmark, one after the other; or one, with its own options.

python -m bench                      # inbox, adapters (the flow on both frameworks), reminders,
                                     # startup, kpis
python -m bench inbox [--requests N]
python -m bench flow [--users N] [--only echo|frontdesk] ...   (see python -m bench.flow -h)
python -m bench reminders [...]      # 100,000 active reminders: start-up, memory, delivery rate
python -m bench adapters [...]       # the flow on python-telegram-bot and aiogram, each beside
                                     # a bare echo bot of the same framework
python -m bench kpis [...]           # the full report on 1,000,000 requests and reminders,
                                     # SQLite and PostgreSQL (bar: under 2 s each)
python -m bench startup [--runs 5]   # frontdesk run: start -> first poll, first reply; bare
                                     # framework imports; frontdesk staff list
python -m bench programmes [...]     # 100,000 patients: a programme's preview and planning, on
                                     # SQLite and PostgreSQL (when reachable)
python -m bench programme_delivery   # a programme delivered by frontdesk run, kill -9 halfway;
                                     # patients' turns idle and during delivery
"""

from __future__ import annotations

import asyncio
import sys

from bench import adapters, flow, inbox, kpis, programme_delivery, programmes, reminders, startup


def run_inbox(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench inbox", description=inbox.__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    asyncio.run(inbox.main(parser.parse_args(argv).requests))
    return 0


def run_flow(argv: list[str]) -> int:
    return flow.run(argv)


def run_adapters(argv: list[str]) -> int:
    return adapters.run(argv)


def run_reminders(argv: list[str]) -> int:
    return reminders.main(argv)


def run_startup(argv: list[str]) -> int:
    return startup.run(argv)


def run_programmes(argv: list[str]) -> int:
    return programmes.main(argv)


def run_programme_delivery(argv: list[str]) -> int:
    return programme_delivery.run(argv)


BENCHMARKS = {
    "inbox": run_inbox,
    "flow": run_flow,
    "adapters": run_adapters,
    "reminders": run_reminders,
    "startup": run_startup,
    "programmes": run_programmes,
    "programme_delivery": run_programme_delivery,
    "kpis": kpis.run,
}
DEFAULT = ("inbox", "adapters", "reminders", "startup", "programmes", "programme_delivery", "kpis")


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv:
        name, *rest = argv
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}: choose from {', '.join(BENCHMARKS)}")
            return 2
        return BENCHMARKS[name](rest)
    status = 0
    for name in DEFAULT:
        print(f"== bench.{name} ==", flush=True)
        status = BENCHMARKS[name]([]) or status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
