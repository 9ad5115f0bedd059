"""What staff see: the inbox (counts, a page of requests, filters) and a request's card."""

from __future__ import annotations

from datetime import date
from typing import Any

from flows.answers import bulleted, filed_lines
from flows.codes import LAST_PAGE, CardOp, FilterOp, StaffCode
from flows.dates import short
from flows.lifecycle import LIFECYCLE, OPEN_STATES, Action, State
from flows.reply import Button
from flows.satisfaction.words import card_line
from flows.turn import Turn
from storage.tables import Patient, Request

PAGE = 8
STATE_ORDER = (State.NEW, State.IN_PROGRESS, State.WAITING_PATIENT, State.SNOOZED, State.READY)
OTHER_ICON = "🩺"  # a request of a kind no flow declares any more
ACTION_ORDER = (
    Action.TAKE,
    Action.WAKE,
    Action.ASK,
    Action.READY,
    Action.CLOSE,
    Action.SNOOZE,
    Action.REJECT,
)


def view(turn: Turn) -> dict[str, Any]:
    """The staff member's inbox filters and page, kept in their conversation."""
    answers = dict(turn.conversation.answers or {})
    return {
        "page": int(answers.get("page", 0) or 0),
        "kind": answers.get("kind"),
        "state": answers.get("state"),
        "mine": bool(answers.get("mine")),
    }


def set_view(turn: Turn, **changes: Any) -> None:
    turn.conversation.answers = {**(turn.conversation.answers or {}), **changes}
    turn.conversation.flow = "staff"
    turn.conversation.step = "inbox"


def age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def patient_name(patient: Patient | None) -> str:
    if patient is None:
        return "?"
    initial = f"{patient.first_name[0]}." if patient.first_name else ""
    return f"{patient.last_name or '?'} {initial}".strip()


async def show_inbox(turn: Turn, *, notice: str | None = None) -> None:
    filters = view(turn)
    states = (
        [filters["state"]] if filters["state"] in OPEN_STATES else [s.value for s in OPEN_STATES]
    )
    mine = turn.staff.id if filters["mine"] and turn.staff is not None else None
    repo = turn.uow.requests
    counts = await repo.counts_by_state(states=[s.value for s in OPEN_STATES])
    total = await repo.count_inbox(states=states, kind=filters["kind"], assignee_id=mine)
    pages = max(1, -(-total // PAGE))
    page = min(max(filters["page"], 0), pages - 1)
    rows = await repo.inbox(
        states=states, kind=filters["kind"], assignee_id=mine, limit=PAGE, offset=page * PAGE
    )
    patients = await turn.uow.patients.by_ids(ids=[r.patient_id for r in rows])
    turn.new_menu()
    count_line = " · ".join(
        turn.t("inbox.count", state=turn.t(f"staff.state.{s.value}"), n=counts.get(s.value, 0))
        for s in STATE_ORDER
    )
    lines = [
        turn.t("inbox.title", n=sum(counts.values())),
        count_line,
        turn.t(
            "inbox.filters",
            kind=turn.t(f"kind.{filters['kind']}") if filters["kind"] else turn.t("inbox.all"),
            state=turn.t(f"staff.state.{filters['state']}")
            if filters["state"]
            else turn.t("inbox.open"),
            mine=turn.t("inbox.mine_on") if filters["mine"] else turn.t("inbox.mine_off"),
        ),
    ]
    if not rows:
        lines.append(turn.t("inbox.empty"))
    if notice:
        lines.insert(0, notice)
    buttons: list[tuple[Button, ...]] = [
        (turn.button_text(inbox_line(turn, r, patients.get(r.patient_id)), StaffCode.OPEN(r.id)),)
        for r in rows
    ]
    nav = []
    if page > 0:
        nav.append(turn.button_text("◀️", StaffCode.INBOX(page - 1)))
    nav.append(turn.button_text(f"{page + 1}/{pages}", StaffCode.INBOX(page)))
    if page < pages - 1:
        nav.append(turn.button_text("▶️", StaffCode.INBOX(page + 1)))
    buttons.append(tuple(nav))
    buttons.append(
        (
            turn.button("inbox.filter.kind", StaffCode.FILTER(FilterOp.KIND)),
            turn.button("inbox.filter.state", StaffCode.FILTER(FilterOp.STATE)),
            turn.button("inbox.filter.mine", StaffCode.FILTER(FilterOp.MINE)),
        )
    )
    set_view(turn, page=page)
    turn.show("\n".join(lines), tuple(buttons))


def inbox_line(turn: Turn, request: Request, patient: Patient | None) -> str:
    marks = ""
    if request.due_at < turn.now and request.state != State.READY:
        marks += "⏰"
    if request.staff_urgent:
        marks += "🚩"
    if request.unverified:
        marks += "❔"
    declared = turn.desk.registry.kind(request.kind)
    icon = declared.icon if declared is not None and declared.icon else OTHER_ICON
    due = request.due_at.astimezone(turn.desk.settings.tz).strftime("%d/%m")
    state = turn.t(f"staff.state.{request.state}")
    return f"{marks}#{request.id} {icon} {patient_name(patient)} · {state} · {due}".strip()


async def show_card(turn: Turn, request: Request, *, notice: str | None = None) -> None:
    patient = await turn.uow.patients.get(patient_id=request.patient_id)
    events = await turn.uow.requests.events(request_id=request.id or 0)
    attachments = await turn.uow.requests.attachments(request_id=request.id or 0)
    tz = turn.desk.settings.tz
    assignee = None
    if request.assignee_id is not None:
        assignee = await turn.uow.staff.get(staff_id=request.assignee_id)
    staff_names = {s.id: s.name for s in await turn.uow.staff.list(active_only=False)}
    turn.new_menu()
    lines = [
        turn.t("card.title", number=request.id, kind=turn.t(f"kind.{request.kind}"))
        + (" 🚩" if request.staff_urgent else ""),
        turn.t("staff.card.state", state=turn.t(f"staff.state.{request.state}"))
        + (turn.t("staff.card.assignee", name=assignee.name) if assignee else ""),
        patient_line(turn, patient),
        turn.t(
            "staff.card.times",
            created=short(request.created_at, tz=tz),
            due=short(request.due_at, tz=tz),
        )
        + (" ⏰" if request.due_at < turn.now and request.state != State.READY else ""),
    ]
    answer_lines = bulleted(filed_lines(request.answers), turn.t)
    if answer_lines:
        lines += ["", turn.t("staff.card.answers"), *answer_lines]
    if attachments:
        lines += ["", turn.t("staff.card.attachments", n=len(attachments))]
    felt = await turn.uow.satisfaction.of_request(request_id=request.id or 0)
    if felt is not None:
        lines += ["", card_line(turn.t, felt)]
    lines += ["", turn.t("staff.card.history")]
    for event in events[-8:]:
        who = turn.t("staff.card.by_patient") if event.actor_kind == "patient" else ""
        if event.actor_kind == "staff":
            who = staff_names.get(event.actor_id, "?")
        elif event.actor_kind == "system":
            who = turn.t("staff.card.by_system")
        what = turn.t(f"staff.action.{event.action}")
        note = f": {event.note}" if event.note else ""
        lines.append(f"{short(event.at, tz=tz)} · {who} · {what}{note}")
    if notice:
        lines.insert(0, notice + "\n")
    turn.conversation.flow = "staff"
    turn.conversation.step = "card"
    turn.conversation.answers = {**(turn.conversation.answers or {}), "request": request.id}
    turn.show("\n".join(lines)[:4000], card_buttons(turn, request, bool(attachments)))


def patient_line(turn: Turn, patient: Patient | None) -> str:
    if patient is None:
        return turn.t("staff.card.no_patient")
    years = age(patient.birth_date, turn.now.astimezone(turn.desk.settings.tz).date())
    verified = turn.t(f"staff.card.{patient.verification}")
    return turn.t(
        "staff.card.patient",
        name=f"{patient.first_name or ''} {patient.last_name or ''}".strip() or "?",
        age=years if years is not None else "?",
        code=patient.fiscal_code or "—",
        verified=verified,
    )


def card_buttons(turn: Turn, request: Request, has_files: bool) -> tuple[tuple[Button, ...], ...]:
    allowed = set(LIFECYCLE.allowed_actions(request.state))
    if request.state == State.NEW:
        allowed |= {Action.READY, Action.CLOSE, Action.ASK}
    if request.state == State.IN_PROGRESS:
        allowed.add(Action.CLOSE)
    actions = [a for a in ACTION_ORDER if a in allowed]
    # Each action carries the version the card showed: a tap on a card gone stale (the patient
    # answered, a colleague acted) refreshes it instead of acting on what is no longer true.
    seen = request.version
    buttons = [
        turn.button(f"staff.button.{a.value}", StaffCode.ACT(request.id, a.value, seen))
        for a in actions
    ]
    rows: list[tuple[Button, ...]] = [tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3)]
    extra = []
    if request.state in {s.value for s in OPEN_STATES}:
        extra.append(act_button(turn, request, CardOp.URGENT))
        if request.kind == "visit":
            extra.append(act_button(turn, request, CardOp.SLOT))
    if has_files:
        extra.append(act_button(turn, request, CardOp.FILES))
    if extra:
        rows.append(tuple(extra))
    rows.append((inbox_button(turn),))
    return tuple(rows)


def act_button(turn: Turn, request: Request, op: CardOp) -> Button:
    code = StaffCode.ACT(request.id, op.value, request.version)
    return turn.button(f"staff.button.{op.value}", code)


def inbox_button(turn: Turn) -> Button:
    """Back to the inbox, at the page last shown."""
    return turn.button("staff.button.inbox", StaffCode.INBOX(LAST_PAGE))
