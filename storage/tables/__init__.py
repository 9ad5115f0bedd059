"""All tables; importing this package registers every table on `SQLModel.metadata`."""

from storage.tables.conversations import Conversation, ProcessedUpdate
from storage.tables.digest import DigestNotice
from storage.tables.people import Patient, PracticeSetting, Staff
from storage.tables.reminders import (
    Appointment,
    Caregiver,
    OutboundMessage,
    Rating,
    Reminder,
    Therapy,
)
from storage.tables.requests import Attachment, Request, RequestEvent

__all__ = [
    "Appointment",
    "Attachment",
    "Caregiver",
    "Conversation",
    "DigestNotice",
    "OutboundMessage",
    "Patient",
    "PracticeSetting",
    "ProcessedUpdate",
    "Rating",
    "Reminder",
    "Request",
    "RequestEvent",
    "Staff",
    "Therapy",
]
