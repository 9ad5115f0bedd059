"""The live status card: one message per request, edited in place as the request moves."""

from __future__ import annotations

from flows.codes import PatientGlobal, RequestOp
from flows.dates import day
from flows.lifecycle import State
from flows.reply import Anchor, Button, Outgoing
from flows.turn import TurnDesk
from storage.tables import Request


def card_text(desk: TurnDesk, request: Request, lang: str, *, note: str | None = None) -> str:
    t = desk.catalog.text
    tz = desk.settings.tz
    lines = [
        t("card.title", lang, number=request.id, kind=t(f"kind.{request.kind}", lang)),
        t("card.state", lang, state=t(f"state.{request.state}", lang)),
    ]
    if request.state in (State.NEW, State.IN_PROGRESS, State.WAITING_PATIENT):
        lines.append(t("card.due", lang, due=day(request.due_at, tz=tz, lang=lang)))
    if request.state == State.SNOOZED and request.snoozed_until is not None:
        lines.append(t("card.snoozed", lang, until=day(request.snoozed_until, tz=tz, lang=lang)))
    if note:
        lines.append("")
        lines.append(note)
    return "\n".join(lines)


def card_buttons(
    desk: TurnDesk, request: Request, lang: str, chat_id: int
) -> tuple[tuple[Button, ...], ...]:
    t = desk.catalog.text
    codec = desk.codec
    if request.state == State.NEW:
        code = PatientGlobal.REQUEST(request.id, RequestOp.CANCEL)
        return ((Button(t("card.cancel", lang), codec.encode(chat_id=chat_id, code=code)),),)
    if request.state == State.WAITING_PATIENT:
        code = PatientGlobal.REQUEST(request.id, RequestOp.ANSWER)
        return ((Button(t("card.answer", lang), codec.encode(chat_id=chat_id, code=code)),),)
    return ()


def card_update(
    desk: TurnDesk, request: Request, lang: str, *, note: str | None = None, protect: bool = False
) -> Outgoing | None:
    """The edit of the patient's card after a change, or None when there is no card to edit."""
    if request.status_chat_id is None or request.status_message_id is None:
        return None
    return Outgoing(
        chat_id=request.status_chat_id,
        text=card_text(desk, request, lang, note=note),
        buttons=card_buttons(desk, request, lang, request.status_chat_id),
        edit_message_id=request.status_message_id,
        anchor=Anchor("card", request.id or 0),
        protect=protect,
    )
