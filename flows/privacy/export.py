"""Everything the front desk holds about one patient, gathered for a copy (art. 15 and 20).

Every table that points at the patient, directly or through a request, a therapy or an
appointment, has a section here; `COVERED_TABLES` names them and a test fails when a new table
references the patient without being covered.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from storage.repositories.privacy import Holdings, column_keys
from storage.tables import Patient
from storage.uow import UnitOfWork

FORMAT = "frontdesk-export/1"
COVERED_TABLES = frozenset(
    {
        "patients",
        "requests",
        "request_events",
        "attachments",
        "therapies",
        "reminders",
        "appointments",
        "ratings",
        "satisfaction_answers",
        "conversations",
        "outbound_messages",
        "caregivers",
        "patient_tags",
        "prevention_consents",
        "programme_enrolments",
        "programme_contacts",
        "programme_calls",
        "programme_opt_outs",
        "programme_completions",
    }
)
# References that only open a file with the practice's own bot token: of no use in a copy.
HIDDEN = {"attachments": {"telegram_file_id", "file_unique_id"}, "caregivers": {"token"}}


async def collect(uow: UnitOfWork, patient: Patient) -> Holdings:
    """Every row of every covered table that points at the patient."""
    return await uow.privacy.holdings_of(patient=patient)


def row(item: BaseModel) -> dict[str, Any]:
    """Every column of a row, in the table's order, as JSON values (dates in ISO 8601, UTC)."""
    hidden = HIDDEN.get(str(getattr(item, "__tablename__", "")), set())
    dumped = item.model_dump(mode="json")
    return {key: dumped[key] for key in column_keys(type(item)) if key not in hidden}


def as_dict(holdings: Holdings, *, now: datetime, practice: str) -> dict[str, Any]:
    requests = []
    for request in holdings.requests:
        number = request.id or 0
        entry = row(request)
        entry["events"] = [row(e) for e in holdings.events.get(number, [])]
        entry["attachments"] = [row(a) for a in holdings.attachments.get(number, [])]
        requests.append(entry)
    conversation = holdings.conversation
    consent = holdings.prevention_consent
    return {
        "format": FORMAT,
        "generated_at": now.isoformat(),
        "practice": practice,
        "patient": row(holdings.patient),
        "requests": requests,
        "therapies": [row(t) for t in holdings.therapies],
        "reminders": [row(r) for r in holdings.reminders],
        "appointments": [row(a) for a in holdings.appointments],
        "ratings": [row(r) for r in holdings.ratings],
        "satisfaction": [row(a) for a in holdings.satisfaction],
        "caregivers": [row(c) for c in holdings.caregivers],
        "conversation": row(conversation) if conversation is not None else None,
        "messages": [row(m) for m in holdings.messages],
        "tags": [row(tag) for tag in holdings.tags],
        "prevention_consent": row(consent) if consent is not None else None,
        "enrolments": _enrolments(holdings),
        "opt_outs": [row(o) for o in holdings.opt_outs],
        "completions": [row(c) for c in holdings.completions],
    }


def _enrolments(holdings: Holdings) -> list[dict[str, Any]]:
    """Each programme cycle the patient was in, with the messages sent and staff calls."""
    enrolments = []
    for enrolment in holdings.enrolments:
        number = enrolment.id or 0
        entry = row(enrolment)
        entry["contacts"] = [row(c) for c in holdings.contacts.get(number, [])]
        entry["calls"] = [row(c) for c in holdings.calls.get(number, [])]
        enrolments.append(entry)
    return enrolments


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()


async def export(uow: UnitOfWork, patient: Patient, *, now: datetime, practice: str) -> bytes:
    """The machine-readable copy, as the patient and `frontdesk patient export` get it."""
    return to_json(as_dict(await collect(uow, patient), now=now, practice=practice))
