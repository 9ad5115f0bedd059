"""Patients filing a request while Telegram fails about one call in ten: what they see.

The emulator (its own process, from this checkout) fails a seeded share of sendMessage,
editMessageText, answerCallbackQuery and getUpdates calls: a 500, a dropped connection before
the call is applied, or a dropped connection after it was (see bot/emulator/README.md). The bot
(`frontdesk run`, its own process, from `--code`, this checkout by default) serves `--users`
patients at once; each is onboarded with no faults, then files a Domanda with the faults on,
like a person: after each tap or message they wait for the next button; when it does not come
they tap the same button again, and if that is not answered either they type /menu and start the
request again (at most three times).

Counted: taps whose spinner never stopped, steps left unanswered, recoveries by tapping again and
by /menu, patients who end with their confirmation card (and how many saw it twice), requests
stored. `--code DIR` runs another copy of the bot's code (e.g. an export of main) against the
same emulator and the same faults.

    python -m bench.faults [--users 20] [--rate 0.1] [--seed 1] [--code DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.flow import (
    FRONTDESK,
    TOKEN,
    Child,
    Driver,
    DriverError,
    Person,
    Tally,
    count_requests,
    free_port,
    patient_steps,
    wait_until,
    workdir,
)

RECEIVED = "Ricevuta. La avviseremo"
ANSWER_SECONDS = 12.0  # longer than the renderer's retries of one message
METHODS = ("sendMessage", "editMessageText", "answerCallbackQuery", "getUpdates")
CATEGORIES = ("💊 Terapia o farmaci", "🧪 Esami o referti", "🗂 Pratiche e documenti")
SPINNERS: set[asyncio.Task[None]] = set()


@dataclass
class Counts:
    taps: int = 0
    spinning: int = 0  # taps whose callback query was never answered
    unanswered: int = 0  # steps whose expected answer did not show in time
    retap_fixed: int = 0  # ... and tapping the same button again showed it
    menu_restarts: int = 0  # /menu typed to get going again
    patients_menu: set[int] = field(default_factory=set)
    confirmed: int = 0
    doubled: int = 0  # patients who saw the confirmation card twice or more
    gave_up: list[int] = field(default_factory=list)


class Patient:
    def __init__(
        self, driver: Driver, user_id: int, index: int, counts: Counts, *, spinners: bool = True
    ) -> None:
        self.driver, self.id, self.index, self.counts = driver, user_id, index, counts
        self.spinners = spinners  # look, a while after each tap, whether it was answered

    async def transcript(self) -> list[dict[str, Any]]:
        body = await self.driver.call("GET", f"/chats/{self.id}/transcript")
        return [m for m in body["messages"] if m.get("from_bot") and not m.get("deleted")]

    @staticmethod
    def labels(message: dict[str, Any]) -> list[str]:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        return [str(button.get("text")) for row in rows for button in row]

    async def find(self, label: str) -> dict[str, Any] | None:
        for message in reversed(await self.transcript()):
            if any(label in shown for shown in self.labels(message)):
                return message
        return None

    async def shows(self, label: str) -> bool:
        return await self.find(label) is not None

    async def latest_lacks(self, label: str) -> bool:
        messages = await self.transcript()
        return bool(messages) and not any(label in shown for shown in self.labels(messages[-1]))

    async def confirmations(self) -> int:
        return sum(RECEIVED in str(m.get("text")) for m in await self.transcript())

    async def until(self, check: Any, seconds: float = ANSWER_SECONDS) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            if await check():
                return True
            await asyncio.sleep(0.2)
        return False

    async def tap(self, message: dict[str, Any], label: str) -> None:
        body = {"label": label, "message_id": message["message_id"]}
        tapped = await self.driver.call("POST", f"/users/{self.id}/tap", json=body)
        self.counts.taps += 1
        if self.spinners:
            task = asyncio.get_running_loop().create_task(
                self._spinner(str(tapped["callback_query_id"]))
            )
            SPINNERS.add(task)
            task.add_done_callback(SPINNERS.discard)

    async def _spinner(self, callback_id: str) -> None:
        await asyncio.sleep(ANSWER_SECONDS)
        answer = await self.driver.call("GET", f"/callbacks/{callback_id}")
        if not answer.get("answered"):
            self.counts.spinning += 1

    async def file(self) -> None:
        """The Domanda, restarted by /menu when stuck; at most three times."""
        category = CATEGORIES[self.index % 3]
        question = f"Posso prendere il farmaco a stomaco vuoto? (paziente {self.index})"
        for _attempt in range(4):
            if await self._walk(category, question):
                return
            self.counts.menu_restarts += 1
            self.counts.patients_menu.add(self.id)
            await self.driver.call("POST", f"/users/{self.id}/messages", json={"text": "/menu"})
            await self.until(lambda: self.shows("❓ Domanda"))
        self.counts.gave_up.append(self.id)
        if os.environ.get("BENCH_FAULTS_SHOW"):
            for message in await self.transcript():
                print("   ", message.get("message_id"), repr(message.get("text"))[:70],
                      self.labels(message))  # fmt: skip

    async def _walk(self, category: str, question: str) -> bool:
        steps: list[tuple[str, str, Any]] = [
            ("tap", "❓ Domanda", lambda: self.shows("No, non è urgente")),
            ("tap", "No, non è urgente", lambda: self.shows(category)),
            ("tap", category, lambda: self.latest_lacks(category)),
            ("text", question, lambda: self.shows("📨 Invia")),
            ("tap", "📨 Invia", self.confirmations),
        ]
        for kind, value, answered in steps:
            if kind == "text":
                await self.driver.call("POST", f"/users/{self.id}/messages", json={"text": value})
                if not await self.until(answered):
                    self.counts.unanswered += 1
                    return False
                continue
            message = await self.find(value)
            if message is None:
                return False
            await self.tap(message, value)
            if await self.until(answered):
                continue
            self.counts.unanswered += 1
            try:  # the same button again, on the same (old) message
                await self.tap(message, value)
            except DriverError:
                return False
            if not await self.until(answered):
                return False
            self.counts.retap_fixed += 1
        return True


def faults(rate: float, seed: int) -> list[dict[str, Any]]:
    """About `rate` of each method's calls fail: 40% of them 500s, 30% dropped before being
    applied, 30% dropped after."""
    shares = (("500", 0.4), ("drop", 0.3), ("drop_after_apply", 0.3))
    out = []
    for number, method in enumerate(METHODS):
        for offset, (status, share) in enumerate(shares):
            out.append(
                {
                    "method": method,
                    "status": int(status) if status.isdigit() else status,
                    "rate": rate * share,
                    "seed": seed * 100 + number * 10 + offset,
                }
            )
    return out


async def main(args: argparse.Namespace) -> int:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with workdir() as work:
        emulator = Child(
            "emulator",
            ("-m", "bot.emulator", "--port", str(port), "--token", TOKEN, "--log-level", "WARNING"),
            {},
            work,
        )
        url = f"sqlite+aiosqlite:///{work / 'frontdesk.db'}"
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": base_url,
            "DATABASE_URL": url,
            "FRONTDESK_OPENING_HOURS": "mon-sun 00:00-23:59",
            "FRONTDESK_MAX_REQUESTS_PER_DAY": "100",
        }
        bot = Child("frontdesk", FRONTDESK, env, work)
        if args.code:
            bot.env["PYTHONPATH"] = args.code
        driver = Driver(base_url)
        counts = Counts()
        try:
            await emulator.start()
            await wait_until("the emulator", emulator, lambda: driver.call("GET", "/config"))
            users = {300_000 + i: i for i in range(args.users)}
            for user_id in users:
                body = {"id": user_id, "first_name": "Bench", "language_code": "it"}
                await driver.call("POST", "/users", json=body)
            await bot.start()

            async def polling() -> bool:
                return int((await driver.call("GET", "/stats"))["calls"].get("getUpdates", 0)) > 0

            await wait_until("the bot to poll", bot, polling)
            tally = Tally()
            onboarding = [Person(driver, u, tally, 0.04) for u in users]
            await asyncio.gather(
                *(p.walk(patient_steps(users[p.id])[:8], lambda *_: None) for p in onboarding)
            )
            for fault in faults(args.rate, args.seed):
                await driver.call("POST", "/faults", json=fault)
            patients = [Patient(driver, u, i, counts) for u, i in users.items()]
            await asyncio.gather(*(p.file() for p in patients))
            await asyncio.sleep(ANSWER_SECONDS + 1)  # the last spinners are looked at
            stats = await driver.call("GET", "/stats")
            await driver.call("DELETE", "/faults")
            for patient in patients:
                seen = await patient.confirmations()
                counts.confirmed += seen > 0
                counts.doubled += seen > 1
            await bot.stop()
            stored, pending = await count_requests(url)
        finally:
            await driver.close()
            await bot.stop()
            await emulator.stop()
    injected: Counter[str] = Counter(stats.get("injected") or {})
    sends = sum(stats["calls"].get(m, 0) for m in ("sendMessage", "editMessageText"))
    lost_sends = sum(n for k, n in injected.items() if k.split()[0] in METHODS[:2])
    code = args.code or "this checkout"
    print(f"bench.faults: {args.users} patients, rate {args.rate:g}, seed {args.seed},"
          f" bot code {code}; onboarding failures {len(tally.failures)}")  # fmt: skip
    print(f"  injected faults   {sum(injected.values())}: " + ", ".join(
        f"{k} {n}" for k, n in sorted(injected.items())))  # fmt: skip
    print(f"  sends and edits   {sends} calls, {lost_sends} of them failed by the emulator")
    print(f"  taps              {counts.taps}, spinner never stopped on {counts.spinning}")
    print(f"  unanswered steps  {counts.unanswered}; fixed by tapping again {counts.retap_fixed}")
    print(f"  /menu typed       {counts.menu_restarts} times, by {len(counts.patients_menu)}"
          f" patients; gave up {len(counts.gave_up)}")  # fmt: skip
    print(f"  confirmation      {counts.confirmed} of {args.users} patients see it"
          f" ({counts.doubled} twice)")  # fmt: skip
    print(f"  requests stored   {stored} (journalled updates never finished: {pending})")
    return 0 if counts.confirmed == args.users and stored == args.users else 1


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--code", help="the bot's code from this folder (default: this checkout)")
    args = parser.parse_args(argv)
    args.code = str(Path(args.code).resolve()) if args.code else None
    return args


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(asyncio.run(main(parse())))
