"""The readable copy of a patient's data: the same holdings as the JSON, in plain sentences of
their language, for a person rather than a program."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flows.answers import bulleted, filed_lines
from flows.dates import short
from flows.satisfaction.words import touchpoint_name
from storage.repositories.privacy import Holdings
from storage.tables import Enrolment

Text = Callable[..., str]
NONE = "—"


def _when(moment: datetime | None, tz: ZoneInfo) -> str:
    return short(moment, tz=tz) if moment is not None else NONE


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else NONE


def readable(holdings: Holdings, t: Text, *, tz: ZoneInfo, now: datetime, practice: str) -> str:
    """`t(key, **params)` looks texts up in the patient's language."""
    patient = holdings.patient
    name = f"{patient.first_name or ''} {patient.last_name or ''}".strip() or NONE
    parts = [
        t("export.title", practice=practice, patient=patient.id, date=_when(now, tz)),
        t(
            "export.profile",
            name=name,
            birth=_day(patient.birth_date),
            code=patient.fiscal_code or NONE,
            phone=patient.phone or NONE,
            language=t(f"lang.{patient.language}"),
            registered=_when(patient.registered_at, tz),
            verification=t(f"staff.card.{patient.verification}"),
        ),
        t(
            "export.consent",
            version=patient.consent_version or NONE,
            given=_when(patient.consent_at, tz),
            withdrawn=_when(patient.consent_withdrawn_at, tz),
        ),
        _prevention(holdings, t, tz),
        _requests(holdings, t, tz),
        _therapies(holdings, t),
        _reminders(holdings, t),
        _appointments(holdings, t, tz),
        _ratings(holdings, t),
        _satisfaction(holdings, t),
        _caregivers(holdings, t),
        _tags(holdings, t),
        _enrolments(holdings, t, tz),
        _opt_outs(holdings, t, tz),
        _completions(holdings, t),
        _conversation(holdings, t, tz),
        t("export.footer"),
    ]
    return "\n\n".join(parts) + "\n"


def _requests(holdings: Holdings, t: Text, tz: ZoneInfo) -> str:
    lines = [t("export.requests", n=len(holdings.requests))]
    for request in holdings.requests:
        number = request.id or 0
        lines.append("")
        lines.append(
            t(
                "export.request",
                number=number,
                kind=t(f"kind.{request.kind}"),
                state=t(f"state.{request.state}"),
                created=_when(request.created_at, tz),
                closed=_when(request.closed_at, tz),
            )
        )
        if request.purged_at is not None:
            lines.append(t("export.request.purged", date=_when(request.purged_at, tz)))
        lines.extend(bulleted(filed_lines(request.answers), t, bullet="  • "))
        files = holdings.attachments.get(number, [])
        if files:
            lines.append(t("export.request.attachments", n=len(files)))
        history = holdings.events.get(number, [])
        if history:
            lines.append(t("export.request.history"))
        for event in history:
            note = f": {event.note}" if event.note else ""
            action = t(f"staff.action.{event.action}")
            lines.append(f"    {_when(event.at, tz)} · {action}{note}")
    return "\n".join(lines)


def _therapies(holdings: Holdings, t: Text) -> str:
    lines = [t("export.therapies", n=len(holdings.therapies))]
    for therapy in holdings.therapies:
        lines.append(
            t(
                "export.therapy",
                medicine=therapy.medicine or NONE,
                dose=therapy.dose or NONE,
                times=", ".join(therapy.times) or NONE,
                start=_day(therapy.start_date),
                end=_day(therapy.end_date),
                status=t("export.active" if therapy.active else "export.inactive"),
            )
        )
    return "\n".join(lines)


def _reminders(holdings: Holdings, t: Text) -> str:
    lines = [t("export.reminders", n=len(holdings.reminders))]
    counts = Counter(reminder.status for reminder in holdings.reminders)
    lines.extend(f"  {t(f'export.reminder.{status}')}: {n}" for status, n in sorted(counts.items()))
    return "\n".join(lines)


def _appointments(holdings: Holdings, t: Text, tz: ZoneInfo) -> str:
    lines = [t("export.appointments", n=len(holdings.appointments))]
    for appointment in holdings.appointments:
        modality = t(f"visit.modality.{appointment.modality}")
        status = t(f"visit.status.{appointment.status}")
        lines.append(f"  {_when(appointment.starts_at, tz)} · {modality} · {status}")
    return "\n".join(lines)


def _ratings(holdings: Holdings, t: Text) -> str:
    lines = [t("export.ratings", n=len(holdings.ratings))]
    lines.extend(
        t("export.rating", number=rating.request_id, score=rating.score)
        for rating in holdings.ratings
    )
    return "\n".join(lines)


def _satisfaction(holdings: Holdings, t: Text) -> str:
    answered = [a for a in holdings.satisfaction if a.answer is not None]
    lines = [t("export.satisfaction", n=len(answered))]
    for item in answered:
        line = t(
            "export.satisfaction.line",
            touchpoint=touchpoint_name(t, item.touchpoint),
            answer=t(f"satisfaction.answer.{item.answer}"),
        )
        if item.comment:
            line += t("export.satisfaction.comment", comment=item.comment)
        if item.recommend is not None:
            line += t("export.satisfaction.recommend", score=item.recommend)
        lines.append(line)
    return "\n".join(lines)


def _caregivers(holdings: Holdings, t: Text) -> str:
    lines = [t("export.caregivers", n=len(holdings.caregivers))]
    for caregiver in holdings.caregivers:
        status = t(f"export.caregiver.{caregiver.status}")
        lines.append(f"  {caregiver.name or NONE} · {status}")
    return "\n".join(lines)


def _programme(programme_id: str, t: Text) -> str:
    """A built-in programme's title from the catalog; the practice's own go by their id."""
    key = f"programme.{programme_id}.title"
    title = t(key)
    return programme_id if title == key else title


def _prevention(holdings: Holdings, t: Text, tz: ZoneInfo) -> str:
    consent = holdings.prevention_consent
    return t(
        "export.prevention",
        version=(consent.consent_version if consent else None) or NONE,
        given=_when(consent.consent_at if consent else None, tz),
        declined=_when(consent.consent_declined_at if consent else None, tz),
        withdrawn=_when(consent.consent_withdrawn_at if consent else None, tz),
    )


def _tags(holdings: Holdings, t: Text) -> str:
    lines = [t("export.tags", n=len(holdings.tags))]
    if holdings.tags:
        lines.append("  " + ", ".join(tag.tag for tag in holdings.tags))
    return "\n".join(lines)


def _enrolments(holdings: Holdings, t: Text, tz: ZoneInfo) -> str:
    lines = [t("export.enrolments", n=len(holdings.enrolments))]
    for enrolment in holdings.enrolments:
        lines.append("")
        lines.extend(_enrolment(enrolment, holdings, t, tz))
    return "\n".join(lines)


def _enrolment(enrolment: Enrolment, holdings: Holdings, t: Text, tz: ZoneInfo) -> list[str]:
    number = enrolment.id or 0
    lines = [
        t(
            "export.enrolment",
            programme=_programme(enrolment.programme_id, t),
            cycle=enrolment.cycle,
            state=t(f"export.enrolment.{enrolment.state}"),
            planned=_when(enrolment.planned_at, tz),
            invited=_when(enrolment.invited_at, tz),
            answered=_when(enrolment.answered_at, tz),
        )
    ]
    contacts = holdings.contacts.get(number, [])
    if contacts:
        lines.append(t("export.enrolment.contacts"))
    lines.extend(
        t(
            "export.contact",
            step=contact.step + 1,
            sent=_when(contact.queued_at, tz),
            delivered=_when(contact.delivered_at, tz),
        )
        for contact in contacts
    )
    calls = holdings.calls.get(number, [])
    if calls:
        lines.append(t("export.enrolment.calls"))
    lines.extend(
        f"    {_when(call.called_at, tz)} · {t(f'export.call.{call.outcome}')}" for call in calls
    )
    return lines


def _opt_outs(holdings: Holdings, t: Text, tz: ZoneInfo) -> str:
    lines = [t("export.opt_outs", n=len(holdings.opt_outs))]
    lines.extend(
        t(
            "export.opt_out",
            programme=_programme(opt_out.programme_id, t),
            date=_when(opt_out.opted_out_at, tz),
        )
        for opt_out in holdings.opt_outs
    )
    return "\n".join(lines)


def _completions(holdings: Holdings, t: Text) -> str:
    lines = [t("export.completions", n=len(holdings.completions))]
    lines.extend(
        t(
            "export.completion",
            programme=_programme(completion.programme_id, t),
            date=_day(completion.done_on),
            source=t(f"export.completion.{completion.source}"),
        )
        for completion in holdings.completions
    )
    return "\n".join(lines)


def _conversation(holdings: Holdings, t: Text, tz: ZoneInfo) -> str:
    conversation = holdings.conversation
    if conversation is None or conversation.flow is None:
        return t("export.conversation", position=NONE, updated=NONE)
    position = f"{conversation.flow} / {conversation.step or NONE}"
    return t("export.conversation", position=position, updated=_when(conversation.updated_at, tz))
