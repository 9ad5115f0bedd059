"""What the patient sees of their data rights, from Settings & privacy: a copy of their data,
erasure with two confirmations, and what consent withdrawal now also does."""

from __future__ import annotations

import logging

from flows.declarations import Choose, Flow, Option, Step
from flows.errors import PermissionDenied
from flows.practice import practice_text
from flows.privacy.consent import withdraw_consent
from flows.privacy.erasure import ERASED_NOTICE, erase_patient, notice_params
from flows.privacy.export import as_dict, collect, to_json
from flows.privacy.summary import readable
from flows.registry import Registry
from flows.reply import FileRef, Outgoing
from flows.runner import go_home
from flows.staff.notify import notify
from flows.turn import Turn
from storage.tables import Patient

log = logging.getLogger(__name__)

ERASE = Flow(
    id="erase",
    complete="home",
    steps=(
        Step(
            "warn",
            "privacy.erase.confirm",
            Choose(
                key="sure",
                options=(
                    Option("yes", "privacy.erase.continue", goto="again"),
                    Option("copy", "privacy.export", goto="!export_data"),
                    Option("no", "privacy.erase.keep", goto="@home"),
                ),
            ),
            back=False,
            cancel=False,
        ),
        Step(
            "again",
            "privacy.erase.confirm2",
            Choose(
                key="really",
                options=(
                    Option("yes", "privacy.erase.yes", goto="!erase_data"),
                    Option("no", "privacy.erase.keep", goto="@home"),
                ),
            ),
            cancel=False,
        ),
    ),
)


def own_patient(turn: Turn) -> Patient:
    """The patient, when the person asking is the patient: a family member acting for them may
    file requests, but a copy of everything, an erasure or a withdrawal is the patient's own."""
    patient = turn.patient
    if patient is None or patient.telegram_id != turn.sender.user_id:
        raise PermissionDenied("privacy.own_only")
    return patient


async def export_data(turn: Turn) -> None:
    """Two documents in the chat, sent with content protection, then the menu below them."""
    patient = own_patient(turn)
    settings = turn.desk.settings
    holdings = await collect(turn.uow, patient)
    data = to_json(as_dict(holdings, now=turn.now, practice=settings.practice_name))
    text = readable(
        holdings, turn.t, tz=settings.tz, now=turn.now, practice=settings.practice_name
    ).encode()
    stamp = turn.now.astimezone(settings.tz).strftime("%Y%m%d")
    for caption, content, suffix in (
        ("privacy.export.text", text, "txt"),
        ("privacy.export.json", data, "json"),
    ):
        document = FileRef(None, "document", data=content, name=f"dati-{stamp}.{suffix}")
        turn.reply.add(
            Outgoing(chat_id=turn.chat_id, text=turn.t(caption), file=document, protect=True)
        )
    log.info("patient %s: data export sent", patient.id)
    turn.tapped_message_id = None  # the menu goes below the documents
    await go_home(turn, notice=turn.t("privacy.export.done"))


async def erase_data(turn: Turn) -> None:
    patient = own_patient(turn)
    erasure = await erase_patient(turn.uow, patient, now=turn.now, live=turn.conversation)
    log.info("patient %s: personal data erased", erasure.patient)
    await notify(turn, ERASED_NOTICE, **notice_params(erasure))
    turn.new_menu()
    turn.show(practice_text(turn, "privacy.erased"))


async def after_withdrawal(turn: Turn) -> str:
    """Consent withdrawn: reminders stop, staff are told; the text that says what happened."""
    patient = own_patient(turn)
    stopped = await withdraw_consent(turn.uow, patient, now=turn.now)
    await notify(turn, "staff.notice.withdrawn", patient=patient.id, reminders=stopped)
    return practice_text(turn, "privacy.withdrawn.full")


def registry() -> Registry:
    result = Registry()
    result.add_flow(ERASE)
    result.actions.update(export_data=export_data, erase_data=erase_data)
    return result
