"""Repositories: one per aggregate, keyword-only, never committing on their own."""

from storage.repositories.appointments import AppointmentRepository
from storage.repositories.caregivers import CaregiverRepository
from storage.repositories.conversations import (
    ConversationRepository,
    ShownMenus,
    UpdateJournal,
)
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PatientRepository, SettingRepository, StaffRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.reminders import ReminderRepository
from storage.repositories.requests import RequestRepository
from storage.repositories.stats import StatsRepository
from storage.repositories.therapies import TherapyRepository

__all__ = [
    "AppointmentRepository",
    "CaregiverRepository",
    "ConversationRepository",
    "OutboxRepository",
    "PatientRepository",
    "PrivacyRepository",
    "ReminderRepository",
    "RequestRepository",
    "SettingRepository",
    "ShownMenus",
    "StaffRepository",
    "StatsRepository",
    "TherapyRepository",
    "UpdateJournal",
]
