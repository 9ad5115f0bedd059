"""Repositories: one per aggregate, keyword-only, never committing on their own."""

from storage.repositories.conversations import (
    ConversationRepository,
    ShownMenus,
    UpdateJournal,
)
from storage.repositories.people import PatientRepository, SettingRepository, StaffRepository
from storage.repositories.requests import RequestRepository

__all__ = [
    "ConversationRepository",
    "PatientRepository",
    "RequestRepository",
    "SettingRepository",
    "ShownMenus",
    "StaffRepository",
    "UpdateJournal",
]
