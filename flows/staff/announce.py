"""Telling the patient: every change edits their status card and is also said in plain words."""

from __future__ import annotations

import re

from flows.dates import day
from flows.patient.cards import card_buttons, card_update
from flows.reply import Outgoing, Reply
from flows.turn import TurnDesk
from storage.tables import Patient, Request

# An electronic prescription's number (NRE): "NRE" written out, or the code itself (15 characters,
# as 1200A4567890123).
NRE = re.compile(r"\bNRE\b|\b\d{4}[A-Z]\d{10}\b", re.IGNORECASE)


def announce(
    desk: TurnDesk,
    reply: Reply,
    *,
    request: Request,
    patient: Patient | None,
    action: str,
    note: str | None = None,
) -> None:
    """Card edit plus a plain message for `action`; `ready` notes travel with content protection."""
    if patient is None or not patient.reachable:
        return
    lang = patient.language
    t = desk.catalog.text
    protect = action == "ready"
    extra = None
    if note and action in ("ready", "close", "reject", "ask"):
        extra = t(f"announce.{action}.note", lang, note=note)
    # The card is edited in place, and an edit cannot add content protection: codes and other
    # notes travel only in the protected message below, the card shows the state.
    card_note = extra if action in ("ask", "reject") else None
    update = card_update(desk, request, lang, note=card_note)
    if update is not None:
        reply.add(update)
    params = {"number": request.id, "kind": t(f"kind.{request.kind}", lang)}
    if request.snoozed_until is not None:
        params["until"] = day(request.snoozed_until, tz=desk.settings.tz, lang=lang)
    text = t(f"announce.{action}", lang, **params)
    if extra:
        text = f"{text}\n\n{extra}"
    if protect and note and NRE.search(note):
        text = f"{text}\n\n{t('announce.ready.nre_hint', lang)}"
    reply.add(
        Outgoing(
            chat_id=patient.telegram_id,
            text=text,
            buttons=card_buttons(desk, request, lang, patient.telegram_id),
            protect=protect,
        )
    )
