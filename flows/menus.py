"""Command menus: patients see a short one; staff see theirs, per chat, kept in step with the
staff table (checked at start-up and on every housekeeping tick)."""

from __future__ import annotations

import hashlib

from flows.i18n import Catalog
from flows.reply import CommandMenu, Reply
from storage.uow import UnitOfWork

PATIENT_COMMANDS = ("start", "menu", "help")
STAFF_COMMANDS = (
    "inbox", "open", "take", "ask", "ready", "close", "reject", "snooze", "assign", "urgent",
    "slot", "therapy", "patients", "tags", "templates", "programmes", "stats", "help",
)  # fmt: skip
SYNCED_SETTING = "staff_menu_synced"


def patient_menu(catalog: Catalog, lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, catalog.text(f"command.{name}", lang)) for name in PATIENT_COMMANDS)


def staff_menu(catalog: Catalog, lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, catalog.text(f"command.staff.{name}", lang)) for name in STAFF_COMMANDS)


async def sync_menus(uow: UnitOfWork, catalog: Catalog, lang: str, *, force: bool) -> Reply:
    """Menus to (re)set when the staff list changed since the last sync, or always if `force`."""
    team = sorted(s.telegram_id for s in await uow.staff.list())
    removed = [s.telegram_id for s in await uow.staff.list(active_only=False) if not s.active]
    fingerprint = hashlib.sha256(repr((team, sorted(removed))).encode()).hexdigest()
    if not force and await uow.settings.get(key=SYNCED_SETTING) == fingerprint:
        return Reply()
    reply = Reply()
    reply.menus.append(CommandMenu(None, patient_menu(catalog, lang)))
    reply.menus.extend(CommandMenu(chat, staff_menu(catalog, lang)) for chat in team)
    reply.menus.extend(CommandMenu(chat, ()) for chat in removed)
    await uow.settings.put(key=SYNCED_SETTING, value=fingerprint)
    return reply
