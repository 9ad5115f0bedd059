"""Patients, staff and run-time practice settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.prepared import Link, Prepared
from storage.tables import Caregiver, Patient, PracticeSetting, Staff, Therapy
from storage.types import utcnow

# Every turn looks its sender up: statements built once, their compiled SQL cached.
_PATIENT_BY_TELEGRAM_ID = select(Patient).where(Patient.telegram_id == bindparam("telegram_id"))
_STAFF_BY_TELEGRAM_ID = select(Staff).where(Staff.telegram_id == bindparam("telegram_id"))
_ACTIVE = col(Staff.active) == True  # noqa: E712 - SQL comparison
_ACTIVE_STAFF_BY_TELEGRAM_ID = _STAFF_BY_TELEGRAM_ID.where(_ACTIVE)
_STAFF = Staff.__table__.c  # type: ignore[attr-defined]
_CAREGIVERS = Caregiver.__table__.c  # type: ignore[attr-defined]
# A caregiver acting for a patient: their active link with `acting` set.
_ACTING = (
    col(Caregiver.caregiver_user_id) == bindparam("telegram_id"),
    col(Caregiver.status) == "active",
    col(Caregiver.acting) == True,  # noqa: E712 - SQL comparison
)
# The link itself, for the turns that do act for someone (`flows.reminders.acting`).
ACTING_LINK = select(Caregiver).where(*_ACTING)
# Whether the sender is staff, and whether they act for a patient as a caregiver, in one
# statement: most turns are patients' own, and then neither row needs loading.
_ROLES = Prepared(
    core_select(
        core_select(_STAFF.id)
        .where(col(Staff.telegram_id) == bindparam("telegram_id"), _ACTIVE)
        .limit(1)
        .scalar_subquery()
        .label("staff"),
        core_select(_CAREGIVERS.id).where(*_ACTING).limit(1).scalar_subquery().label("acting"),
    ),
    result_types=[_STAFF.id.type, _CAREGIVERS.id.type],
)


@dataclass(frozen=True, slots=True)
class Roles:
    """What else a Telegram user is besides (maybe) a patient."""

    staff: bool
    acting_caregiver: bool


class PatientRepository:
    def __init__(self, session: AsyncSession, link: Link) -> None:
        self._session = session
        self._link = link

    async def get(self, *, patient_id: int) -> Patient | None:
        return await self._session.get(Patient, patient_id)

    async def by_telegram_id(self, *, telegram_id: int) -> Patient | None:
        result = await self._session.exec(
            _PATIENT_BY_TELEGRAM_ID, params={"telegram_id": telegram_id}
        )
        return result.first()

    async def roles_of(self, *, telegram_id: int) -> Roles:
        staff, acting = (await _ROLES.run(self._link, {"telegram_id": telegram_id})).rows[0]
        return Roles(staff=staff is not None, acting_caregiver=acting is not None)

    async def add(self, *, patient: Patient) -> Patient:
        self._session.add(patient)
        await self._session.flush()
        return patient

    async def save(self, *, patient: Patient) -> None:
        """Written with the unit of work's next flush or commit."""
        self._session.add(patient)

    async def active_therapies(self, *, patient_id: int) -> Sequence[Therapy]:
        """The medicines the patient takes now, by name."""
        query = (
            select(Therapy)
            .where(Therapy.patient_id == patient_id, col(Therapy.active).is_(True))
            .order_by(col(Therapy.medicine), col(Therapy.id))
        )
        return (await self._session.exec(query)).all()

    async def by_ids(self, *, ids: Sequence[int]) -> dict[int, Patient]:
        if not ids:
            return {}
        query = select(Patient).where(col(Patient.id).in_(list(set(ids))))
        return {p.id: p for p in (await self._session.exec(query)).all() if p.id is not None}

    async def pending_verification(self, *, limit: int = 50) -> Sequence[Patient]:
        query = (
            select(Patient)
            .where(Patient.verification == "pending", col(Patient.registered_at).is_not(None))
            .order_by(col(Patient.registered_at))
            .limit(limit)
        )
        return (await self._session.exec(query)).all()

    async def registered_with_fiscal_codes(
        self, *, codes: Sequence[str]
    ) -> Sequence[tuple[int, str]]:
        """(patient id, fiscal code) of every registered patient holding one of `codes`."""
        if not codes:
            return []
        query = select(Patient.id, Patient.fiscal_code).where(
            col(Patient.fiscal_code).in_(list(set(codes))),
            col(Patient.registered_at).is_not(None),
        )
        rows = (await self._session.exec(query)).all()
        return [(i, c) for i, c in rows if i is not None and c is not None]

    async def telegram_ids_between(self, *, first: int, last: int) -> Sequence[int]:
        """The Telegram ids of the patients whose id lies in a range (the sandbox's people)."""
        query = select(Patient.telegram_id).where(col(Patient.telegram_id).between(first, last))
        return (await self._session.exec(query)).all()


class StaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_telegram_id(self, *, telegram_id: int, active_only: bool = True) -> Staff | None:
        query = _ACTIVE_STAFF_BY_TELEGRAM_ID if active_only else _STAFF_BY_TELEGRAM_ID
        return (await self._session.exec(query, params={"telegram_id": telegram_id})).first()

    async def get(self, *, staff_id: int) -> Staff | None:
        return await self._session.get(Staff, staff_id)

    async def upsert(self, *, telegram_id: int, name: str, role: str) -> tuple[Staff, bool]:
        """Add a staff member, or update and reactivate an existing one; True when created."""
        existing = await self.by_telegram_id(telegram_id=telegram_id, active_only=False)
        if existing is not None:
            existing.name = name
            existing.role = role
            existing.active = True
            existing.updated_at = utcnow()
            self._session.add(existing)
            await self._session.flush()
            return existing, False
        staff = Staff(telegram_id=telegram_id, name=name, role=role)
        self._session.add(staff)
        await self._session.flush()
        return staff, True

    async def deactivate(self, *, telegram_id: int) -> Staff | None:
        """Staff leave but their past actions stay attributed, so the row is kept inactive."""
        staff = await self.by_telegram_id(telegram_id=telegram_id)
        if staff is None:
            return None
        staff.active = False
        staff.updated_at = utcnow()
        self._session.add(staff)
        await self._session.flush()
        return staff

    async def list(self, *, active_only: bool = True) -> Sequence[Staff]:
        query = select(Staff).order_by(col(Staff.name))
        if active_only:
            query = query.where(Staff.active == True)  # noqa: E712 - SQL comparison
        return (await self._session.exec(query)).all()


class SettingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, *, key: str, default: Any = None) -> Any:
        row = await self._session.get(PracticeSetting, key)
        return default if row is None else row.value

    async def put(self, *, key: str, value: Any) -> None:
        row = await self._session.get(PracticeSetting, key)
        if row is None:
            row = PracticeSetting(key=key, value=value)
        else:
            row.value = value
            row.updated_at = utcnow()
        self._session.add(row)
        await self._session.flush()
