"""Everything the patient routes run, gathered in one registry."""

from __future__ import annotations

import secrets

from flows import kinds
from flows.codes import PatientGlobal
from flows.patient import home, onboarding, urgency
from flows.privacy import screens as privacy
from flows.programmes import booking, prevention
from flows.registry import Registry
from flows.reminders import registry as reminders_registry
from flows.staff import visits
from storage.uow import Database

BUTTON_KEY_SETTING = "callback_signing_key"


def build_registry() -> Registry:
    requests = kinds.registry()
    registry = Registry()
    registry.merge(onboarding.registry())
    registry.merge(home.registry(kinds=requests.kinds()))
    registry.merge(urgency.registry())
    registry.merge(privacy.registry())  # a patient's data: export and erasure
    registry.merge(requests)
    registry.merge(reminders_registry())  # therapy reminders and follow-up
    registry.commands[PatientGlobal.VISIT.head] = visits.respond  # a proposed visit slot
    registry.merge(booking.registry())  # a visit booked from a programme's message
    registry.merge(prevention.registry())  # consent to prevention reminders, in Settings
    return registry


async def callback_secret(database: Database) -> bytes:
    """The key that signs buttons; made once and kept, so buttons survive restarts."""
    async with database.uow() as uow:
        stored = await uow.settings.get(key=BUTTON_KEY_SETTING)
        if isinstance(stored, str) and len(stored) >= 32:
            return bytes.fromhex(stored)
        await uow.settings.put(key=BUTTON_KEY_SETTING, value=secrets.token_hex(32))
        await uow.commit()
    async with database.uow() as uow:
        return bytes.fromhex(str(await uow.settings.get(key=BUTTON_KEY_SETTING)))
