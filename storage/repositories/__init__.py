"""Repositories: one per aggregate, keyword-only, never committing on their own."""

from storage.repositories.conversations import (
    ConversationRepository,
    ShownMenus,
    UpdateJournal,
)
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PatientRepository, SettingRepository, StaffRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.requests import RequestRepository
from storage.repositories.stats import StatsRepository
from storage.repositories.visits import VisitRepository

__all__ = [
    "ConversationRepository",
    "OutboxRepository",
    "PatientRepository",
    "PrivacyRepository",
    "RequestRepository",
    "SettingRepository",
    "ShownMenus",
    "StaffRepository",
    "StatsRepository",
    "UpdateJournal",
    "VisitRepository",
]
