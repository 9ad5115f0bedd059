"""Two `frontdesk run` workers in webhook mode behind one URL, sharing one PostgreSQL database.

A tiny round-robin proxy stands for the load balancer: the emulator delivers every update to it
and it forwards them alternately to the two workers — one on python-telegram-bot, one on aiogram,
so the one run also shows that both adapters journal and handle updates the same way. 100
patients file 10 requests each; every update must be handled exactly once (journal), every
request filed once, and both workers must have taken part. A few updates are then sent again
(Telegram retrying): nothing changes.

Then 1,000 reminders fall due across the same two workers: each is sent exactly once.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from aiohttp import web

from bot.emulator import EmulatorClient
from storage import migrate
from storage.uow import Database
from tests import clocks
from tests.conftest import POSTGRES_URL, require_postgres
from tests.e2e.conftest import BotProcess, raw_message, wait_until
from tests.e2e.hooks import free_port, webhook_settings

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.slow]

PATIENTS = 100
REQUESTS_EACH = 10
CODE = "BNCMRA80A41H501E"


@pytest.fixture
def adapter() -> str:
    """The workers pick their own framework (one each): the test runs once."""
    return "ptb"


class RoundRobin:
    """Forwards each webhook POST (body and secret header) to the next worker in turn."""

    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = itertools.cycle(upstreams)
        self.forwarded: Counter[str] = Counter()
        self.port = free_port()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def forward(self, request: web.Request) -> web.Response:
        upstream = next(self.upstreams)
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-telegram")}
        assert self._session is not None
        try:
            async with self._session.post(
                upstream, data=await request.read(), headers=headers
            ) as response:
                self.forwarded[upstream] += response.status == 200
                return web.Response(status=response.status)
        except aiohttp.ClientError:
            return web.Response(status=502)

    async def __aenter__(self) -> RoundRobin:
        self._session = aiohttp.ClientSession(headers={"Content-Type": "application/json"})
        app = web.Application()
        app.router.add_post("/telegram/hook", self.forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._runner is not None
        assert self._session is not None
        await self._runner.cleanup()
        await self._session.close()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A database of its own, migrated, dropped afterwards."""
    await require_postgres()
    name = f"fd_{uuid.uuid4().hex[:12]}"
    admin_dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://", 1)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    database = Database(url)
    try:
        await migrate.upgrade(database.engine)
        await database.dispose()
        yield url
    finally:
        await database.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def journal(url: str) -> dict[int, str]:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        rows = await connection.fetch("SELECT update_id, status FROM processed_updates")
        return {row["update_id"]: row["status"] for row in rows}
    finally:
        await connection.close()


async def count_requests(url: str) -> int:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM requests"))
    finally:
        await connection.close()


class Patient:
    """Acts as soon as the bot's answer shows what the next step needs; records update ids."""

    def __init__(self, tg: EmulatorClient, user_id: int, sent: list[int]) -> None:
        self.tg, self.id, self.sent = tg, user_id, sent
        self.seq = 0
        self.menu: dict[str, int] = {}  # label -> message id, from the latest answers

    async def answered(self, after: int, label: str | None) -> None:
        """Until a bot message changed after `after` (and shows `label`, if given)."""
        while True:
            result = await self.tg.wait_for(self.id, after, timeout=20)
            if not result.changed:
                raise AssertionError(f"patient {self.id}: no answer waiting for {label!r}")
            after = self.seq = max(self.seq, result.seq)
            shown = [m for m in result.messages if m.from_bot]
            for message in shown:
                self.menu.update(dict.fromkeys(message.buttons, message.message_id))
            if shown and (label is None or any(label in b for m in shown for b in m.buttons)):
                return

    async def say(self, text: str, then: str | None = None) -> None:
        sent = await self.tg.send_text(self.id, text)
        await self.answered(sent.seq, then)

    async def tap(self, part: str, then: str | None = None) -> None:
        label = next(label for label in reversed(self.menu) if part in label)
        before = self.seq
        await self.tg.tap(self.id, label, message_id=self.menu[label])
        await self.answered(before, then)

    async def press(self, label: str, then: str) -> None:
        sent = await self.tg.press_reply_button(self.id, label)
        await self.answered(sent.seq, then)

    async def file_questions(self, count: int) -> None:
        await self.say("/start", then="Accetto")
        # Each answer waits for the next step's own prompt: a reply may come in two changes
        # (the welcome kept and edited, then the first step), and an answer sent between them
        # could reach the other worker before this one has handled the step before.
        await self.tap("Accetto", then="Annulla")
        for answer in ("Maria", "Bianchi", "01/01/1980"):
            await self.say(answer, then="Indietro")
        await self.say(CODE, then="Salta")
        await self.press("Salta", then="Conferma")
        await self.tap("Conferma", then="Domanda")
        for number in range(count):
            await self.tap("Domanda", then="non è urgente")
            await self.tap("non è urgente", then="Terapia")
            await self.tap("Terapia")
            await self.say(f"Domanda numero {number}", then="Invia")
            await self.tap("Invia", then="Domanda")


async def test_two_workers_handle_every_update_once(
    tg: EmulatorClient, bot_env: dict[str, str], postgres_url: str, tmp_path: Path
) -> None:
    ports = [free_port(), free_port()]
    upstreams = [f"http://127.0.0.1:{port}/telegram/hook" for port in ports]
    async with RoundRobin(upstreams) as proxy:
        workers = []
        for index, (port, framework) in enumerate(zip(ports, ("ptb", "aiogram"), strict=True)):
            hook = webhook_settings(port)
            hook["FRONTDESK_WEBHOOK_URL"] = f"http://127.0.0.1:{proxy.port}/telegram/hook"
            env = {
                **bot_env,
                **hook,
                "DATABASE_URL": postgres_url,
                "TELEGRAM_FRAMEWORK": framework,
                "FRONTDESK_MAX_REQUESTS_PER_DAY": str(REQUESTS_EACH),
            }
            workdir = tmp_path / f"worker{index}"
            workdir.mkdir()
            workers.append(BotProcess(env, workdir))
        try:
            for worker in workers:
                await worker.start(tg)
            users = [await tg.create_user(first_name="Maria") for _ in range(PATIENTS)]
            patients = [Patient(tg, user.id, []) for user in users]
            await asyncio.gather(*(p.file_questions(REQUESTS_EACH) for p in patients))
            assert await count_requests(postgres_url) == PATIENTS * REQUESTS_EACH

            async def all_done() -> bool:
                statuses = await journal(postgres_url)
                return bool(statuses) and set(statuses.values()) == {"done"}

            await wait_until(all_done, 10, "every update to be handled")
            handled = await journal(postgres_url)
            delivered = (await tg.stats())["webhook"]["delivered"]
            assert len(handled) == delivered
            assert all(proxy.forwarded[u] > len(handled) // 4 for u in upstreams)

            # Telegram sending updates again, to either worker: answered, not handled again.
            user = users[0]
            for update_id in list(handled)[:10]:
                await tg.inject_update({"update_id": update_id, **raw_message(user.id, "x")})
            await wait_until(lambda: _pending_zero(tg), 10, "the repeated updates to be delivered")
            assert await journal(postgres_url) == handled
            assert await count_requests(postgres_url) == PATIENTS * REQUESTS_EACH
            for worker in workers:
                assert await worker.terminate() == 0
                assert "Traceback" not in worker.output()
        finally:
            for worker in workers:
                if worker.process is not None and worker.process.returncode is None:
                    await worker.kill()


async def _pending_zero(tg: EmulatorClient) -> bool:
    return int((await tg.stats())["pending_updates"]) == 0


async def test_reminders_across_two_workers(
    tg: EmulatorClient, bot_env: dict[str, str], postgres_url: str, tmp_path: Path
) -> None:
    """1,000 reminders due across the same two workers, each sent exactly once: one worker is
    elected to plan and send (the other serves updates), claims keep any overlap harmless."""
    from zoneinfo import ZoneInfo

    from bench.reminders import seed

    due = 1000
    await seed(postgres_url, active=0, burst=due, now=clocks.now(), tz=ZoneInfo("Europe/Rome"))
    for n in range(due):
        await tg.create_user(user_id=100_000 + n, first_name="P")
    before = int((await tg.stats())["calls"].get("sendMessage", 0))
    ports = [free_port(), free_port()]
    upstreams = [f"http://127.0.0.1:{port}/telegram/hook" for port in ports]
    async with RoundRobin(upstreams) as proxy:
        workers = []
        for index, (port, framework) in enumerate(zip(ports, ("ptb", "aiogram"), strict=True)):
            hook = webhook_settings(port)
            hook["FRONTDESK_WEBHOOK_URL"] = f"http://127.0.0.1:{proxy.port}/telegram/hook"
            env = {**bot_env, **hook, "DATABASE_URL": postgres_url, "TELEGRAM_FRAMEWORK": framework}
            workdir = tmp_path / f"worker{index}"
            workdir.mkdir()
            workers.append(BotProcess(env, workdir))
        try:
            for worker in workers:
                await worker.start(tg)

            async def all_sent() -> bool:
                return await sent_reminders(postgres_url) >= due

            await wait_until(all_sent, 150, "every reminder to be sent")
            await asyncio.sleep(2)  # anything sent twice would show by now
            assert await sent_reminders(postgres_url) == due
            assert int((await tg.stats())["calls"].get("sendMessage", 0)) - before == due
            for worker in workers:
                assert await worker.terminate() == 0
                assert "Traceback" not in worker.output()
        finally:
            for worker in workers:
                if worker.process is not None and worker.process.returncode is None:
                    await worker.kill()


async def sent_reminders(url: str) -> int:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM reminders WHERE status IN ('sent', 'answered', 'missed')"
            )
        )
    finally:
        await connection.close()
