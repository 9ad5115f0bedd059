"""👪 Caregivers: a patient invites a family member with a deep link (`/start cg_<token>`); once
accepted, the caregiver is told when a dose is missed and may file requests for the patient.

An invitation lasts a week and works once. The patient can remove every caregiver at any time.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flows import runner
from flows.codes import CAREGIVER_ACT, PatientGlobal
from flows.declarations import Choose, Flow, Option, Step
from flows.reminders.messages import short_name
from flows.reminders.reach import can_receive
from flows.reply import Outgoing
from flows.turn import Turn
from storage.tables import Caregiver

PAYLOAD_PREFIX = "cg_"
INVITE_DAYS = 7
MOST = 3  # caregivers and open invitations per patient

CAREGIVER = Flow(
    id="caregiver",
    complete="home",
    title="caregiver.title",
    steps=(
        Step(
            "menu",
            "=caregiver",
            Choose(
                key="op",
                options=(
                    Option("invite", "caregiver.invite", goto="!caregiver_invite"),
                    Option("remove", "caregiver.remove", goto="!caregiver_remove"),
                ),
            ),
            cancel=False,
        ),
    ),
)


async def links(turn: Turn, *statuses: str) -> list[Caregiver]:
    patient = turn.patient
    assert patient is not None
    assert patient.id is not None
    return await turn.uow.caregivers.of_patient(patient_id=patient.id, statuses=statuses)


async def caregiver_prompt(turn: Turn) -> str:
    lines = [turn.t("caregiver.prompt")]
    tz = turn.desk.settings.tz
    for link in await links(turn, "active", "invited"):
        if link.status == "active":
            lines.append(turn.t("caregiver.line.active", name=link.name or "?"))
        elif link.expires_at > turn.now:
            until = link.expires_at.astimezone(tz).strftime("%d/%m")
            lines.append(turn.t("caregiver.line.invited", until=until))
    return "\n".join(lines)


def invite_text(turn: Turn, token: str) -> str:
    payload = f"{PAYLOAD_PREFIX}{token}"
    bot = turn.desk.settings.bot_username.strip().lstrip("@")
    if bot:
        return turn.t("caregiver.invite.link", link=f"https://t.me/{bot}?start={payload}")
    return turn.t("caregiver.invite.code", code=f"/start {payload}")


async def invite(turn: Turn) -> None:
    patient = turn.patient
    assert patient is not None
    assert patient.id is not None
    current = [
        link
        for link in await links(turn, "active", "invited")
        if link.status == "active" or link.expires_at > turn.now
    ]
    pending = next((link for link in current if link.status == "invited"), None)
    if pending is None and len(current) >= MOST:
        await runner.start_flow(turn, CAREGIVER.id, notice=turn.t("caregiver.too_many", n=MOST))
        return
    if pending is None:
        pending = Caregiver(
            patient_id=patient.id,
            token=secrets.token_urlsafe(12),
            created_at=turn.now,
            expires_at=turn.now + timedelta(days=INVITE_DAYS),
        )
        await turn.uow.caregivers.add(link=pending)
    await runner.start_flow(turn, CAREGIVER.id, notice=invite_text(turn, pending.token))


async def remove(turn: Turn) -> None:
    removed = 0
    for link in await links(turn, "active", "invited"):
        if link.status == "active" and link.caregiver_chat_id is not None:
            text = turn.desk.catalog.text(
                "caregiver.removed.notice",
                turn.desk.settings.default_language,
                name=short_name(turn.patient),
            )
            turn.reply.add(Outgoing(chat_id=link.caregiver_chat_id, text=text))
        link.status, link.acting, link.revoked_at = "revoked", False, turn.now
        await turn.uow.caregivers.save(link=link)
        removed += 1
    key = "caregiver.removed" if removed else "caregiver.none"
    await runner.start_flow(turn, CAREGIVER.id, notice=turn.t(key))


async def accept(turn: Turn, token: str) -> None:
    """`/start cg_<token>` from the family member's own chat."""
    link = await turn.uow.caregivers.invitation(token=token)
    patient = await turn.uow.patients.get(patient_id=link.patient_id) if link else None
    if (
        link is None
        or patient is None
        or link.status != "invited"
        or link.expires_at < turn.now
        or not can_receive(patient)
    ):
        turn.say(turn.t("caregiver.invalid"))
        return
    if patient.telegram_id == turn.sender.user_id:
        turn.say(turn.t("caregiver.self"))
        return
    link.caregiver_user_id = turn.sender.user_id
    link.caregiver_chat_id = turn.chat_id
    link.name = (turn.sender.first_name or "").strip()[:60] or None
    link.status, link.accepted_at = "active", turn.now
    await turn.uow.caregivers.save(link=link)
    name = short_name(patient)
    act = turn.action_button(
        turn.t("caregiver.act", name=name), PatientGlobal.CAREGIVER(link.id, CAREGIVER_ACT)
    )
    turn.say(turn.t("caregiver.accepted", name=name), buttons=((act,),))
    joined = turn.desk.catalog.text(
        "caregiver.joined", patient.language, name=link.name or turn.t("caregiver.someone")
    )
    turn.reply.add(Outgoing(chat_id=patient.telegram_id, text=joined))
