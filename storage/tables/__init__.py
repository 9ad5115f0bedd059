"""All tables; importing this package registers every table on `SQLModel.metadata`."""

from storage.tables.conversations import Conversation, ProcessedUpdate
from storage.tables.digest import DigestNotice
from storage.tables.people import Patient, PracticeSetting, Staff
from storage.tables.programmes import (
    Completion,
    Contact,
    Enrolment,
    PatientTag,
    PreventionConsent,
    ProgrammeCall,
    ProgrammeCycle,
    ProgrammeOptOut,
    ProgrammeState,
)
from storage.tables.reminders import (
    Appointment,
    Caregiver,
    OutboundMessage,
    Rating,
    Reminder,
    Therapy,
)
from storage.tables.requests import Attachment, Request, RequestEvent
from storage.tables.satisfaction import SatisfactionAnswer

__all__ = [
    "Appointment",
    "Attachment",
    "Caregiver",
    "Completion",
    "Contact",
    "Conversation",
    "DigestNotice",
    "Enrolment",
    "OutboundMessage",
    "Patient",
    "PatientTag",
    "PracticeSetting",
    "PreventionConsent",
    "ProcessedUpdate",
    "ProgrammeCall",
    "ProgrammeCycle",
    "ProgrammeOptOut",
    "ProgrammeState",
    "Rating",
    "Reminder",
    "Request",
    "RequestEvent",
    "SatisfactionAnswer",
    "Staff",
    "Therapy",
]
