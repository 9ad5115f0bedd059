"""Telling staff about new and answered requests: at once while the practice is open, otherwise
as one digest when it opens. Notices carry the request number and kind, never the answers, and an
«Apri» button that opens the request's card (a button that outlives menus: the notice may be read
hours later)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select

from flows.calendar import OpeningHours
from flows.codes import StaffGlobal
from flows.engine import FrontDesk
from flows.reply import Button, Outgoing, Reply
from flows.turn import Turn, TurnDesk
from storage.tables import OutboundMessage, Staff
from storage.uow import UnitOfWork

DIGEST_KIND = "staff_notice"
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
        lang = settings.default_language
        for member in team:
            text = turn.desk.catalog.text(key, lang, **params)
            buttons = open_buttons(turn.desk, member.telegram_id, [params.get("number")], lang)
            turn.reply.add(Outgoing(chat_id=member.telegram_id, text=text, buttons=buttons))
        return
    opening = hours.next_opening(turn.now, tz=settings.tz, extra_closed_days=closed)
    for member in team:
        turn.uow.session.add(_queued(member, key, params, opening, turn.now))
    await turn.uow.session.flush()


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


def _queued(
    member: Staff, key: str, params: dict[str, object], at: datetime, now: datetime
) -> OutboundMessage:
    return OutboundMessage(
        idempotency_key=f"{DIGEST_KIND}:{uuid.uuid4().hex}",
        chat_id=member.telegram_id,
        payload={"kind": DIGEST_KIND, "key": key, "params": params},
        not_before=at,
        created_at=now,
    )


async def due_digests(desk: FrontDesk, uow: UnitOfWork, now: datetime) -> Reply:
    """One message per staff member with every notice that waited for the opening."""
    query = (
        select(OutboundMessage)
        .where(
            OutboundMessage.status == "pending",
            col(OutboundMessage.not_before) <= now,
            col(OutboundMessage.idempotency_key).startswith(f"{DIGEST_KIND}:"),
        )
        .order_by(col(OutboundMessage.id))
        .limit(500)
    )
    rows = (await uow.session.exec(query)).all()
    grouped: dict[int, list[OutboundMessage]] = defaultdict(list)
    for row in rows:
        grouped[row.chat_id].append(row)
    reply = Reply()
    lang = desk.settings.default_language
    for chat_id, notices in grouped.items():
        lines = [desk.catalog.text("staff.digest.title", lang, n=len(notices))]
        numbers: list[object] = []
        for notice in notices:
            params = dict(notice.payload.get("params") or {})
            numbers.append(params.get("number"))
            lines.append("• " + desk.catalog.text(str(notice.payload.get("key")), lang, **params))
            notice.status = "sent"
            notice.sent_at = now
            uow.session.add(notice)
        buttons = open_buttons(desk, chat_id, numbers, lang)
        reply.add(Outgoing(chat_id=chat_id, text="\n".join(lines)[:4000], buttons=buttons))
    await uow.session.flush()
    return reply
