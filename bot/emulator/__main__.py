"""`python -m bot.emulator`: run the Bot API emulator standalone until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from typing import NoReturn

from bot.emulator.options import EmulatorOptions
from bot.emulator.runner import DEFAULT_TOKEN, Emulator, bot_id_from_token

log = logging.getLogger("bot.emulator")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage dump: the message says what to fix.
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> _Parser:
    parser = _Parser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="frontdesk_test_bot")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--flood-control", action="store_true")
    parser.add_argument("--callback-timeout", type=float, default=15.0, metavar="SECONDS")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    return parser


def _validate(parser: _Parser, args: argparse.Namespace) -> None:
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, not {args.port}")
    if args.latency_ms < 0:
        parser.error("--latency-ms must not be negative")
    if args.callback_timeout <= 0:
        parser.error("--callback-timeout must be positive")
    try:
        bot_id_from_token(args.token)
    except ValueError as error:
        parser.error(f"--token: {error}")


async def _serve(args: argparse.Namespace) -> None:
    options = EmulatorOptions(
        latency_ms=args.latency_ms,
        flood_control=args.flood_control,
        callback_timeout_s=args.callback_timeout,
    )
    emulator = Emulator(
        args.token, args.host, args.port, bot_username=args.bot_username, options=options
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with emulator:
        await stop.wait()
    log.info("emulator stopped")


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    _validate(parser, args)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(message)s")
    try:
        asyncio.run(_serve(args))
    except OSError as error:
        parser.exit(1, f"{parser.prog}: error: cannot listen on {args.host}:{args.port}: {error}\n")


if __name__ == "__main__":
    main()
