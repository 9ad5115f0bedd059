"""Updates/s and latency of the front desk beside a bare echo bot, on one emulator, in one run.

The Bot API emulator runs as its own process and adds `--latency-ms` to every Bot API call;
each bot runs as its own process too (python-telegram-bot 22, the aiohttp transport, long
polling, `concurrent_updates`), so neither the emulator's nor the driver's CPU is the bot's.

- echo bot (`bot.echo.ptb`): `--users` users × `--messages` actions, alternately a text
  (answered with one sendMessage) and a tap on the echo's button (answerCallbackQuery + edit);
- front desk (`frontdesk run` on a fresh SQLite file): `--users` patients, each walks onboarding
  (/start, Accetto, name, surname, birth date, a valid codice fiscale of their own, Salta,
  Conferma) and files a Domanda (No, non è urgente, a category, the question, Invia).

Every user waits for the bot's answer before the next step, like a person: the chat changes
after the action (its latency: from the action to the bot's first visible answer), then stays
quiet for `--quiet-ms`. Both bots are driven the same way; nothing is subtracted from the wall
time. Afterwards the front desk's database must hold one request per patient.

    python -m bench.flow [--users 100] [--messages 10] [--latency-ms 50] [--only echo|frontdesk]
                         [--quiet-ms 40] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pstats
import resource
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func
from sqlmodel import select

from flows.parsing import Valid, fiscal_code_check_char, validate_fiscal_code
from storage.tables import ProcessedUpdate, Request
from storage.uow import Database

TOKEN = "123456789:BENCH-flow-token_0123456789abcdefgh"  # the emulator's, fake
STEP_SECONDS = 15.0  # a step with no answer by then has failed: the user gives up
READY_SECONDS = 30.0  # for the emulator to listen and a bot to poll
STOP_SECONDS = 15.0  # for a bot to finish its updates in hand after SIGTERM
RUN_SECONDS = 300.0  # for all users of one bot to finish
BOT_ENV = ("FRONTDESK_", "TELEGRAM_", "DATABASE_URL")
FRONTDESK = ("-c", "from bot.cli import main; main()", "run")
# `frontdesk run` under cProfile; the stats are written when the bot exits (SIGTERM).
FRONTDESK_PROFILED = (
    "-c",
    "import cProfile, os\n"
    "profile = cProfile.Profile()\n"
    "profile.enable()\n"
    "try:\n"
    "    from bot.cli import main\n"
    "    main()\n"
    "finally:\n"
    "    profile.disable()\n"
    "    profile.dump_stats(os.environ['BENCH_PROFILE'])\n",
    "run",
)
ECHO = ("-m", "bot.echo.ptb")
ROOT = Path(__file__).resolve().parents[1]  # the children run elsewhere but import from here
ECHO_BUTTON = "Eco"


# --- the people ------------------------------------------------------------------------------

Step = tuple[str, str]  # ("text" | "tap" | "key", text or button label)

FIRST_NAMES = ("Maria", "Giuseppe", "Anna", "Antonio", "Giovanna", "Francesco", "Rosa", "Luigi")
LAST_NAMES = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci")
CF_MONTHS = "ABCDEHLMPRST"


def letters(number: int, width: int = 3) -> str:
    """0 -> AAA, 1 -> AAB, ...: a distinct letter triple for each of 17,576 patients."""
    out = ""
    for _ in range(width):
        number, rest = divmod(number, 26)
        out = chr(ord("A") + rest) + out
    return out


def identity(index: int) -> tuple[str, str, str, str]:
    """First name, last name, birth date as typed and a valid codice fiscale, distinct by index."""
    year, month, day = 1930 + index % 70, 1 + index % 12, 1 + index % 28
    woman = index % 2 == 0
    first15 = (
        f"{letters(index)}{letters(index // 7 + 3)}{year % 100:02d}{CF_MONTHS[month - 1]}"
        f"{day + 40 if woman else day:02d}H501"
    )
    code = first15 + fiscal_code_check_char(first15)
    assert isinstance(validate_fiscal_code(code), Valid), code
    first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[index // 8 % len(LAST_NAMES)]
    return first, last, f"{day:02d}/{month:02d}/{year}", code


def patient_steps(index: int) -> list[Step]:
    first, last, born, code = identity(index)
    return [
        ("text", "/start"),
        ("tap", "✅ Accetto"),
        ("text", first),
        ("text", last),
        ("text", born),
        ("text", code),
        ("key", "⏭ Salta"),
        ("tap", "✅ Conferma"),
        ("tap", "❓ Domanda"),
        ("tap", "No, non è urgente"),
        (
            "tap",
            ("💊 Terapia o farmaci", "🧪 Esami o referti", "🗂 Pratiche e documenti")[index % 3],
        ),
        ("text", f"Posso prendere il farmaco a stomaco vuoto? (paziente {index})"),
        ("tap", "📨 Invia"),
    ]


def echo_steps(index: int, count: int) -> list[Step]:
    return [
        ("text", f"messaggio {n} di {index}") if n % 2 == 0 else ("tap", ECHO_BUTTON)
        for n in range(count)
    ]


# --- the driver ------------------------------------------------------------------------------


class DriverError(RuntimeError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


class NoAnswer(RuntimeError):
    pass


class Driver:
    """The emulator's driver API: act as a user, see what changed in a chat."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        # Every user may have a request out at once: no pool limit.
        connector = aiohttp.TCPConnector(limit=0)
        timeout = aiohttp.ClientTimeout(total=STEP_SECONDS + 10)
        self.session = aiohttp.ClientSession(connector=connector, timeout=timeout)

    async def close(self) -> None:
        await self.session.close()

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.base_url}/_emulator{path}"
        async with self.session.request(method, url, **kwargs) as response:
            body = await response.json()
            if response.status >= 400:
                raise DriverError(response.status, str(body.get("error", body)))
            return body

    async def act(self, user_id: int, step: Step) -> int:
        """Sends the user's action; returns the seq after which the bot's answer shows."""
        kind, value = step
        route = {"text": "messages", "tap": "tap", "key": "reply_button"}[kind]
        body = {"text": value} if kind == "text" else {"label": value}
        return int((await self.call("POST", f"/users/{user_id}/{route}", json=body))["seq"])

    async def wait(self, chat_id: int, after_seq: int, seconds: float) -> dict[str, Any]:
        """Long poll: the chat's messages sent or edited after `after_seq`, as soon as there
        are any, else `changed: false` after `seconds`."""
        params = {"after_seq": str(after_seq), "timeout": f"{seconds:.3f}"}
        return dict(await self.call("GET", f"/chats/{chat_id}/wait", params=params))


@dataclass
class Tally:
    """What the users of one bot saw."""

    latencies: list[float] = field(default_factory=list)
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # answered, but not with what was expected
    late_buttons: int = 0  # a button not there yet after the quiet period: tapped once it was
    finished: int = 0  # users who walked all their steps


class Person:
    def __init__(self, driver: Driver, user_id: int, tally: Tally, quiet: float) -> None:
        self.driver = driver
        self.id = user_id
        self.tally = tally
        self.quiet = quiet
        self.seq = 0

    async def walk(self, steps: Sequence[Step], check: Any) -> None:
        for number, step in enumerate(steps):
            try:
                shown = await self.step(step)
            except (NoAnswer, DriverError, aiohttp.ClientError, TimeoutError) as exc:
                self.tally.failures.append(f"user {self.id} step {number} {step}: {exc!r}")
                return  # a person whose bot does not answer gives up
            problem = check(number, step, shown)
            if problem:
                self.tally.wrong.append(f"user {self.id} step {number} {step}: {problem}")
        self.tally.finished += 1

    async def step(self, step: Step) -> list[dict[str, Any]]:
        """Act, wait for the first change of the chat, then for `quiet` without one."""
        started, after = await self.act(step)
        shown = await self.changes(after, STEP_SECONDS)
        if not shown:
            raise NoAnswer(f"no answer within {STEP_SECONDS:.0f} s")
        self.tally.latencies.append(time.perf_counter() - started)
        self.tally.answered += 1
        while more := await self.changes(self.seq, self.quiet):
            shown += more
        return shown

    async def changes(self, after: int, seconds: float) -> list[dict[str, Any]]:
        """What changed in the chat after `after`, as soon as anything did; [] after `seconds`
        without a change."""
        got = await self.driver.wait(self.id, after, seconds)
        if got["changed"]:
            self.seq = int(got["seq"])
            return list(got["messages"])
        return []

    async def act(self, step: Step) -> tuple[float, int]:
        """A button that is not shown yet is tapped as soon as it is (counted: the quiet period
        was too short to see the whole answer)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STEP_SECONDS
        while True:
            started = time.perf_counter()
            try:
                return started, await self.driver.act(self.id, step)
            except DriverError as exc:
                # A reply keyboard not shown yet is a 409 (nothing to press), an inline button a
                # 404: both mean the answer is still on its way on a loaded machine.
                not_yet = exc.status == 404 or "no reply keyboard" in str(exc)
                if step[0] == "text" or not not_yet or loop.time() > deadline:
                    raise
            self.tally.late_buttons += 1
            await self.changes(self.seq, max(deadline - loop.time(), 0))


def echo_check(_number: int, step: Step, shown: list[dict[str, Any]]) -> str | None:
    texts = [m.get("text") for m in shown if m.get("from_bot")]
    if step[0] == "text" and step[1] not in texts:
        return f"echo shows {texts}"
    if step[0] == "tap" and not any(str(t).startswith("tap ") for t in texts):
        return f"tap answered with {texts}"
    return None


def frontdesk_check(number: int, step: Step, shown: list[dict[str, Any]]) -> str | None:
    if step[1] != "📨 Invia":
        return None
    texts = [str(m.get("text")) for m in shown if m.get("from_bot")]
    return None if any("Richiesta n." in t for t in texts) else f"no request number in {texts}"


# --- processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: the child gets SIGKILL if the benchmark dies without cleaning up."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Child:
    """A subprocess with its output in a file; always stopped by `stop()`."""

    def __init__(self, name: str, args: Sequence[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.args = [sys.executable, *args]
        clean = {k: v for k, v in os.environ.items() if not k.startswith(BOT_ENV)}
        path = os.pathsep.join(filter(None, (str(ROOT), clean.get("PYTHONPATH"))))
        self.env = {**clean, **env, "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                *self.args,
                env=self.env,
                cwd=self.workdir,  # no .env of the checkout is read
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )

    def exited(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    def cpu_seconds(self) -> float | None:
        """User + system CPU time so far (Linux /proc), None when unknown."""
        if self.process is None or self.exited():
            return None
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> int | None:
        """SIGTERM, then SIGKILL if it has not exited within STOP_SECONDS."""
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except TimeoutError:
                print(f"  {self.name} did not stop on SIGTERM within {STOP_SECONDS:.0f} s: killed")
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        return process.returncode

    def tail(self, lines: int = 25) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join("    " + line for line in text.splitlines()[-lines:])


async def wait_until(what: str, child: Child, check: Any) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_SECONDS
    while True:
        if child.exited():
            raise RuntimeError(f"{child.name} exited before {what}:\n{child.tail()}")
        with contextlib.suppress(aiohttp.ClientError, DriverError, OSError):
            if await check():
                return
        if loop.time() > deadline:
            raise RuntimeError(f"timed out waiting for {what}:\n{child.tail()}")
        await asyncio.sleep(0.05)


# --- one bot, measured ------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    planned: int
    tally: Tally
    wall: float
    cpu: float | None
    harness: str = ""  # CPU of the emulator and of this driver over the same time
    stored: int | None = None  # front desk: requests in the database
    pending: int | None = None  # front desk: journalled updates never finished

    @property
    def rate(self) -> float:
        return self.tally.answered / self.wall if self.wall > 0 else 0.0

    def percentile(self, share: float) -> float:
        """Nearest rank, in milliseconds."""
        ordered = sorted(self.tally.latencies)
        if not ordered:
            return float("nan")
        rank = max(int(share * len(ordered) + 0.999999) - 1, 0)
        return ordered[min(rank, len(ordered) - 1)] * 1000


async def measure(
    name: str,
    bot: Child,
    driver: Driver,
    people: dict[int, list[Step]],
    check: Any,
    quiet: float,
    emulator: Child,
) -> tuple[Tally, float, float | None, str]:
    """Start the bot, let every person walk their steps at once, stop the bot."""
    await driver.call("POST", "/reset")
    for user_id in people:
        await driver.call(
            "POST", "/users", json={"id": user_id, "first_name": "Bench", "language_code": "it"}
        )
    await bot.start()

    async def polling() -> bool:
        calls = (await driver.call("GET", "/stats"))["calls"]
        return int(calls.get("getUpdates", 0)) > 0

    await wait_until(f"the {name} to poll the emulator", bot, polling)
    cpu_before, emulator_before, driver_before = (
        bot.cpu_seconds(),
        emulator.cpu_seconds(),
        own_cpu(),
    )
    tally = Tally()
    persons = [Person(driver, user_id, tally, quiet) for user_id in people]
    started = time.perf_counter()
    try:
        async with asyncio.timeout(RUN_SECONDS):
            await asyncio.gather(*(p.walk(people[p.id], check) for p in persons))
    except TimeoutError:
        tally.failures.append(f"the run did not finish within {RUN_SECONDS:.0f} s")
    wall = time.perf_counter() - started
    cpu = spent(cpu_before, bot.cpu_seconds())
    emulator_cpu, driver_cpu = (
        spent(emulator_before, emulator.cpu_seconds()),
        own_cpu() - driver_before,
    )
    harness = f"emulator {emulator_cpu or 0:.2f} s, driver {driver_cpu:.2f} s"
    code = await bot.stop()
    if code not in (0, None):
        tally.failures.append(f"the {name} exited with {code}:\n{bot.tail()}")
    return tally, wall, cpu, harness


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def spent(before: float | None, after: float | None) -> float | None:
    return after - before if before is not None and after is not None else None


async def run_echo(
    base_url: str, driver: Driver, args: argparse.Namespace, work: Path, emulator: Child
) -> Result:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url}
    bot = Child("echo", ECHO, env, work)
    people = {100_000 + i: echo_steps(i, args.messages) for i in range(args.users)}
    try:
        tally, wall, cpu, harness = await measure(
            "echo bot", bot, driver, people, echo_check, args.quiet, emulator
        )
    finally:
        await bot.stop()
    return Result("echo bot", args.users * args.messages, tally, wall, cpu, harness)


async def run_frontdesk(
    base_url: str, driver: Driver, args: argparse.Namespace, work: Path, emulator: Child
) -> Result:
    url = f"sqlite+aiosqlite:///{work / 'frontdesk.db'}"
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": url,
        "FRONTDESK_MAX_REQUESTS_PER_DAY": "100",
    }
    command = FRONTDESK
    if args.profile:
        env["BENCH_PROFILE"] = args.profile
        command = FRONTDESK_PROFILED
    bot = Child("frontdesk", command, env, work)
    people = {200_000 + i: patient_steps(i) for i in range(args.users)}
    planned = sum(len(steps) for steps in people.values())
    try:
        tally, wall, cpu, harness = await measure(
            "front desk", bot, driver, people, frontdesk_check, args.quiet, emulator
        )
    finally:
        await bot.stop()
    result = Result("front desk", planned, tally, wall, cpu, harness)
    result.stored, result.pending = await count_requests(url)
    return result


async def count_requests(url: str) -> tuple[int, int]:
    database = Database(url)
    try:
        async with database.uow() as uow:
            stored = (await uow.session.exec(select(func.count()).select_from(Request))).one()
            pending = (
                await uow.session.exec(
                    select(func.count())
                    .select_from(ProcessedUpdate)
                    .where(ProcessedUpdate.status == "pending")
                )
            ).one()
        return int(stored), int(pending)
    finally:
        await database.dispose()


# --- the report ------------------------------------------------------------------------------


def report(result: Result, what: str) -> None:
    tally = result.tally
    print(f"{result.name}: {what}")
    print(f"  updates handled  {tally.answered:>8,} of {result.planned:,}")
    print(f"  wall time        {result.wall:>8.2f} s")
    print(f"  updates/s        {result.rate:>8.1f}")
    print(
        f"  latency          p50 {result.percentile(0.5):.0f} ms"
        f"   p99 {result.percentile(0.99):.0f} ms   max {result.percentile(1.0):.0f} ms"
        "  (action -> first visible answer)"
    )
    if result.cpu is not None:
        print(
            f"  bot CPU          {result.cpu:>8.2f} s  ({result.cpu / result.wall:.0%} of one core;"
            f" {result.cpu / max(tally.answered, 1) * 1000:.2f} ms per update)"
        )
    if result.harness:
        print(f"  harness CPU      {result.harness}")
    if tally.late_buttons:
        print(f"  late buttons     {tally.late_buttons:>8}  (shown after the quiet period)")
    if result.stored is not None:
        # Every patient who tapped Invia and got an answer must have a request, and no more.
        expected = tally.finished
        verdict = "ok" if result.stored == expected else "!!! REQUESTS LOST OR DOUBLED !!!"
        print(
            f"  requests stored  {result.stored:>8} of {expected} patients who sent one  {verdict}"
        )
        if result.pending:
            print(f"  !!! {result.pending} journalled updates never finished !!!")
    for title, problems in (("FAILED", tally.failures), ("WRONG ANSWERS", tally.wrong)):
        if problems:
            print(f"  !!! {title}: {len(problems)} !!!")
            for line in problems[:5]:
                print(f"    {line}")


def print_profile(path: str, top: int = 30) -> None:
    if not Path(path).exists():
        print(f"\n!!! no profile at {path}: did the front desk exit cleanly? !!!")
        return
    print(f"\nfront desk profile (cProfile, main thread; {path}):")
    stats = pstats.Stats(path, stream=sys.stdout)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bench-flow-") as folder:
        yield Path(folder)


async def main(args: argparse.Namespace) -> int:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with workdir() as work:
        emulator = Child(
            "emulator",
            (
                "-m",
                "bot.emulator",
                "--port",
                str(port),
                "--latency-ms",
                str(args.latency_ms),
                "--token",
                TOKEN,
                "--log-level",
                "WARNING",
            ),
            {},
            work,
        )
        driver = Driver(base_url)
        results: list[Result] = []
        try:
            await emulator.start()
            await wait_until(
                "the emulator to listen", emulator, lambda: driver.call("GET", "/config")
            )
            print(
                f"bench.flow: emulator at {base_url} (own process), {args.latency_ms:g} ms added to"
                f" every Bot API call; {args.users} users at once, each waiting for the answer"
                f" plus {args.quiet * 1000:.0f} ms of quiet before the next step"
            )
            load = os.getloadavg()[0]
            print(
                f"machine: {os.cpu_count()} CPUs shared by the emulator, this driver and the bot;"
                f" load average {load:.1f} at the start"
                + (" (other processes are busy: expect noisy figures)" if load >= 0.5 else "")
            )
            if args.only in (None, "echo"):
                echo = await run_echo(base_url, driver, args, work, emulator)
                texts = (args.messages + 1) // 2
                report(
                    echo,
                    f"PTB 22 + aiohttp, {args.users} users x {args.messages} actions"
                    f" ({texts} texts, {args.messages - texts} taps)",
                )
                results.append(echo)
            if args.only in (None, "frontdesk"):
                desk = await run_frontdesk(base_url, driver, args, work, emulator)
                report(
                    desk,
                    f"frontdesk run on SQLite, {args.users} patients x"
                    f" {len(patient_steps(0))} steps (onboarding, then a Domanda)",
                )
                results.append(desk)
        finally:
            await driver.close()
            await emulator.stop()
    failed = any(r.tally.failures or r.tally.wrong for r in results)
    if len(results) == 2:
        ratio = results[1].rate / results[0].rate if results[0].rate else float("nan")
        verdict = "ok" if ratio >= 0.5 else "BELOW the bar"
        print(f"front desk / echo: {ratio:.2f} of the echo bot's updates/s (bar: 0.50) {verdict}")
    lost = any(r.stored is not None and r.stored != r.tally.finished for r in results)
    if lost:
        print("!!! THE FRONT DESK LOST (OR DOUBLED) REQUESTS: see above !!!")
    if args.profile and args.only != "echo":
        print_profile(args.profile)
    return 1 if failed or lost else 0


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.flow", description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--messages", type=int, default=10, help="actions per echo user")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--only", choices=("echo", "frontdesk"))
    parser.add_argument(
        "--quiet-ms", type=float, default=40.0, help="no change for this long ends an answer"
    )
    parser.add_argument("--profile", metavar="FILE", help="cProfile the front desk into FILE")
    args = parser.parse_args(argv)
    if args.users < 1 or args.messages < 1 or args.latency_ms < 0 or args.quiet_ms <= 0:
        parser.error("--users and --messages must be positive, the times not negative")
    args.quiet = args.quiet_ms / 1000
    args.profile = str(Path(args.profile).resolve()) if args.profile else None
    return args


def run(argv: Sequence[str] | None = None) -> int:
    """Every child process is stopped on the way out, Ctrl-C included."""
    try:
        return asyncio.run(main(parse(argv)))
    except KeyboardInterrupt:
        print("bench.flow: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(run())
