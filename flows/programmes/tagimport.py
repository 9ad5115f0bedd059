"""Importing condition tags: the file read and checked, the changes planned against what the
practice holds, and — unless it is a dry run — applied in the caller's unit of work, so an
import lands whole or not at all."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flows.programmes.tagfile import TagFile, parse_tag_file
from flows.programmes.tagplan import Holder, ImportPlan, plan_import
from storage.uow import UnitOfWork


async def known_tags(uow: UnitOfWork, declared: Iterable[str]) -> list[str]:
    """The tags an import may set: the declared ones and any already in use."""
    tags = list(declared)
    folded = {tag.casefold() for tag in tags}
    for tag in sorted(await uow.programmes.tag_counts()):
        if tag.casefold() not in folded:
            tags.append(tag)
            folded.add(tag.casefold())
    return tags


async def plan_tags(
    uow: UnitOfWork, data: bytes, declared: Iterable[str]
) -> tuple[TagFile, ImportPlan | None]:
    """The file as read, and what it would change (None when the file has problems)."""
    read = parse_tag_file(data, known_tags=await known_tags(uow, declared))
    if read.problems:
        return read, None
    found = await uow.tags.holders(fiscal_codes=[row.fiscal_code for row in read.rows])
    holders = {code: Holder(pid, tags) for code, (pid, tags) in found.items()}
    return read, plan_import(read.rows, holders)


async def apply_tags(uow: UnitOfWork, plan: ImportPlan, *, now: datetime) -> None:
    """Write the plan's changes; the caller commits them together."""
    await uow.tags.remove(pairs=[(c.patient_id, t) for c in plan.changes for t in c.removed])
    await uow.programmes.add_tags(
        pairs=[(c.patient_id, t) for c in plan.changes for t in c.added], now=now
    )
