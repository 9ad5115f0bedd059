"""Telling staff about new and answered requests: through the outbox at once while the practice
is open, otherwise as one digest when it opens. Notices carry the request number and kind, never
the answers, and an «Apri» button that opens the request's card (a button that outlives menus: the
notice may be read hours later).

Every notice reaches staff through the outbox and its rate limiter, like every other push: the
turn writes the row and wakes the dispatcher once it commits, so staff see it within moments.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from flows.calendar import OpeningHours
from flows.codes import StaffGlobal
from flows.engine import FrontDesk
from flows.reply import Button, Outgoing, Reply
from flows.turn import Turn, TurnDesk
from storage.tables import DigestNotice, Staff
from storage.uow import UnitOfWork

NOTICE_KIND = "staff_notice"
DIGEST_BUTTONS = 6  # a digest offers «Apri» for at most this many requests


async def notify(
    turn: Turn, key: str, *, only: Sequence[int] | None = None, **params: object
) -> None:
    """Notice `key` for on-duty staff (or only the staff ids given)."""
    team = [s for s in await turn.uow.staff.list() if s.on_duty]
    if only:
        chosen = [s for s in team if s.id in only]
        team = chosen or team
    if not team:
        return
    settings = turn.desk.settings
    hours = OpeningHours.parse(settings.opening_hours)
    closed = settings.extra_closed_days
    if hours.is_open(turn.now, tz=settings.tz, extra_closed_days=closed):
        await _send(turn, team, key, params)
        return
    opening = hours.next_opening(turn.now, tz=settings.tz, extra_closed_days=closed)
    turn.uow.digest.hold(
        chat_ids=[member.telegram_id for member in team],
        key=key,
        params=params,
        due_at=opening,
        now=turn.now,
    )


async def _send(turn: Turn, team: Sequence[Staff], key: str, params: dict[str, object]) -> None:
    """Into the outbox, due now, and the dispatcher woken once the turn is committed."""
    # Imported here: the reminders package registers the follow-up answers, which notify staff.
    from flows.reminders.outbox import row

    desk = turn.desk
    lang = desk.settings.default_language
    rows = []
    for member in team:
        text = desk.catalog.text(key, lang, **params)
        buttons = open_buttons(desk, member.telegram_id, [params.get("number")], lang)
        message = Outgoing(chat_id=member.telegram_id, text=text, buttons=buttons)
        # While the practice is open it is not night for its staff, whatever the quiet hours.
        rows.append(
            row(
                key=f"{NOTICE_KIND}:{uuid.uuid4().hex}",
                message=message,
                kind=NOTICE_KIND,
                now=turn.now,
                settings=desk.settings,
                night_ok=True,
            )
        )
    await turn.uow.outbox.add(rows=rows)
    turn.uow.after_commit(lambda: _wake(desk))


def _wake(desk: TurnDesk) -> None:
    if desk.wake_outbox is not None:  # None while no dispatcher runs (the CLI, some tests)
        desk.wake_outbox()


def open_buttons(
    desk: TurnDesk, chat_id: int, numbers: Sequence[object], lang: str
) -> tuple[tuple[Button, ...], ...]:
    """«Apri» for each request number given (none for a notice about no request)."""
    wanted = list(dict.fromkeys(n for n in numbers if isinstance(n, int)))[:DIGEST_BUTTONS]
    key = "staff.notice.open" if len(wanted) == 1 else "staff.notice.open_n"
    return tuple(
        (
            Button(
                desk.catalog.text(key, lang, number=number),
                desk.codec.encode(chat_id=chat_id, code=StaffGlobal.OPEN(number)),
            ),
        )
        for number in wanted
    )


async def due_digests(desk: FrontDesk, uow: UnitOfWork, now: datetime) -> Reply:
    """One message per staff member with every notice that waited for the opening."""
    notices = await uow.digest.due(now=now)
    grouped: dict[int, list[DigestNotice]] = defaultdict(list)
    for notice in notices:
        grouped[notice.chat_id].append(notice)
    reply = Reply()
    lang = desk.settings.default_language
    for chat_id, waiting in grouped.items():
        lines = [desk.catalog.text("staff.digest.title", lang, n=len(waiting))]
        numbers: list[object] = []
        for notice in waiting:
            params = dict(notice.params or {})
            numbers.append(params.get("number"))
            lines.append("• " + desk.catalog.text(notice.key, lang, **params))
        buttons = open_buttons(desk, chat_id, numbers, lang)
        reply.add(Outgoing(chat_id=chat_id, text="\n".join(lines)[:4000], buttons=buttons))
    await uow.digest.discard(notice_ids=[n.id for n in notices if n.id is not None])
    return reply
